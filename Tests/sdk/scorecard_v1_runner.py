"""Runs calls of the real Scorecard v1 client (`scorecard-ai==1.1.1`) for the test suite.

The v1 client and the v2 SDK share the distribution name `scorecard-ai`, so the v1 client lives
in its own virtual environment (Tests/sdk/.venv-v1) and this script runs there. It reads one
JSON call per line on stdin and answers one JSON line on stdout:

    {"base_url": ..., "api_key": ..., "method": "testrecord.get", "kwargs": {...}}
    -> {"type": "Testrecord", "value": {...}, "field_types": {"created_at": "datetime", ...}}
    -> {"error": "NotFoundError", "status_code": 404, "body_type": "NotFoundErrorBody", "body": {...}}
"""
from __future__ import annotations

import json
import sys
import warnings

from scorecard.client import Scorecard
from scorecard.core.api_error import ApiError


def plain(value):
    """JSON for what json cannot write: datetimes as isoformat(), nested models as dicts."""
    return value.isoformat() if hasattr(value, "isoformat") else dict(value)


def dump(model):
    """A client model as JSON, and the Python type of each field the client parsed."""
    if not hasattr(model, "model_dump"):
        return {"type": type(model).__name__, "value": model}
    return {
        "type": type(model).__name__,
        # Not model_dump(mode="json"): the client's serializer appends "Z" to naive datetimes,
        # which would hide what it parsed. isoformat() shows the datetime as parsed.
        "value": json.loads(json.dumps(dict(model), default=plain)),
        "field_types": {name: type(value).__name__ for name, value in model},
    }


def main() -> None:
    # pydantic 2 warns about the client's pydantic-1 style config and, when dumping, about the
    # loosely constructed custom_* values; neither concerns the emulator.
    warnings.filterwarnings("ignore", category=UserWarning)
    clients: dict[tuple[str, str], Scorecard] = {}
    for line in sys.stdin:
        call = json.loads(line)
        key = (call["base_url"], call["api_key"])
        if key not in clients:
            clients[key] = Scorecard(api_key=call["api_key"], base_url=call["base_url"], timeout=10)
        target = clients[key]
        for part in call["method"].split("."):
            target = getattr(target, part)
        try:
            answer = dump(target(*call.get("args", []), **call.get("kwargs", {})))
        except ApiError as error:
            body = dump(error.body)
            answer = {"error": type(error).__name__, "status_code": error.status_code,
                      "body_type": body["type"], "body": body["value"]}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
