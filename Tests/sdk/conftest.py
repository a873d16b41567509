"""Fixtures that run the real evalmock binary, as users do, on an ephemeral port."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from pathlib import Path

import pytest
from jsonschema.validators import Draft202012Validator
from openapi_schema_validator import OAS31Validator

REPO = Path(__file__).resolve().parents[2]
OPENAPI = REPO / "openapi"
BINARY = Path(os.environ.get("EVALMOCK_BIN", REPO / ".build" / "debug" / "evalmock"))
STARTUP = re.compile(r"listening on http://([^:]+):(\d+) \(database: (.*?);")


class Evalmock:
    """One evalmock process. `restart()` keeps the database file; `kill()` is `kill -9`."""

    def __init__(self, db: Path, *extra: str):
        self.db = db
        self.extra = extra
        self.process: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        # Logs go to a file, not a pipe: a pipe nobody reads fills up and blocks the server.
        self.log_path = self.db.with_name(self.db.name + ".log")
        self.log = open(self.log_path, "w")
        # Every answer the tests see is checked against the document: one that breaks it is a
        # 500 and a log line, so no test passes on a response the document does not allow.
        self.process = subprocess.Popen(
            [str(BINARY), "serve", "--port", "0", "--db", str(self.db), "--openapi-dir", str(OPENAPI), *self.extra],
            stdout=subprocess.PIPE, stderr=self.log, text=True, env={**os.environ, "EVALMOCK_CHECK_RESPONSES": "1"},
        )
        line = self.process.stdout.readline()
        match = STARTUP.search(line)
        if not match:
            self.process.kill()
            raise RuntimeError(f"evalmock did not start: {line!r} {self.log_path.read_text()}")
        self.port = int(match.group(2))
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> int:
        assert self.process
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=10)
        self.close_streams()
        return code

    def kill(self) -> None:
        assert self.process
        self.process.kill()
        self.process.wait(timeout=10)
        self.close_streams()

    def close_streams(self) -> None:
        self.process.stdout.close()
        self.log.close()

    @property
    def stderr_text(self) -> str:
        return self.log_path.read_text()

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def evalmock(tmp_path):
    server = Evalmock(tmp_path / "evalmock.db")
    yield server
    if server.process and server.process.poll() is None:
        server.stop()


@pytest.fixture
def start_evalmock(tmp_path):
    """Starts servers with extra flags; all are stopped at the end."""
    servers: list[Evalmock] = []

    def start(*extra: str, db: Path | None = None) -> Evalmock:
        server = Evalmock(db or tmp_path / f"evalmock-{len(servers)}.db", *extra)
        servers.append(server)
        return server

    yield start
    for server in servers:
        if server.process and server.process.poll() is None:
            server.stop()


class Spec:
    """An OpenAPI document from openapi/, used to check that responses have the spec's shape."""

    def __init__(self, name: str):
        self.document = json.loads((OPENAPI / name).read_text())

    def response_schema(self, path: str, method: str, status: int | str) -> dict:
        responses = self.document["paths"][path][method.lower()]["responses"]
        response = responses.get(str(status)) or responses["default"]
        if "$ref" in response:
            response = self._resolve(response["$ref"])
        return next(content["schema"] for media, content in response["content"].items() if "json" in media)

    def component(self, name: str) -> dict:
        return self.document["components"]["schemas"][name]

    def _resolve(self, ref: str) -> dict:
        node = self.document
        for part in ref.lstrip("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def assert_valid(self, instance, schema: dict) -> None:
        # The whole document is the root, so "#/components/..." references resolve.
        root = {**self.document, **schema}
        errors = sorted(OAS31Validator(root).iter_errors(instance), key=lambda e: list(e.path))
        assert not errors, "; ".join(f"{list(e.path)}: {e.message}" for e in errors)

    def assert_response(self, path: str, method: str, response) -> None:
        self.assert_valid(response.json(), self.response_schema(path, method, response.status_code))


@pytest.fixture(scope="session")
def scorecard_spec() -> Spec:
    return Spec("scorecard-v2.json")


@pytest.fixture(scope="session")
def scorecard_v1_spec() -> Spec:
    return Spec("scorecard-v1.json")


@pytest.fixture(scope="session")
def scorecard_v1_runner():
    from scorecard_v1_client import V1Runner

    runner = V1Runner()
    yield runner
    runner.close()


@pytest.fixture
def scorecard_v1(scorecard_v1_runner):
    """`scorecard_v1(server, api_key=...)`: the real v1 client (`scorecard-ai==1.1.1`) for a server."""
    from scorecard_v1_client import ScorecardV1

    def connect(server, api_key: str = "ak_test") -> ScorecardV1:
        return ScorecardV1(scorecard_v1_runner, server.url, api_key)

    return connect
