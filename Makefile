# Annual Review: every command a developer or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The Lambda runtime is python3.13; the project runs and is tested on that same interpreter.
PYTHON_313 ?= $(firstword $(shell command -v python3.13 2>/dev/null | grep -v shims) $(wildcard /root/.pyenv/versions/3.13*/bin/python3.13) $(wildcard /usr/bin/python3.13))
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: help run test lint bench chaos install serve verify sam-validate clean

run: $(STAMP) ## Deploy template.yaml into a local moto stack and run a whole synthetic year (writes out/)
	$(VENV)/bin/annual-review local run $(ARGS)

test: $(STAMP) node_modules ## Run every test tier (unit, integration, e2e, browser)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP) ## ruff, mypy, cfn-lint and checkov on the code and template.yaml
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/cfn-lint template.yaml
	$(VENV)/bin/checkov -f template.yaml --config-file .checkov.yaml

bench: $(STAMP) ## Count AWS requests per event and time the stages; writes BENCHMARKS.md
	$(VENV)/bin/annual-review bench $(ARGS)

chaos: $(STAMP) ## Replay a larger seeded year through the local stack under injected faults
	$(VENV)/bin/annual-review local chaos $(ARGS)

serve: $(STAMP) ## Run a year and keep the local stack up to browse the map page
	$(VENV)/bin/annual-review local run --serve $(ARGS)

sam-validate: export SAM_CLI_TELEMETRY=0
sam-validate: ## sam validate --lint and sam build (no container), in a venv of their own
	test -x .sam-venv/bin/sam || ($(PYTHON_313) -m venv .sam-venv && .sam-venv/bin/pip install -q aws-sam-cli)
	.sam-venv/bin/sam validate --lint --region eu-west-2
	PATH="$(dir $(PYTHON_313)):$$PATH" .sam-venv/bin/sam build --region eu-west-2

install: $(STAMP) ## Create .venv with the project and its tools

$(STAMP): pyproject.toml
	@test -n "$(PYTHON_313)" || (echo "python3.13 not found: install it (pyenv install 3.13) or set PYTHON_313" && exit 1)
	test -d $(VENV) || $(PYTHON_313) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=25.1"
	$(PY) -m pip install -q -e . --group dev
	touch $(STAMP)

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch node_modules

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

clean: ## Remove build output and the local run's out/
	rm -rf out .aws-sam .pytest_cache .mypy_cache .ruff_cache
