"""Shared helpers of the Weave tests: raw HTTP with W&B's credentials, and JSONL bodies."""
from __future__ import annotations

import base64
import json
import os

# Importing `weave` starts an error-tracking session unless told not to; nothing may leave
# the machine in the tests.
os.environ.setdefault("WANDB_ERROR_REPORTING", "false")

KEY = "wandb-test-key"
PROJECT = "my-team/my-project"
ROOT = "/v2/{entity}/{project}"
UUID7 = r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"


def basic(key: str = KEY) -> dict[str, str]:
    """What the `weave` client sends: HTTP Basic with user `api` and the key as password."""
    return {"Authorization": "Basic " + base64.b64encode(f"api:{key}".encode()).decode()}


def bearer(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def url(server, path: str, project: str = PROJECT) -> str:
    return f"{server.url}/v2/{project}{path}"


def json_lines(response) -> list[dict]:
    assert response.headers["content-type"] == "application/jsonl"
    text = response.text
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def ref(kind: str, name: str, digest: str = "abc123", project: str = PROJECT) -> str:
    return f"weave:///{project}/{kind}/{name}:{digest}"
SCORER_REF = "weave:///my-team/my-project/object/Accuracy:abc123"
