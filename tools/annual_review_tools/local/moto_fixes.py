"""Local-only fixes for moto behaviour the local run depends on (inside the local server only).

- ``GET /moto-api/data.json`` (how a local run reads the messages SES accepted) answers HTTP 500
  as soon as the stack has a Lambda function: moto serialises every attribute of every model, and
  a function's ``docker_client`` raises when there is no Docker engine. The same listing, with an
  attribute that raises left out like any other that cannot be serialised.
"""

from __future__ import annotations

import json
from typing import Any

from moto.moto_api._internal.responses import MotoAPIResponse


def _readable(instance: Any) -> dict[str, Any]:
    found = {}
    for name in dir(instance):
        if name.startswith("_"):
            continue
        try:
            value = getattr(instance, name)
            json.dumps(value)
        except Exception:  # noqa: S112 - an attribute moto cannot show is left out, as moto does
            continue
        found[name] = value
    return found


def _model_data(self: Any, request: Any, full_url: str, headers: Any) -> Any:
    from moto.core.model_instances import model_data

    tracked: dict[str, dict[str, Any]] = model_data
    results = {
        service: {
            name: [_readable(i) for i in model.instances_tracked]
            for name, model in sorted(tracked[service].items())
        }
        for service in sorted(tracked)
    }
    return 200, {"Content-Type": "application/javascript"}, json.dumps(results)


def install() -> None:
    MotoAPIResponse.model_data = _model_data  # type: ignore[method-assign]
