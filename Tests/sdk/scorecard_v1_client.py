"""Drives the real Scorecard v1 client from pytest through `scorecard_v1_runner.py`, which runs
in the v1 client's own virtual environment (see that file for why)."""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

SDK_TESTS = Path(__file__).resolve().parent
VENV_PYTHON = SDK_TESTS / ".venv-v1" / "bin" / "python"


class V1ClientError(Exception):
    """An `ApiError` subclass the v1 client raised, with the body it parsed."""

    def __init__(self, answer: dict):
        super().__init__(f"{answer['error']} {answer['status_code']}: {answer['body']}")
        self.name = answer["error"]
        self.status_code = answer["status_code"]
        self.body_type = answer["body_type"]
        self.body = answer["body"]


@dataclass
class V1Result:
    """A model the v1 client returned: its class name, its fields as JSON, and their Python types."""
    type: str
    value: dict
    field_types: dict = field(default_factory=dict)


class V1Runner:
    """One runner process for the test session."""

    def __init__(self):
        if not VENV_PYTHON.exists():
            raise RuntimeError(f"{VENV_PYTHON} is missing: run scripts/install-deps --test")
        self.process = subprocess.Popen(
            [str(VENV_PYTHON), str(SDK_TESTS / "scorecard_v1_runner.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )

    def call(self, base_url: str, api_key: str, method: str, kwargs: dict):
        self.process.stdin.write(json.dumps({"base_url": base_url, "api_key": api_key, "method": method, "kwargs": kwargs}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the v1 client runner stopped; see its stderr above")
        answer = json.loads(line)
        if "error" in answer:
            raise V1ClientError(answer)
        return V1Result(answer["type"], answer["value"], answer.get("field_types", {}))

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


class ScorecardV1:
    """`ScorecardV1(runner, url, key).testrecord.get(testrecord_id=15, run_id=334)` calls
    `Scorecard(api_key=key, base_url=url).testrecord.get(...)` in the v1 client."""

    def __init__(self, runner: V1Runner, base_url: str, api_key: str, path: str = ""):
        self._runner, self._base_url, self._api_key, self._path = runner, base_url, api_key, path

    def __getattr__(self, name: str) -> "ScorecardV1":
        return ScorecardV1(self._runner, self._base_url, self._api_key, f"{self._path}.{name}" if self._path else name)

    def __call__(self, **kwargs) -> V1Result:
        return self._runner.call(self._base_url, self._api_key, self._path, kwargs)
