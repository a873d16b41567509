#!/usr/bin/env python3
"""A Scorecard user's evaluation, end to end through the real SDK (scorecard-ai 3.10.0),
against a release build of evalmock on a fresh file database:

- `run_and_evaluate` over a testset of 1,000 testcases (one GET page per 100 testcases, one run,
  1,000 record creates), sync; the system under test returns at once, so the time is the
  client's requests and evalmock's answers;
- a full paging of a run's 10,000 records with the SDK's auto-paging iterator (limit 100: 100
  pages, each record with its scores).

Prints one JSON object (medians of --rounds, each round on its own fresh database):

    swift build -c release
    python3 bench/scorecard_workflow.py [--rounds 3] [--binary PATH]
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from scorecard_ai import Scorecard
from scorecard_ai.lib import run_and_evaluate

from evalmock_process import RELEASE_BINARY, Evalmock, require

TESTCASES = 1_000
RECORDS = 10_000
PAGE = 100


def seed_testset(client: Scorecard) -> tuple[str, str]:
    project = client.projects.create(name="bench", description="run_and_evaluate over 1,000 testcases")
    testset = client.testsets.create(
        project.id, name="qa", description="questions",
        json_schema={"type": "object", "properties": {"question": {"type": "string"}, "answer": {"type": "string"}},
                     "required": ["question", "answer"]},
        field_mapping={"inputs": ["question"], "expected": ["answer"], "metadata": []})
    for start in range(0, TESTCASES, 100):
        client.testcases.create(testset.id, items=[{"json_data": {"question": f"q{i}", "answer": f"a{i}"}}
                                                   for i in range(start, start + 100)])
    return project.id, testset.id


def run_and_evaluate_seconds(client: Scorecard, project_id: str, testset_id: str) -> tuple[float, str]:
    started = time.perf_counter()
    run = run_and_evaluate(client, project_id=project_id, metric_ids=[], testset_id=testset_id,
                           system=lambda inputs, _version: {"response": inputs["question"].upper()})
    return time.perf_counter() - started, run["id"]


def paging_seconds(client: Scorecard, base: str) -> float:
    # 10,000 records in one run, posted concurrently-free over one keep-alive connection.
    with httpx.Client(base_url=base, headers={"Authorization": "Bearer bench"}) as http:
        for i in range(RECORDS):
            response = http.post("/runs/paged/records", json={"inputs": {"i": i}, "expected": {}, "outputs": {"o": i}})
            assert response.status_code == 201, response.text
    started = time.perf_counter()
    seen = sum(1 for _ in client.records.list(run_id="paged", limit=PAGE))
    elapsed = time.perf_counter() - started
    assert seen == RECORDS, seen
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    args = parser.parse_args()
    binary = require(args.binary)
    evaluate, paging = [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp, Evalmock(binary, Path(tmp) / "evalmock.db") as server:
            base = server.url + "/api/v2"
            client = Scorecard(api_key="bench", base_url=base, max_retries=0)
            project_id, testset_id = seed_testset(client)
            seconds, run_id = run_and_evaluate_seconds(client, project_id, testset_id)
            assert client.runs.get(run_id).num_records == TESTCASES
            evaluate.append(seconds)
            paging.append(paging_seconds(client, base))
    print(json.dumps({
        "run_and_evaluate_1000_testcases_s": round(statistics.median(evaluate), 3),
        "run_and_evaluate_records_per_s": round(TESTCASES / statistics.median(evaluate)),
        "page_10000_records_s": round(statistics.median(paging), 3),
        "page_10000_records_per_s": round(RECORDS / statistics.median(paging)),
        "rounds": args.rounds,
    }))


if __name__ == "__main__":
    main()
