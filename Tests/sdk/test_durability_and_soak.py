"""Issue 9, durability and concurrency: a kill -9 in the middle of a mixed write load over the
four APIs loses no acknowledged write, and a bounded soak of mixed reads and writes has zero
errors and zero lost rows. Loopback only."""
from __future__ import annotations

import os
import sqlite3
import threading
import time

import pytest
import requests

from load_support import Acknowledged, Worker, missing_writes
from reliability_support import SCORECARD_V1

SOAK_SECONDS = float(os.environ.get("EVALMOCK_SOAK_SECONDS", "8"))


def v1_run(server) -> int:
    return requests.post(server.url + "/v1/run", json={"testset_id": 1}, headers=SCORECARD_V1.auth).json()["id"]


def integrity(db) -> str:
    with sqlite3.connect(db) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.parametrize("flags", [(), ("--no-group-commit",)], ids=["group commit", "a commit per request"])
def test_kill_9_during_a_write_load_loses_no_acknowledged_write(start_evalmock, flags):
    evalmock = start_evalmock(*flags, "--log-level", "warning")
    acknowledged = Acknowledged()
    run = v1_run(evalmock)
    stop = threading.Event()
    workers = [Worker(evalmock.url, n, acknowledged, run, reads=False) for n in range(4)]

    def write(worker: Worker) -> None:
        while not stop.is_set():
            try:
                worker.step()
            except Exception:  # the server died under it: whatever was not acknowledged may be lost
                return

    threads = [threading.Thread(target=write, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while acknowledged.total() < 400 and time.monotonic() < deadline:
        time.sleep(0.05)
    evalmock.kill()  # SIGKILL while every worker is mid-request
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert acknowledged.total() >= 100, acknowledged.total()
    print(f"kill -9 after {acknowledged.total()} acknowledged writes")
    assert all(w.errors == [] for w in workers), [w.errors for w in workers]

    assert integrity(evalmock.db) == "ok"
    evalmock.start()
    assert missing_writes(evalmock.url, acknowledged) == []
    evalmock.stop()
    assert integrity(evalmock.db) == "ok"


def test_soak_of_mixed_reads_and_writes_over_all_apis_has_no_errors_and_loses_nothing(evalmock):
    acknowledged = Acknowledged()
    run = v1_run(evalmock)
    workers = [Worker(evalmock.url, n, acknowledged, run) for n in range(8)]
    failures: list[str] = []
    started = time.monotonic()

    def soak(worker: Worker) -> None:
        while time.monotonic() - started < SOAK_SECONDS:
            try:
                worker.step()
            except Exception as error:  # every request of a soak must succeed
                failures.append(f"worker {worker.number}: {error!r}")
                return

    threads = [threading.Thread(target=soak, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SOAK_SECONDS + 60)
    elapsed = time.monotonic() - started
    assert failures == []
    assert acknowledged.total() > 200, acknowledged.total()
    print(f"soak: {sum(next(w.sequence) for w in workers)} steps (a write and a read each), "
          f"{acknowledged.total()} rows written in {elapsed:.1f} s by {len(workers)} clients")
    counts = requests.get(evalmock.url + "/_evalmock/health").json()["apis"]
    assert counts["scorecard-v2"]["records"] == len(acknowledged.v2_records)
    assert counts["scorecard-v1"]["testrecords"] == len(acknowledged.v1_testrecords)
    assert counts["weave"]["score"] == len(acknowledged.weave_scores)
    assert counts["scale-gp"]["testCaseResults"] == len(acknowledged.scale_gp_results)
    assert missing_writes(evalmock.url, acknowledged) == []
    assert evalmock.process.poll() is None
    evalmock.stop()
    assert integrity(evalmock.db) == "ok"
