"""Issue 9, security: credentials never reach the logs (or the database) in clear, configured
keys are enforced by every API, and a non-loopback address is warned about. (Constant-time key
comparison is tested in Tests/EvalmockKitTests/CredentialCheckTests.swift; the control
endpoints' own token is issue 6's.)"""
from __future__ import annotations

import base64
import subprocess

import pytest
import requests

from conftest import BINARY, OPENAPI
from reliability_support import APIS, SCALE_GP, SCORECARD_V1, SCORECARD_V2, WEAVE, scale_gp_item, weave_scorer

GOOD = "sk-good-5f1d0c2e9a7b"
WRONG = "sk-wrong-c0ffee1234"


def credentials(api, key: str) -> dict:
    if api is WEAVE:
        return {"Authorization": "Basic " + base64.b64encode(f"api:{key}".encode()).decode()}
    name = next(iter(api.auth))
    return {name: ("Bearer " + key) if api is SCORECARD_V2 else key}


def write(server, api, key: str):
    headers = credentials(api, key)
    if api is SCORECARD_V2:
        return requests.post(server.url + "/api/v2/runs/1/records", json={"inputs": {}, "expected": {}, "outputs": {}}, headers=headers)
    if api is SCORECARD_V1:
        return requests.post(server.url + "/v1/run", json={"testset_id": 1}, headers=headers)
    if api is WEAVE:
        return requests.post(server.url + "/v2/team/proj/scores", json={"prediction_id": "p", "scorer": weave_scorer(), "value": 1}, headers=headers)
    return requests.post(server.url + "/v4/evaluations/e/test-case-results/batch", json=[scale_gp_item("t")], headers=headers)


# What each API answers to a missing and to a refused credential (README, per API).
REFUSALS = {
    "scorecard-v2": ((401, "UNAUTHORIZED"), (401, "UNAUTHORIZED")),
    "scorecard-v1": ((401, "unauthenticated"), (403, "unauthorized")),
    "weave": ((401, "Not authenticated"), (401, "Not authenticated")),
    "scale-gp": ((401, "Not authenticated"), (401, "Not authenticated")),
}


def refusal(response) -> tuple[int, str]:
    body = response.json()
    return response.status_code, body.get("code") or body.get("error") or body.get("detail")


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_configured_keys_are_enforced_by_every_api(start_evalmock, api):
    server = start_evalmock("--api-key", GOOD, "--api-key", "sk-other")
    missing, refused = REFUSALS[api.name]
    assert refusal(requests.get(server.url + api.read_path)) == missing
    assert refusal(write(server, api, WRONG)) == refused
    assert refusal(write(server, api, GOOD[:-1])) == refused  # a prefix of a key is not the key
    assert refusal(write(server, api, GOOD + "x")) == refused
    assert write(server, api, GOOD).status_code in (200, 201)
    assert write(server, api, "sk-other").status_code in (200, 201)
    counts = requests.get(server.url + "/_evalmock/health").json()["apis"][api.name]
    assert sum(counts.values()) >= 2  # the two accepted writes (Weave adds no hidden calls for a bare score)


def test_credentials_never_appear_in_logs_or_the_database(start_evalmock):
    server = start_evalmock("--api-key", GOOD, "--log-level", "trace", "--log-format", "json")
    for api in APIS:
        for key in (GOOD, WRONG):
            write(server, api, key)
            requests.get(server.url + api.read_path, headers=credentials(api, key))
    requests.get(server.url + "/nowhere", headers={"Authorization": f"Bearer {GOOD}"})
    server.stop()
    log = server.stderr_text
    assert '"path"' in log  # the access log did record the requests
    secrets = [GOOD, WRONG, base64.b64encode(f"api:{GOOD}".encode()).decode(), base64.b64encode(f"api:{WRONG}".encode()).decode()]
    for secret in secrets:
        assert secret not in log
    stored = server.db.read_bytes() + b"".join(p.read_bytes() for p in server.db.parent.glob(server.db.name + "-*"))
    for secret in secrets:
        assert secret.encode() not in stored


def test_a_non_loopback_address_prints_a_warning():
    # 192.0.2.1 (TEST-NET-1) is on no interface here: the bind fails, so nothing is exposed,
    # and the warning, printed before binding, is still there.
    result = subprocess.run([str(BINARY), "serve", "--host", "192.0.2.1", "--port", "0", "--db", ":memory:", "--openapi-dir", str(OPENAPI)],
                            capture_output=True, text=True, timeout=30)
    assert "reachable from other machines" in result.stderr
    assert result.returncode == 1 and "error: cannot listen on 192.0.2.1" in result.stderr


def test_a_loopback_address_prints_no_warning(start_evalmock):
    server = start_evalmock()
    server.stop()
    assert "reachable from other machines" not in server.stderr_text
