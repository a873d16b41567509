#!/usr/bin/env python3
"""Scale GP "Batch Create Test Case Results", end to end: 1,000-item batches against a release
build of evalmock on a fresh file database, timed from the first byte sent to the last byte of
the answer parsed.

    swift build -c release
    python3 bench/scale_gp_batch.py            # raw HTTP (httpx) and the scale-gp SDK

Half the items are GENERATION (string output, CHUNKS extra info), half FLEXIBLE (an object
holding chat messages, chunks and a file); each request is validated against
openapi/scale-gp.json and committed in one SQLite transaction before the answer.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from evalmock_process import RELEASE_BINARY, Evalmock, require


def items(count: int, run: int) -> list[dict]:
    made = []
    for i in range(count):
        if i % 2 == 0:
            data = {"generation_output": f"Answer {i} of run {run}.",
                    "generation_extra_info": {"schema_type": "CHUNKS", "chunks": [{"text": f"chunk {i}", "metadata": {"page": i}}]}}
        else:
            data = {"generation_output": {
                "answer": f"Answer {i}", "score": 0.5,
                "conversation": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Question?"},
                                 {"role": "assistant", "content": f"Answer {i}"}],
                "sources": [{"text": "chunk", "metadata": {"k": i}}],
                "attachment": {"uri": "s3://bucket/doc.pdf", "file_type": "pdf"}}}
        made.append({"application_spec_id": "spec-1", "evaluation_dataset_version_num": "1",
                     "test_case_id": f"tc-{run}-{i}", "test_case_evaluation_data": data, "result": {"q1": "yes"}})
    return made


def measure(send, count: int, runs: int, warmup: int) -> list[float]:
    """Items per second of each timed run."""
    rates = []
    for run in range(warmup + runs):
        body = items(count, run)
        started = time.perf_counter()
        answered = send(body)
        elapsed = time.perf_counter() - started
        assert len(answered) == count, "every item answered"
        if run >= warmup:
            rates.append(count / elapsed)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    require(args.binary)

    with tempfile.TemporaryDirectory() as directory:
        with Evalmock(args.binary, Path(directory) / "bench.db") as server:
            url = server.url
            path = "/v4/evaluations/bench/test-case-results/batch"
            with httpx.Client(base_url=url, headers={"x-api-key": "bench"}, timeout=60) as http:
                def raw(body):
                    response = http.post(path, content=json.dumps(body), headers={"content-type": "application/json"})
                    response.raise_for_status()
                    return response.json()
                raw_rates = measure(raw, args.items, args.runs, args.warmup)

            from scale_gp import SGPClient
            sdk = SGPClient(base_url=url, api_key="bench", max_retries=0)
            sdk_rates = measure(lambda body: sdk.evaluations.test_case_results.batch("bench", items=body), args.items, args.runs, args.warmup)

    print(f"{args.items}-item batches, {args.runs} timed runs after {args.warmup} warm-up, {platform.machine()}, {os.cpu_count()} cores")
    for name, rates in [("httpx (raw JSON)", raw_rates), ("scale-gp SDK (parsed models)", sdk_rates)]:
        print(f"  {name:30} median {statistics.median(rates):>9,.0f} items/s   best {max(rates):>9,.0f} items/s   "
              f"median batch {1000 * args.items / statistics.median(rates):,.1f} ms")


if __name__ == "__main__":
    main()
