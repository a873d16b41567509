#!/usr/bin/env python3
"""Does a full request journal slow creates? Scorecard v2 record creates against a release build
of evalmock on a fresh file database, in three settings:

    off    --journal-limit 0: nothing journaled (the baseline)
    empty  --journal-limit 100000, journal empty
    full   --journal-limit 100000, journal holding 100,000 entries: every create also drops the
           oldest entry (the steady state of a long test session)

    swift build -c release
    python3 bench/journal_creates.py

The full journal is written straight into the database before the server starts (100,000 rows
of realistic size, as the server writes them), because sending 100,000 requests first would
only measure the client. Each setting: `--creates` sequential creates on one keep-alive
connection, after a warm-up; the settings are interleaved over `--rounds` rounds so that the
shared machine's noise falls on all of them alike.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
LIMIT = 100_000
RECORD = {"inputs": {"question": "What is the capital of France?"}, "expected": {"answer": "Paris"},
          "outputs": {"answer": "Paris.", "latencyMs": 812}}


def start(binary: Path, db: Path, limit: int) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([str(binary), "serve", "--port", "0", "--db", str(db), "--openapi-dir", str(REPO / "openapi"),
                                "--journal-limit", str(limit), "--log-level", "warning"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    match = re.search(r"listening on (http://\S+)", process.stdout.readline())
    if not match:
        process.kill()
        sys.exit("evalmock did not start")
    return process, match.group(1)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=10)


def fill_journal(binary: Path, db: Path) -> None:
    """Creates the schema with one real request, then copies that entry to 100,000 rows."""
    process, url = start(binary, db, LIMIT)
    httpx.post(f"{url}/api/v2/runs/seed/records", headers={"Authorization": "Bearer bench"}, json=RECORD).raise_for_status()
    stop(process)
    with sqlite3.connect(db) as connection:
        columns = "at, namespace, api, method, path, query, request_headers, request_body, status, response_headers, response_body, duration_ms, forced_by"
        connection.execute(f"INSERT INTO evalmock_journal ({columns}) SELECT {columns} FROM evalmock_journal, "
                           f"(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {LIMIT - 1}) SELECT i FROM n)")
        assert connection.execute("SELECT COUNT(*) FROM evalmock_journal").fetchone()[0] == LIMIT


def creates(url: str, count: int, warmup: int) -> list[float]:
    """Milliseconds of each create, from the first byte sent to the answer read."""
    timings = []
    with httpx.Client(base_url=url, headers={"Authorization": "Bearer bench"}, timeout=30) as http:
        body = json.dumps(RECORD)
        for i in range(warmup + count):
            started = time.perf_counter()
            response = http.post(f"/api/v2/runs/run-{i % 50}/records", content=body, headers={"content-type": "application/json"})
            elapsed = time.perf_counter() - started
            assert response.status_code == 201, response.text
            if i >= warmup:
                timings.append(elapsed * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", type=Path, default=REPO / ".build" / "release" / "evalmock")
    parser.add_argument("--creates", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.binary.exists():
        sys.exit(f"{args.binary} is missing: run `swift build -c release` first")

    results: dict[str, list[float]] = {"off": [], "empty": [], "full": []}
    journal_rows = {}
    with tempfile.TemporaryDirectory() as directory:
        for round_ in range(args.rounds):
            for setting in results:
                db = Path(directory) / f"{setting}-{round_}.db"
                if setting == "full":
                    fill_journal(args.binary, db)
                process, url = start(args.binary, db, 0 if setting == "off" else LIMIT)
                try:
                    results[setting] += creates(url, args.creates, args.warmup)
                finally:
                    stop(process)
                with sqlite3.connect(db) as connection:
                    journal_rows[setting] = connection.execute("SELECT COUNT(*) FROM evalmock_journal").fetchone()[0]

    print(f"{args.rounds} rounds x {args.creates} sequential creates after {args.warmup} warm-up, "
          f"{platform.machine()}, {os.cpu_count()} cores")
    baseline = statistics.median(results["off"])
    for setting, timings in results.items():
        timings.sort()
        median = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95)]
        print(f"  journal {setting:5} ({journal_rows[setting]:>7,} entries at the end)  median {median:.3f} ms  p95 {p95:.3f} ms  "
              f"{1000 / median:,.0f} creates/s  ({100 * (median / baseline - 1):+.1f} % vs off)")


if __name__ == "__main__":
    main()
