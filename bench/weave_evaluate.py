#!/usr/bin/env python3
"""A Weave user's evaluation, end to end through the real client (weave 0.54.0, in
Tests/sdk/.venv-weave), against a release build of evalmock and against bench/weave_standin.py,
a do-nothing server that answers the least the client needs:

- `Evaluation.evaluate` over --rows rows (Tests/sdk/weave_programs/evaluate.py: three scorers,
  sync, async and a class), wall time of the whole program (interpreter start, `weave.init`,
  evaluate, the final flush), in rounds alternating evalmock and the stand-in, each evalmock
  round on a fresh file database; the ratio of the medians is evalmock's cost over the client's;
- `POST /v2/{entity}/{project}/calls/complete` with batches of 1,000 completed calls, straight
  over httpx (as the client's batch processor sends them), --batches after 2 warm-up.

Outside hosts are unreachable as in the tests (proxies to a closed port). Prints one JSON object:

    swift build -c release
    python3 bench/weave_evaluate.py [--rounds 3] [--rows 1000] [--batches 20] [--binary PATH]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

from evalmock_process import REPO, RELEASE_BINARY, Evalmock, require

VENV_PYTHON = REPO / "Tests" / "sdk" / ".venv-weave" / "bin" / "python"
PROGRAM = REPO / "Tests" / "sdk" / "weave_programs" / "evaluate.py"
STANDIN = REPO / "bench" / "weave_standin.py"
PROJECT = "bench-team/bench-project"
BASIC = {"Authorization": "Basic YXBpOmJlbmNo", "Content-Type": "application/json"}  # api:bench


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def evaluate_seconds(url: str, rows: int, home: Path) -> float:
    proxy = f"http://127.0.0.1:{closed_port()}"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), "LANG": "C.UTF-8",
           "WANDB_API_KEY": "bench", "WANDB_BASE_URL": url, "WF_TRACE_SERVER_URL": url,
           "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "NO_PROXY": "127.0.0.1,localhost",
           "WANDB_ERROR_REPORTING": "false", "WEAVE_USE_SERVER_CACHE": "false", "WEAVE_PRINT_CALL_LINK": "false"}
    started = time.perf_counter()
    result = subprocess.run([str(VENV_PYTHON), str(PROGRAM), PROJECT, str(rows)], env=env,
                            capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - started
    if result.returncode:
        sys.exit(f"evaluate.py against {url} failed:\n{result.stderr[-4000:]}")
    return elapsed


class StandIn:
    def __init__(self):
        self.process = subprocess.Popen([sys.executable, str(STANDIN), "--port", "0"], stdout=subprocess.PIPE, text=True)
        match = re.search(r"listening on (http://\S+)", self.process.stdout.readline())
        if not match:
            self.process.kill()
            sys.exit("the stand-in did not start")
        self.url = match.group(1)

    def __enter__(self) -> "StandIn":
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def completed_calls(count: int) -> list[dict]:
    """A batch as the client sends it: a trace of one root and its children, each call complete."""
    trace_id = str(uuid.uuid4())
    root = str(uuid.uuid4())
    start = datetime.now(timezone.utc)
    calls = []
    for i in range(count):
        began = start + timedelta(milliseconds=i)
        calls.append({
            "project_id": PROJECT, "id": root if i == 0 else str(uuid.uuid4()), "trace_id": trace_id,
            "parent_id": None if i == 0 else root,
            "op_name": f"weave:///{PROJECT}/op/{'Evaluation.evaluate' if i == 0 else 'Model.predict'}:abc123",
            "started_at": began.isoformat().replace("+00:00", "Z"),
            "ended_at": (began + timedelta(milliseconds=3)).isoformat().replace("+00:00", "Z"),
            "attributes": {"weave": {"client_version": "0.54.0", "source": "python-sdk"}},
            "inputs": {"question": f"question {i}", "example": f"weave:///{PROJECT}/table/abc/id/row{i}"},
            "output": {"answer": f"answer {i}"},
            "summary": {"usage": {}, "status_counts": {"success": 1, "error": 0}},
            "exception": None, "wb_user_id": None, "wb_run_id": None,
        })
    return calls


def calls_complete_items_per_second(url: str, batches: int) -> tuple[float, float]:
    with httpx.Client(base_url=url, headers=BASIC, timeout=120) as http:
        seconds = []
        for i in range(batches + 2):
            body = json.dumps({"batch": completed_calls(1000)})
            started = time.perf_counter()
            response = http.post(f"/v2/{PROJECT}/calls/complete", content=body)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                sys.exit(f"calls/complete answered {response.status_code}: {response.text[:500]}")
            if i >= 2:
                seconds.append(elapsed)
    per_batch = statistics.median(seconds)
    return 1000 / per_batch, per_batch


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    args = parser.parse_args()
    binary = require(args.binary)
    if not VENV_PYTHON.exists():
        sys.exit(f"{VENV_PYTHON} is missing: run scripts/install-deps --test")
    on_evalmock, on_standin = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for round_index in range(args.rounds):
            with Evalmock(binary, Path(tmp) / f"evalmock-{round_index}.db") as server:
                on_evalmock.append(evaluate_seconds(server.url, args.rows, Path(tmp) / "home"))
            with StandIn() as standin:
                on_standin.append(evaluate_seconds(standin.url, args.rows, Path(tmp) / "home"))
        with Evalmock(binary, Path(tmp) / "calls.db") as server:
            items_per_second, per_batch = calls_complete_items_per_second(server.url, args.batches)
    evalmock_s, standin_s = statistics.median(on_evalmock), statistics.median(on_standin)
    print(json.dumps({
        "evaluate_rows": args.rows,
        "evaluate_evalmock_s": round(evalmock_s, 2),
        "evaluate_standin_s": round(standin_s, 2),
        "evaluate_ratio": round(evalmock_s / standin_s, 2),
        "evaluate_rounds_evalmock_s": [round(s, 2) for s in on_evalmock],
        "evaluate_rounds_standin_s": [round(s, 2) for s in on_standin],
        "calls_complete_batch_ms": round(per_batch * 1000, 1),
        "calls_complete_items_per_s": round(items_per_second),
        "rounds": args.rounds,
    }))


if __name__ == "__main__":
    main()
