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
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from evalmock_process import RELEASE_BINARY, Evalmock, require

LIMIT = 100_000
RECORD = {"inputs": {"question": "What is the capital of France?"}, "expected": {"answer": "Paris"},
          "outputs": {"answer": "Paris.", "latencyMs": 812}}


def fill_journal(binary: Path, db: Path) -> None:
    """Creates the schema with one real request, then copies that entry to 100,000 rows."""
    with Evalmock(binary, db, "--journal-limit", str(LIMIT)) as server:
        httpx.post(f"{server.url}/api/v2/runs/seed/records", headers={"Authorization": "Bearer bench"}, json=RECORD).raise_for_status()
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
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    parser.add_argument("--creates", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    require(args.binary)

    results: dict[str, list[float]] = {"off": [], "empty": [], "full": []}
    journal_rows = {}
    with tempfile.TemporaryDirectory() as directory:
        for round_ in range(args.rounds):
            for setting in results:
                db = Path(directory) / f"{setting}-{round_}.db"
                if setting == "full":
                    fill_journal(args.binary, db)
                with Evalmock(args.binary, db, "--journal-limit", str(0 if setting == "off" else LIMIT)) as server:
                    results[setting] += creates(server.url, args.creates, args.warmup)
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
