"""Issue 21's bar: a user's programs with the real `weave` client (0.54.0, in its own virtual
environment `Tests/sdk/.venv-weave`) run against evalmock with no other host reachable, and read
back through the client what they wrote.

Each program (`Tests/sdk/weave_programs/`) runs in a subprocess with only the environment a user
would set: `WANDB_API_KEY`, `WANDB_BASE_URL` (and `WF_TRACE_SERVER_URL`, or not: then the client
uses `$WANDB_BASE_URL/traces`), proxies pointing at a closed local port with `NO_PROXY` for the
loopback (the PyPI version check of `weave.init` then fails at once), error reporting off and a
server cache of its own. Every request the client made is read from evalmock's journal: none may
be answered 501 or 5xx.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from conftest import REPO

VENV_PYTHON = REPO / "Tests" / "sdk" / ".venv-weave" / "bin" / "python"
PROGRAMS = Path(__file__).resolve().parent / "weave_programs"
KEY = "weave-client-key"
PROJECT = "my-team/weave-programs"


def closed_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_program(server, tmp_path: Path, program: Path, *args: str, trace_server: bool = True) -> dict:
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "WANDB_API_KEY": KEY,
        "WANDB_BASE_URL": server.url,
        "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy, "http_proxy": proxy,
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
        "WANDB_ERROR_REPORTING": "false",
        "WEAVE_SERVER_CACHE_DIR": str(tmp_path / "weave-cache"),
        "WEAVE_PRINT_CALL_LINK": "false",
    }
    if trace_server:
        env["WF_TRACE_SERVER_URL"] = server.url
    result = subprocess.run([str(VENV_PYTHON), str(program), PROJECT, *args], env=env,
                            capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, f"{program.name} failed:\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}"
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    assert lines, result.stdout
    return json.loads(lines[-1])


def journal(server) -> list[dict]:
    response = httpx.get(f"{server.url}/_evalmock/journal", params={"limit": 10000})
    assert response.status_code == 200
    return response.json()["entries"]


def assert_every_request_answered(server, *, under_traces: bool) -> list[dict]:
    entries = journal(server)
    assert entries
    failed = [(e["method"], e["path"], e["status"], (e.get("responseBody") or "")[:300])
              for e in entries if e["status"] is None or e["status"] == 501 or e["status"] >= 500]
    assert failed == []
    for entry in entries:
        if entry["path"] == "/graphql":
            continue
        # The trace server is where the client was told it is, and nowhere else.
        assert entry["path"].startswith("/traces/") == under_traces, entry["path"]
    return entries


@pytest.fixture(scope="module", autouse=True)
def weave_venv():
    assert VENV_PYTHON.exists(), "run scripts/install-deps --test (it creates Tests/sdk/.venv-weave)"


@pytest.mark.parametrize("trace_server", [True, False], ids=["WF_TRACE_SERVER_URL", "only-WANDB_BASE_URL"])
def test_weave_init_asks_server_info_and_graphql_then_creates_the_project(evalmock, tmp_path, trace_server):
    script = tmp_path / "init.py"
    script.write_text("import json, sys, weave\n"
                      "client = weave.init(sys.argv[1])\n"
                      "print(json.dumps({'entity': client.entity, 'project': client.project}))\n")
    assert run_program(evalmock, tmp_path, script, trace_server=trace_server) == {"entity": "my-team", "project": "weave-programs"}
    # A second init finds the project the first one created.
    run_program(evalmock, tmp_path, script, trace_server=trace_server)
    entries = assert_every_request_answered(evalmock, under_traces=not trace_server)
    requests = [(e["method"], e["path"]) for e in entries]
    prefix = "" if trace_server else "/traces"
    assert requests[0] == ("GET", f"{prefix}/server_info")
    graphql = [json.loads(e["requestBody"]) for e in entries if e["path"] == "/graphql"]
    asked = [body["query"].split("(")[0].split("{")[0].split()[-1] for body in graphql]
    assert asked == ["Project", "UpsertModel", "DefaultEntity", "Project", "DefaultEntity"]
    assert all("operationName" not in body for body in graphql)
    health = httpx.get(f"{evalmock.url}/_evalmock/health").json()
    assert health["apis"]["weave"]["projects"] == 1


@pytest.mark.parametrize("trace_server", [True, False], ids=["WF_TRACE_SERVER_URL", "only-WANDB_BASE_URL"])
def test_evaluate_and_evaluation_logger_run_and_read_back_through_the_client(evalmock, tmp_path, trace_server):
    summary = run_program(evalmock, tmp_path, PROGRAMS / "evaluate.py", trace_server=trace_server)["summary"]
    # The client's own summary: 2 of 4 rows match (10 - 7 is not 2; the failing row scores nothing).
    assert summary["exact_match"]["correct"] == {"true_count": 2, "true_fraction": 0.5}
    assert summary["DigitScorer"]["all_digits"] == {"true_count": 3, "true_fraction": 0.75}
    logged = run_program(evalmock, tmp_path, PROGRAMS / "evaluation_logger.py", trace_server=trace_server)
    assert logged["predictions"] == 3
    back = run_program(evalmock, tmp_path, PROGRAMS / "read_back.py", trace_server=trace_server)

    run = back["evaluate"]
    assert run["evaluate_calls"] == 1
    assert run["func_name"] == "Evaluation.evaluate"
    # One row's model call raised: the run itself finished, with a descendant in error.
    assert run["status"] == "descendant_error"
    assert run["output"]["exact_match"]["correct"] == {"true_count": 2, "true_fraction": 0.5}
    assert run["children"] == {"Evaluation.predict_and_score": 4, "Evaluation.summarize": 1}
    assert run["trace_calls"] == {
        "Evaluation.evaluate": 1, "Evaluation.predict_and_score": 4, "Calculator.predict": 4,
        "exact_match": 3, "answer_length": 3, "DigitScorer.score": 3,
        "Evaluation.summarize": 1, "Scorer.summarize": 1,
    }
    # len() asks calls/query_stats; it counts what the stream listed.
    assert run["trace_len"] == sum(run["trace_calls"].values()) == 20
    assert "Calculator.predict:error" in run["statuses"]
    assert "Calculator.predict:success" in run["statuses"]
    assert "Evaluation.predict_and_score:descendant_error" in run["statuses"]
    assert len(run["exceptions"]) == 1 and "cannot evaluate 'boom'" in run["exceptions"][0]
    assert run["dataset_rows"] == [
        {"question": "2 + 2", "expected": "4"}, {"question": "3 * 5", "expected": "15"},
        {"question": "10 - 7", "expected": "2"}, {"question": "boom", "expected": "?"},
    ]
    # Each scorer's result is runnable feedback on the model call it scored.
    feedback = run["feedback"]
    assert len(feedback) == 9 and all(f["weave_ref_is_call"] for f in feedback)
    by_type: dict[str, list] = {}
    for f in feedback:
        by_type.setdefault(f["type"], []).append(f["payload"]["output"])
    assert sorted(by_type) == ["wandb.runnable.DigitScorer", "wandb.runnable.answer_length", "wandb.runnable.exact_match"]
    assert sorted(json.dumps(v, sort_keys=True) for v in by_type["wandb.runnable.exact_match"]) == [
        '{"correct": false}', '{"correct": true}', '{"correct": true}']
    assert sorted(v["length"] for v in by_type["wandb.runnable.answer_length"]) == [1, 1, 2]
    assert run["get_feedback"] == [{"id_matches": True, "payload_matches": True}]

    logger = back["logger"]
    assert logger["evaluate_calls"] == 2
    assert logger["status"] == "success"
    assert logger["children"]["Evaluation.predict_and_score"] == 3
    assert logger["children"]["Evaluation.summarize"] == 1
    assert logger["trace_calls"]["correct"] == 3 and logger["trace_calls"]["confidence"] == 3
    assert logger["predict_outputs"] == ["Paris", "Sydney", "Tokyo"]
    assert logger["feedback"] == sorted(
        [f'wandb.runnable.correct={{"output": {v}}}' for v in ("true", "true", "false")]
        + [f'wandb.runnable.confidence={{"output": {v}}}' for v in ("0.9", "0.8", "0.4")])

    objects = back["objects"]
    rows = [{"country": "France", "capital": "Paris"}, {"country": "Japan", "capital": "Tokyo"}]
    assert objects["published_rows"] == rows
    assert objects["ref_rows"] == rows
    assert objects["ref_len"] == 2
    assert objects["config"] == {"temperature": 0.2, "tags": ["a", "b"]}
    assert back["reloaded_op"] == {"name": "exact_match", "output": {"correct": True}}

    assert back["score_traces"] == 1
    assert back["scores"] == {
        "is_even": ['{"even": true}', '{"even": true}', '{"even": true}'],
        "is_positive": ['{"positive": false}', '{"positive": true}', '{"positive": true}'],
    }
    assert_every_request_answered(evalmock, under_traces=not trace_server)
