"""evalmock as a service: start-up, logs, health, shutdown and bad configuration, run as a subprocess."""
from __future__ import annotations

import json
import signal
import socket
import subprocess
import time

import httpx

from conftest import BINARY, OPENAPI

AUTH = {"Authorization": "Bearer ak_test"}


def run_to_exit(*args: str, timeout: float = 10) -> subprocess.CompletedProcess:
    return subprocess.run([str(BINARY), "serve", "--openapi-dir", str(OPENAPI), *args],
                          capture_output=True, text=True, timeout=timeout)


def test_one_text_log_line_per_request(start_evalmock):
    server = start_evalmock("--log-level", "info")
    httpx.post(server.url + "/api/v2/runs/1/records", json={"inputs": {}, "expected": {}, "outputs": {}}, headers=AUTH)
    httpx.get(server.url + "/nowhere")
    server.stop()
    lines = [line for line in server.stderr_text.splitlines() if " request " in line]
    assert len(lines) == 2
    assert "method=POST" in lines[0] and "path=/api/v2/runs/1/records" in lines[0] and "status=201" in lines[0] and "ms=" in lines[0]
    assert "status=404" in lines[1]


def test_json_log_lines(start_evalmock):
    server = start_evalmock("--log-format", "json")
    httpx.get(server.url + "/api/v2/runs/1/records?limit=0", headers=AUTH)
    server.stop()
    entries = [json.loads(line) for line in server.stderr_text.splitlines()]
    request = next(e for e in entries if e["msg"] == "request")
    assert request["method"] == "GET" and request["path"] == "/api/v2/runs/1/records" and request["status"] == 400
    assert isinstance(request["ms"], float) and request["level"] == "info"


def test_log_level_warning_keeps_only_problems(start_evalmock):
    server = start_evalmock("--log-level", "warning")
    httpx.get(server.url + "/api/v2/runs/1/records", headers=AUTH)
    server.stop()
    assert " request " not in server.stderr_text


def test_health_reports_version_database_and_counts(evalmock):
    httpx.post(evalmock.url + "/runs/7/records", json={"inputs": {}, "expected": {}, "outputs": {}}, headers=AUTH)
    health = httpx.get(evalmock.url + "/_evalmock/health")
    assert health.status_code == 200
    body = health.json()
    assert body["status"] == "ok" and body["version"]
    assert body["database"] == str(evalmock.db)
    # One count per resource kind: the record and the run it made, nothing else.
    counts = body["apis"]["scorecard-v2"]
    assert counts["runs"] == 1 and counts["records"] == 1 and counts["recordTags"] == 0
    assert sum(counts.values()) == 2, counts
    assert body["uptimeSeconds"] >= 0


def test_sigterm_stops_within_a_second_and_closes_the_database(evalmock):
    httpx.post(evalmock.url + "/runs/1/records", json={"inputs": {}, "expected": {}, "outputs": {}}, headers=AUTH)
    started = time.monotonic()
    evalmock.process.send_signal(signal.SIGTERM)
    assert evalmock.process.wait(timeout=5) == 0
    assert time.monotonic() - started < 1.0
    # A clean close checkpoints the write-ahead log into the database and removes it.
    assert not evalmock.db.with_name(evalmock.db.name + "-wal").exists()


def test_port_in_use_is_one_clear_line_and_a_failure_exit(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run_to_exit("--port", str(port), "--db", str(tmp_path / "x.db"))
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and f"cannot listen on 127.0.0.1:{port}: address already in use" in errors[0]


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path):
    not_a_database = tmp_path / "notes.txt"
    not_a_database.write_text("these are not the pages you are looking for\n" * 100)
    before = not_a_database.read_bytes()
    result = run_to_exit("--port", "0", "--db", str(not_a_database))
    assert result.returncode == 1
    assert f"cannot use database {not_a_database}: file is not a database" in result.stderr
    assert not_a_database.read_bytes() == before


def test_an_unusable_database_path_is_refused(tmp_path):
    result = run_to_exit("--port", "0", "--db", str(tmp_path / "missing-dir" / "x.db"))
    assert result.returncode == 1
    assert "cannot use database" in result.stderr and "unable to open database file" in result.stderr


def test_help_explains_every_flag():
    result = subprocess.run([str(BINARY), "serve", "--help"], capture_output=True, text=True, timeout=10)
    for flag in ["--host", "--port", "--db", "--openapi-dir", "--api-key", "--max-body-bytes", "--log-level", "--log-format"]:
        assert flag in result.stdout


def test_health_subcommand_exits_0_only_when_the_server_answers(evalmock):
    healthy = subprocess.run([str(BINARY), "health", "--port", str(evalmock.port)], capture_output=True, text=True, timeout=10)
    assert healthy.returncode == 0 and healthy.stdout.strip() == "healthy"
    evalmock.stop()
    down = subprocess.run([str(BINARY), "health", "--port", str(evalmock.port)], capture_output=True, text=True, timeout=10)
    assert down.returncode == 1 and "unhealthy" in down.stderr
