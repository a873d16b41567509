"""Mixed write and read traffic over the four APIs, recording every acknowledged write so that
a test can check afterwards that each one is stored, intact."""
from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field

import requests

from reliability_support import SCALE_GP, SCORECARD_V1, SCORECARD_V2, WEAVE, scale_gp_item, weave_scorer


@dataclass
class Acknowledged:
    """Writes the server answered with success, by API: (id, what was sent, where)."""
    v2_records: list = field(default_factory=list)
    v1_testrecords: list = field(default_factory=list)
    weave_scores: list = field(default_factory=list)
    scale_gp_results: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, item: tuple) -> None:
        with self.lock:
            getattr(self, kind).append(item)

    def total(self) -> int:
        return len(self.v2_records) + len(self.v1_testrecords) + len(self.weave_scores) + len(self.scale_gp_results)


class Worker:
    """One client thread: a write to each API in turn, and a read of what it wrote last."""

    def __init__(self, base_url: str, number: int, acknowledged: Acknowledged, v1_run: int, reads: bool = True):
        self.base = base_url
        self.number = number
        self.acknowledged = acknowledged
        self.v1_run = v1_run
        self.reads = reads
        self.session = requests.Session()
        self.sequence = itertools.count()
        self.errors: list[str] = []

    def step(self) -> None:
        n = next(self.sequence)
        marker = f"w{self.number}-{n}-é✓"
        s, base = self.session, self.base
        kind = n % 4
        if kind == 0:
            run = f"soak-{self.number}"
            body = {"inputs": {"marker": marker, "n": n}, "expected": {"x": [1, 2.50]}, "outputs": {}}
            r = s.post(f"{base}/api/v2/runs/{run}/records", json=body, headers=SCORECARD_V2.auth, timeout=30)
            self.check(r, 201)
            self.acknowledged.add("v2_records", (r.json()["id"], body["inputs"], run))
            if self.reads:
                self.check(s.get(f"{base}/api/v2/runs/{run}/records", params={"limit": 5}, headers=SCORECARD_V2.auth, timeout=30), 200)
        elif kind == 1:
            r = s.post(f"{base}/v1/run/{self.v1_run}/testrecord", json={"user_query": marker, "model_params": {"n": n}}, headers=SCORECARD_V1.auth, timeout=30)
            self.check(r, 200)
            record = r.json()["id"]
            self.acknowledged.add("v1_testrecords", (record, marker, self.v1_run))
            if self.reads:
                self.check(s.get(f"{base}/v1/run/{self.v1_run}/testrecord/{record}", headers=SCORECARD_V1.auth, timeout=30), 200)
        elif kind == 2:
            r = s.post(f"{base}/v2/team/proj/scores", json={"prediction_id": marker, "scorer": weave_scorer(), "value": {"marker": marker}},
                       headers=WEAVE.auth, timeout=30)
            self.check(r, 200)
            score = r.json()["score_id"]
            self.acknowledged.add("weave_scores", (score, marker, None))
            if self.reads:
                self.check(s.get(f"{base}/v2/team/proj/scores/{score}", headers=WEAVE.auth, timeout=30), 200)
        else:
            evaluation = f"eval-{self.number}"
            items = [scale_gp_item(f"{marker}-{i}") for i in range(3)]
            r = s.post(f"{base}/v4/evaluations/{evaluation}/test-case-results/batch", json=items, headers=SCALE_GP.auth, timeout=30)
            self.check(r, 200)
            for result in r.json():
                self.acknowledged.add("scale_gp_results", (result["id"], result["test_case_id"], evaluation))
            if self.reads:
                self.check(s.get(f"{base}/v4/evaluations/{evaluation}/test-case-results", params={"limit": 10}, headers=SCALE_GP.auth, timeout=30), 200)

    def check(self, response, status: int) -> None:
        if response.status_code != status:
            self.errors.append(f"{response.request.method} {response.url}: {response.status_code} {response.text[:200]}")
            raise AssertionError(self.errors[-1])


def missing_writes(base_url: str, acknowledged: Acknowledged) -> list[str]:
    """Every acknowledged write that cannot be read back exactly as sent."""
    missing = []
    s = requests.Session()
    runs: dict[str, dict] = {}
    for record_id, inputs, run in acknowledged.v2_records:
        if run not in runs:
            runs[run] = {}
            cursor = None
            while True:
                params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
                page = s.get(f"{base_url}/api/v2/runs/{run}/records", params=params, headers=SCORECARD_V2.auth).json()
                runs[run].update({r["id"]: r["inputs"] for r in page["data"]})
                if not page["hasMore"]:
                    break
                cursor = page["nextCursor"]
        if runs[run].get(record_id) != inputs:
            missing.append(f"scorecard-v2 record {record_id}: {runs[run].get(record_id)!r} != {inputs!r}")
    for record_id, marker, run in acknowledged.v1_testrecords:
        r = s.get(f"{base_url}/v1/run/{run}/testrecord/{record_id}", headers=SCORECARD_V1.auth)
        if r.status_code != 200 or r.json()["user_query"] != marker:
            missing.append(f"scorecard-v1 testrecord {record_id}: {r.status_code} {r.text[:100]}")
    for score_id, marker, _ in acknowledged.weave_scores:
        r = s.get(f"{base_url}/v2/team/proj/scores/{score_id}", headers=WEAVE.auth)
        if r.status_code != 200 or r.json()["value"] != {"marker": marker}:
            missing.append(f"weave score {score_id}: {r.status_code} {r.text[:100]}")
    for result_id, test_case_id, evaluation in acknowledged.scale_gp_results:
        r = s.get(f"{base_url}/v4/evaluations/{evaluation}/test-case-results/{result_id}", headers=SCALE_GP.auth)
        if r.status_code != 200 or r.json()["test_case_id"] != test_case_id:
            missing.append(f"scale-gp result {result_id}: {r.status_code} {r.text[:100]}")
    return missing
