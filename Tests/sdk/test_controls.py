"""The emulator's own controls under /_evalmock/: reset, request journal, Prism's `Prefer`,
fault rules, namespaces, export/import and who may use them. Each control over HTTP, as a test
suite uses it, and the Stainless SDK retry path through an injected 429."""
from __future__ import annotations

import json
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from scale_gp import SGPClient

from conftest import BINARY, OPENAPI, Spec
from weave_support import PROJECT, basic, json_lines, ref

SCORECARD = {"Authorization": "Bearer ak_test"}
V1 = {"X-API-Key": "ak_test"}
SGP = {"x-api-key": "sgp_test"}
RECORD = {"inputs": {"q": "x"}, "expected": {"a": 1}, "outputs": {"r": "y"}}


def ns(name: str, headers: dict | None = None) -> dict:
    return {**(headers or {}), "X-Evalmock-Namespace": name}


def control(server, method: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{server.url}/_evalmock/{path}", timeout=10, **kwargs)


def records(server, run: str = "135", headers: dict | None = None) -> list[dict]:
    response = httpx.get(f"{server.url}/api/v2/runs/{run}/records", headers=headers or SCORECARD)
    assert response.status_code == 200
    return response.json()["data"]


def create_record(server, run: str = "135", headers: dict | None = None, **body) -> httpx.Response:
    return httpx.post(f"{server.url}/api/v2/runs/{run}/records", headers=headers or SCORECARD, json={**RECORD, **body})


def sgp_item(test_case_id: str) -> dict:
    return {"application_spec_id": "spec-1", "evaluation_dataset_version_num": "1", "test_case_id": test_case_id,
            "test_case_evaluation_data": {"generation_output": "Paris."}}


def weave_run(server, project: str = PROJECT, headers: dict | None = None) -> str:
    response = httpx.post(f"{server.url}/v2/{project}/evaluation_runs", headers=headers or basic(),
                          json={"evaluation": ref("object", "Evaluation", project=project), "model": ref("object", "Model", project=project)})
    assert response.status_code == 200, response.text
    return response.json()["evaluation_run_id"]


def journal(server, headers: dict | None = None, **filters) -> list[dict]:
    response = control(server, "GET", "journal", params=filters, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()["entries"]


# MARK: - Health


def test_health_names_version_database_and_counts_per_api_and_per_namespace(evalmock):
    create_record(evalmock)
    health = control(evalmock, "GET", "health").json()
    assert health["status"] == "ok" and health["version"] and health["database"] == str(evalmock.db)
    assert health["apis"]["scorecard-v2"]["records"] == 1
    other = control(evalmock, "GET", "health", headers=ns("w1")).json()
    assert other["namespace"] == "w1" and other["apis"]["scorecard-v2"]["records"] == 0
    assert other["database"] == str(evalmock.db.parent / "evalmock.ns-w1.db")


# MARK: - Reset


def test_reset_wipes_everything_and_ids_never_name_new_data(evalmock):
    first = create_record(evalmock).json()["id"]
    httpx.post(f"{evalmock.url}/v1/run", headers=V1, json={})
    weave_run(evalmock)
    assert control(evalmock, "POST", "reset").json() == {"reset": "all"}
    assert records(evalmock) == []
    counts = control(evalmock, "GET", "health").json()["apis"]
    assert all(value == 0 for api in counts.values() for value in api.values()), counts
    assert httpx.get(f"{evalmock.url}/api/v2/records/{first}/tags", headers=SCORECARD).status_code == 404
    assert int(create_record(evalmock).json()["id"]) > int(first)


def test_reset_of_one_api_keeps_the_others(evalmock):
    create_record(evalmock)
    run = weave_run(evalmock)
    assert control(evalmock, "POST", "reset", json={"api": "weave"}).json() == {"reset": "weave"}
    assert len(records(evalmock)) == 1
    assert httpx.get(f"{evalmock.url}/v2/{PROJECT}/evaluation_runs/{run}", headers=basic()).status_code == 404


def test_reset_of_one_weave_project_keeps_the_other_projects(evalmock):
    gone = weave_run(evalmock, "team/a")
    kept = weave_run(evalmock, "team/b")
    assert control(evalmock, "POST", "reset", json={"api": "weave", "project": "team/a"}).status_code == 200
    assert httpx.get(f"{evalmock.url}/v2/team/a/evaluation_runs/{gone}", headers=basic()).status_code == 404
    assert httpx.get(f"{evalmock.url}/v2/team/b/evaluation_runs/{kept}", headers=basic()).status_code == 200


def test_reset_of_one_weave_evaluation_run_takes_its_predictions_and_scores_along(evalmock):
    gone, kept = weave_run(evalmock), weave_run(evalmock)
    prediction = httpx.post(f"{evalmock.url}/v2/{PROJECT}/predictions", headers=basic(),
                            json={"model": ref("object", "Model"), "inputs": {"q": 1}, "output": "a", "evaluation_run_id": gone})
    assert prediction.status_code == 200, prediction.text
    prediction_id = prediction.json()["prediction_id"]
    assert control(evalmock, "POST", "reset", json={"api": "weave", "evaluation_run": gone}).status_code == 200
    assert httpx.get(f"{evalmock.url}/v2/{PROJECT}/evaluation_runs/{gone}", headers=basic()).status_code == 404
    assert httpx.get(f"{evalmock.url}/v2/{PROJECT}/predictions/{prediction_id}", headers=basic()).status_code == 404
    assert httpx.get(f"{evalmock.url}/v2/{PROJECT}/evaluation_runs/{kept}", headers=basic()).status_code == 200


def test_reset_of_one_run_and_one_evaluation(evalmock):
    create_record(evalmock, "135")
    create_record(evalmock, "136")
    assert control(evalmock, "POST", "reset", json={"api": "scorecard-v2", "run": "135"}).json() == {"reset": "scorecard-v2", "run": "135"}
    assert records(evalmock, "135") == [] and len(records(evalmock, "136")) == 1

    run_a = httpx.post(f"{evalmock.url}/v1/run", headers=V1, json={}).json()["id"]
    run_b = httpx.post(f"{evalmock.url}/v1/run", headers=V1, json={}).json()["id"]
    assert control(evalmock, "POST", "reset", json={"api": "scorecard-v1", "run": run_a}).status_code == 200
    assert httpx.get(f"{evalmock.url}/v1/run/{run_a}", headers=V1).status_code == 404
    assert httpx.get(f"{evalmock.url}/v1/run/{run_b}", headers=V1).status_code == 200

    for evaluation in ["e1", "e2"]:
        assert httpx.post(f"{evalmock.url}/v4/evaluations/{evaluation}/test-case-results/batch", headers=SGP, json=[sgp_item("t")]).status_code == 200
    assert control(evalmock, "POST", "reset", json={"api": "scale-gp", "evaluation": "e1"}).status_code == 200
    assert httpx.get(f"{evalmock.url}/v4/evaluations/e1/test-case-results", headers=SGP).status_code == 404
    assert len(httpx.get(f"{evalmock.url}/v4/evaluations/e2/test-case-results", headers=SGP).json()["items"]) == 1


@pytest.mark.parametrize("body, message", [
    ({"api": "nope"}, "\"api\" must be one of"),
    ({"api": "weave", "run": "x"}, "weave can be reset whole or by one of \"project\", \"evaluation_run\""),
    ({"project": "a/b"}, "needs an \"api\""),
])
def test_a_reset_that_names_nothing_known_is_a_400_and_wipes_nothing(evalmock, body, message):
    create_record(evalmock)
    response = control(evalmock, "POST", "reset", json=body)
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    assert message in response.json()["message"]
    assert len(records(evalmock)) == 1


# MARK: - Journal


def test_the_journal_shows_exactly_what_the_sdk_sent_and_what_it_got_with_credentials_redacted(evalmock):
    created = create_record(evalmock, headers={**SCORECARD, "X-Trace": "t1"}, testcaseId="tc-9")
    httpx.get(f"{evalmock.url}/v4/evaluations/e1/test-case-results?limit=5", headers=SGP)
    httpx.get(f"{evalmock.url}/v2/{PROJECT}/scores", headers=basic())
    httpx.get(f"{evalmock.url}/v1/run/1", headers=V1)
    entries = journal(evalmock)
    assert [(e["api"], e["method"], e["status"]) for e in entries] == [
        ("scorecard-v2", "POST", 201), ("scale-gp", "GET", 404), ("weave", "GET", 200), ("scorecard-v1", "GET", 404)]
    first = entries[0]
    assert first["path"] == "/api/v2/runs/135/records" and first["query"] is None
    assert json.loads(first["requestBody"]) == {**RECORD, "testcaseId": "tc-9"}
    assert first["requestHeaders"]["Authorization"] == "Bearer [redacted]" and first["requestHeaders"]["X-Trace"] == "t1"
    assert first["responseBody"] == created.text and first["responseHeaders"]["Content-Type"] == "application/json"
    assert first["durationMs"] >= 0 and first["at"].endswith("Z") and first["forcedBy"] is None
    assert entries[1]["query"] == "limit=5" and entries[1]["requestHeaders"]["x-api-key"] == "[redacted]"
    assert entries[2]["requestHeaders"]["Authorization"] == "Basic [redacted]"
    assert entries[3]["requestHeaders"]["X-API-Key"] == "[redacted]"
    assert "ak_test" not in json.dumps(entries) and "sgp_test" not in json.dumps(entries)


def test_the_journal_filters_by_api_path_status_time_and_id_and_is_clearable(evalmock):
    create_record(evalmock, "1")
    middle = journal(evalmock)[0]["at"]
    time.sleep(0.01)
    create_record(evalmock, "2")
    httpx.get(f"{evalmock.url}/api/v2/runs/2/records", headers={})
    httpx.get(f"{evalmock.url}/v1/run/1", headers=V1)
    assert [e["path"] for e in journal(evalmock, api="scorecard-v2", method="post")] == ["/api/v2/runs/1/records", "/api/v2/runs/2/records"]
    assert [e["status"] for e in journal(evalmock, path="/api/v2/runs/2/*")] == [201, 401]
    assert [e["api"] for e in journal(evalmock, status=404)] == ["scorecard-v1"]
    assert len(journal(evalmock, since=middle)) == 4 and len(journal(evalmock, until=middle)) == 1
    first_two = journal(evalmock, limit=2)
    assert [e["id"] for e in journal(evalmock, after=first_two[-1]["id"])] == [e["id"] for e in journal(evalmock)][2:]
    assert control(evalmock, "GET", "journal", params={"bogus": "1"}).status_code == 400
    assert control(evalmock, "DELETE", "journal").json() == {"cleared": True}
    assert journal(evalmock) == []


def test_the_journal_is_in_the_database_and_survives_a_restart(evalmock):
    create_record(evalmock)
    evalmock.restart()
    assert [e["method"] for e in journal(evalmock)] == ["POST"]


def test_the_journal_keeps_only_the_newest_entries_up_to_its_limit(start_evalmock):
    server = start_evalmock("--journal-limit", "3")
    for run in range(5):
        create_record(server, str(run))
    assert [e["path"] for e in journal(server)] == [f"/api/v2/runs/{run}/records" for run in (2, 3, 4)]
    # Past one write batch (64 entries): the limit holds across batches too.
    batched = start_evalmock("--journal-limit", "100")
    with httpx.Client(base_url=batched.url, headers=SCORECARD) as http:
        for run in range(150):
            http.get(f"/api/v2/runs/{run}/records")
    assert [e["path"] for e in journal(batched, limit=1000)] == [f"/api/v2/runs/{run}/records" for run in range(50, 150)]
    off = start_evalmock("--journal-limit", "0")
    create_record(off)
    assert journal(off) == []


def test_large_entries_written_at_once_keep_their_place_and_the_limit(start_evalmock):
    # A 500-item batch's entry is large (its bodies are kept up to 64 KiB each) and is written
    # with its request; the small entries around it wait in the buffer. Read back, all are in
    # the order they came, and the limit counts both kinds.
    server = start_evalmock("--journal-limit", "4")
    batch = json.dumps([sgp_item(f"tc-{i}") for i in range(500)])
    assert len(batch) > 64 * 1024
    with httpx.Client(base_url=server.url) as http:
        def small(run):
            assert http.get(f"/api/v2/runs/{run}/records", headers=SCORECARD).status_code == 200
        def large(evaluation):
            response = http.post(f"/v4/evaluations/{evaluation}/test-case-results/batch",
                                 headers={**SGP, "Content-Type": "application/json"}, content=batch)
            assert response.status_code == 200
        small("a"); large("e1"); small("b"); small("c"); large("e2"); small("d")
    assert [e["path"] for e in journal(server)] == [
        "/api/v2/runs/b/records", "/api/v2/runs/c/records", "/v4/evaluations/e2/test-case-results/batch", "/api/v2/runs/d/records"]
    ids = [e["id"] for e in journal(server)]
    assert ids == sorted(ids) and len(set(ids)) == 4
    large_entry = journal(server, path="/v4/*")[0]
    assert large_entry["requestBody"] == batch[:64 * 1024] and len(large_entry["responseBody"]) == 64 * 1024
    # Across a restart, new entries follow the old ones.
    server.restart()
    with httpx.Client(base_url=server.url) as http:
        assert http.get("/api/v2/runs/e/records", headers=SCORECARD).status_code == 200
    after = journal(server)
    assert [e["path"] for e in after][-1] == "/api/v2/runs/e/records" and after[-1]["id"] > max(ids)


# MARK: - Prefer


@pytest.mark.parametrize("path, headers, body, expected", [
    ("/api/v2/runs/135/records", SCORECARD, RECORD, {"code": "TOO_MANY_REQUESTS", "message": "Too Many Requests", "details": {}}),
    ("/v1/run", V1, {}, {"detail": "Too Many Requests"}),
    (f"/v2/{PROJECT}/scores", basic(), {"prediction_id": "p", "scorer": ref("object", "Acc"), "value": 1}, {"detail": "Too Many Requests"}),
    ("/v4/evaluations/e1/test-case-results/batch", SGP, [sgp_item("t")], {"detail": "Too Many Requests"}),
])
def test_prefer_code_answers_in_the_apis_own_dialect_and_stores_nothing(evalmock, path, headers, body, expected):
    response = httpx.post(evalmock.url + path, headers={**headers, "Prefer": "code=429"}, json=body)
    assert response.status_code == 429 and response.json() == expected
    counts = control(evalmock, "GET", "health").json()["apis"]
    assert all(value == 0 for api in counts.values() for value in api.values()), counts
    assert journal(evalmock)[-1]["forcedBy"] == "prefer"


def test_prefer_code_uses_the_services_own_bodies_where_it_has_them(evalmock, scorecard_spec):
    v1 = httpx.get(f"{evalmock.url}/v1/run/1", headers={**V1, "Prefer": "code=403"})
    assert v1.status_code == 403 and v1.json()["error"] == "unauthorized"
    weave = httpx.get(f"{evalmock.url}/v2/{PROJECT}/scores", headers={**basic(), "Prefer": "code=401"})
    assert weave.status_code == 401 and weave.headers["www-authenticate"] == "Basic"
    scorecard = httpx.get(f"{evalmock.url}/api/v2/runs/1/records", headers={**SCORECARD, "Prefer": "code=500"})
    assert scorecard.status_code == 500 and scorecard.json()["code"] == "INTERNAL_ERROR"
    scorecard_spec.assert_valid(scorecard.json(), scorecard_spec.component("ApiError"))


def test_prefer_codes_that_are_not_errors_and_other_preferences_are_ignored(evalmock):
    assert create_record(evalmock, headers={**SCORECARD, "Prefer": "code=200, return=minimal"}).status_code == 201
    assert len(records(evalmock)) == 1


def test_prefer_delay_postpones_the_answer_without_blocking_other_requests(evalmock):
    def slow():
        started = time.monotonic()
        response = create_record(evalmock, headers={**SCORECARD, "Prefer": "delay=800"})
        return response, time.monotonic() - started

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(slow)
        time.sleep(0.15)
        started = time.monotonic()
        assert len(records(evalmock, "other")) == 0
        fast = time.monotonic() - started
        response, slow_seconds = future.result()
    assert response.status_code == 201 and slow_seconds >= 0.8
    assert fast < 0.4, f"a request waited {fast:.2f}s behind a delayed one"
    assert journal(evalmock, method="POST")[0]["durationMs"] >= 800


# MARK: - Fault rules


def test_a_rule_faults_the_next_n_matching_requests_then_lets_them_through(evalmock):
    rule = control(evalmock, "POST", "faults", json={"method": "POST", "path": "/api/v2/runs/*/records", "times": 2,
                                                    "status": 503, "retryAfter": 7})
    assert rule.status_code == 201
    assert rule.json() | {"createdAt": None} == {"id": rule.json()["id"], "method": "POST", "path": "/api/v2/runs/*/records", "remaining": 2,
                                                 "status": 503, "delayMs": 0, "drop": False, "retryAfter": "7", "createdAt": None}
    assert len(records(evalmock)) == 0  # a GET does not match a POST rule
    for _ in range(2):
        faulted = create_record(evalmock)
        assert faulted.status_code == 503 and faulted.headers["retry-after"] == "7"
        assert faulted.json()["code"] == "SERVICE_UNAVAILABLE"
    assert records(evalmock) == []
    assert create_record(evalmock).status_code == 201
    assert control(evalmock, "GET", "faults").json()["rules"][0]["remaining"] == 0
    assert [e["forcedBy"] for e in journal(evalmock, method="POST")] == [f"rule {rule.json()['id']}"] * 2 + [None]


def test_a_rule_can_drop_the_connection_without_an_answer(evalmock):
    control(evalmock, "POST", "faults", json={"path": "/api/v2/**", "drop": True})
    with pytest.raises(httpx.RemoteProtocolError):
        create_record(evalmock)
    assert records(evalmock) == []
    entry = journal(evalmock, method="POST")[0]
    assert entry["status"] is None and entry["responseBody"] is None and entry["forcedBy"].startswith("rule ")


def test_a_rule_with_only_a_delay_slows_the_real_answer(evalmock):
    control(evalmock, "POST", "faults", json={"path": "/api/v2/runs/135/records", "delayMs": 300, "times": None})
    started = time.monotonic()
    assert create_record(evalmock).status_code == 201
    assert create_record(evalmock).status_code == 201
    assert time.monotonic() - started >= 0.6
    assert control(evalmock, "GET", "faults").json()["rules"][0]["remaining"] is None


def test_rules_are_listed_deleted_and_kept_across_restarts(evalmock):
    first = control(evalmock, "POST", "faults", json={"path": "/a", "status": 500}).json()["id"]
    second = control(evalmock, "POST", "faults", json={"path": "/b", "status": 500}).json()["id"]
    evalmock.restart()
    assert [r["id"] for r in control(evalmock, "GET", "faults").json()["rules"]] == [first, second]
    assert control(evalmock, "DELETE", f"faults/{first}").json() == {"deleted": True}
    assert control(evalmock, "DELETE", f"faults/{first}").status_code == 404
    assert control(evalmock, "DELETE", "faults").json() == {"cleared": True}
    assert control(evalmock, "GET", "faults").json() == {"rules": []}


@pytest.mark.parametrize("body, message", [
    ({"path": "/x"}, "at least one of"),
    ({"path": "x", "status": 500}, "\"path\""),
    ({"path": "/x", "status": 200}, "\"status\""),
    ({"path": "/x", "status": 500, "drop": True}, "cannot also have"),
    ({"path": "/x", "retryAfter": 1, "delayMs": 5}, "\"retryAfter\" needs"),
    ({"path": "/x", "status": 500, "times": 0}, "\"times\""),
    ({"path": "/x", "status": 500, "method": "FETCH"}, "\"method\""),
    ({"path": "/x", "status": 500, "colour": "red"}, "unknown member"),
])
def test_a_malformed_rule_is_a_400_naming_the_problem(evalmock, body, message):
    response = control(evalmock, "POST", "faults", json=body)
    assert response.status_code == 400 and response.json()["error"] == "invalid_rule"
    assert message in response.json()["message"]
    assert control(evalmock, "GET", "faults").json() == {"rules": []}


def test_the_scale_gp_sdk_retries_through_injected_429s_and_the_journal_proves_it(evalmock):
    # Retry-After in seconds (the Stainless client honours 0 < value <= 60) keeps the test fast.
    control(evalmock, "POST", "faults", json={"method": "POST", "path": "/v4/evaluations/*/test-case-results/batch",
                                              "times": 2, "status": 429, "retryAfter": "0.05"})
    client = SGPClient(base_url=evalmock.url, api_key="sgp_test", max_retries=2)
    results = client.evaluations.test_case_results.batch("eval-retry", items=[sgp_item("tc-1")])
    assert [r.test_case_id for r in results] == ["tc-1"]
    attempts = journal(evalmock, api="scale-gp", method="POST")
    assert [e["status"] for e in attempts] == [429, 429, 200]
    assert [e["requestHeaders"].get("x-stainless-retry-count") for e in attempts] == ["0", "1", "2"]
    assert len({e["requestBody"] for e in attempts}) == 1  # the same request, sent three times
    assert len(httpx.get(f"{evalmock.url}/v4/evaluations/eval-retry/test-case-results", headers=SGP).json()["items"]) == 1


def test_the_sdk_gives_up_when_the_faults_outlast_its_retries(evalmock):
    import scale_gp
    control(evalmock, "POST", "faults", json={"path": "/v4/**", "times": 3, "status": 500, "retryAfter": "0.05"})
    client = SGPClient(base_url=evalmock.url, api_key="sgp_test", max_retries=2)
    with pytest.raises(scale_gp.InternalServerError):
        client.evaluations.test_case_results.list("e1")
    assert [e["status"] for e in journal(evalmock)] == [500, 500, 500]


def test_the_scorecard_sdk_retries_through_a_dropped_connection(evalmock):
    from scorecard_ai import Scorecard
    control(evalmock, "POST", "faults", json={"method": "POST", "path": "/api/v2/runs/*/records", "drop": True})
    client = Scorecard(api_key="ak_test", base_url=f"{evalmock.url}/api/v2", max_retries=2)
    record = client.records.create("135", inputs={"q": "x"}, expected={"a": 1}, outputs={"r": "y"})
    attempts = journal(evalmock, method="POST")
    assert [e["status"] for e in attempts] == [None, 201] and attempts[1]["responseBody"] and record.id == json.loads(attempts[1]["responseBody"])["id"]
    assert [r["id"] for r in records(evalmock)] == [record.id]


# MARK: - Namespaces


def test_two_namespaces_writing_the_same_ids_in_parallel_never_see_each_other(evalmock):
    def worker(name: str) -> tuple[list[dict], list[dict], list[str]]:
        headers = ns(name, SCORECARD)
        for i in range(15):
            assert create_record(evalmock, "135", headers=headers, outputs={"worker": name, "i": i}).status_code == 201
        sgp = httpx.post(f"{evalmock.url}/v4/evaluations/eval-1/test-case-results/batch", headers=ns(name, SGP),
                         json=[sgp_item(f"{name}-{i}") for i in range(3)])
        assert sgp.status_code == 200
        run = weave_run(evalmock, headers=ns(name, basic()))
        listed = httpx.get(f"{evalmock.url}/v2/{PROJECT}/evaluation_runs", headers=ns(name, basic()))
        items = httpx.get(f"{evalmock.url}/v4/evaluations/eval-1/test-case-results", headers=ns(name, SGP)).json()["items"]
        assert [r["evaluation_run_id"] for r in json_lines(listed)] == [run]
        return records(evalmock, "135", ns(name, SCORECARD)), items, [e["namespace"] for e in journal(evalmock, ns(name))]

    with ThreadPoolExecutor(2) as pool:
        (a, a_items, a_journal), (b, b_items, b_journal) = pool.map(worker, ["worker-a", "worker-b"])
    assert [r["id"] for r in a] == [r["id"] for r in b]  # the same ids in both namespaces
    assert {r["outputs"]["worker"] for r in a} == {"worker-a"} and {r["outputs"]["worker"] for r in b} == {"worker-b"}
    assert {i["test_case_id"] for i in a_items} == {f"worker-a-{i}" for i in range(3)}
    assert {i["test_case_id"] for i in b_items} == {f"worker-b-{i}" for i in range(3)}
    assert set(a_journal) == {"worker-a"} and set(b_journal) == {"worker-b"}
    assert journal(evalmock) == [] and records(evalmock) == []
    assert control(evalmock, "GET", "namespaces").json() == {"namespaces": ["worker-a", "worker-b"]}


def test_reset_faults_and_prefer_stay_inside_their_namespace(evalmock):
    create_record(evalmock, headers=ns("a", SCORECARD))
    create_record(evalmock, headers=ns("b", SCORECARD))
    control(evalmock, "POST", "faults", headers=ns("a"), json={"path": "/api/**", "status": 500})
    assert control(evalmock, "POST", "reset", headers=ns("a")).status_code == 200
    assert records(evalmock, headers=ns("b", SCORECARD)) != []
    assert create_record(evalmock, headers=ns("b", SCORECARD)).status_code == 201
    assert create_record(evalmock, headers=ns("a", SCORECARD)).status_code == 500
    assert control(evalmock, "GET", "faults", headers=ns("b")).json() == {"rules": []}


def test_namespaces_persist_beside_the_main_database_and_bad_names_are_refused(evalmock):
    create_record(evalmock, headers=ns("w1", SCORECARD))
    assert (evalmock.db.parent / "evalmock.ns-w1.db").exists()
    evalmock.restart()
    assert len(records(evalmock, headers=ns("w1", SCORECARD))) == 1
    for bad in ["../x", "a b", "x" * 65]:
        response = httpx.get(f"{evalmock.url}/api/v2/runs/1/records", headers=ns(bad, SCORECARD))
        assert response.status_code == 400 and response.json()["error"] == "invalid_namespace"


def test_a_new_namespace_starts_from_the_fixtures_as_a_fresh_server_would(start_evalmock):
    from conftest import REPO
    server = start_evalmock("--fixtures", str(REPO / "fixtures"))
    run = httpx.get(f"{server.url}/v1/run/334/testrecord/15", headers=ns("w1", V1))
    assert run.status_code == 200 and run.json()["user_query"] == "What is the moon made of?"


# MARK: - Export and import


def test_export_and_import_over_the_control_api_restore_the_state_exactly(evalmock, start_evalmock):
    created = create_record(evalmock, outputs={"n": 1.50, "text": "naïve"}).json()
    weave_run(evalmock)
    httpx.post(f"{evalmock.url}/v1/run", headers=V1, json={"testset_id": 3})
    snapshot = control(evalmock, "GET", "export").json()
    assert snapshot["format"] == "evalmock-state" and snapshot["version"] == 1
    assert set(snapshot["apis"]) == {"scorecard-v2", "scorecard-v1", "weave", "scale-gp"}

    other = start_evalmock()
    create_record(other, "999")
    assert control(other, "POST", "import", json=snapshot).json() == {"imported": True}
    assert records(other, "999") == []
    assert records(other) == records(evalmock) and records(other)[0]["id"] == created["id"]
    assert control(other, "GET", "export").json() == snapshot


@pytest.mark.parametrize("change, message", [
    (lambda s: s.update(format="x"), "\"format\""),
    (lambda s: s["apis"].update(nope={}), "unknown API"),
    (lambda s: s["apis"]["scorecard-v2"].update(users=[]), "no table"),
    (lambda s: s["apis"]["scorecard-v2"]["scorecard_resources"].append({"id": "2", "evil\"; DROP": 1}), "no column"),
    (lambda s: s["apis"]["scorecard-v2"]["scorecard_resources"].append({"seq": 77, "kind": "record", "id": "77", "parent_kind": "run",
                                                                        "parent_id": "nope", "document": "{}"}), "FOREIGN KEY"),
])
def test_a_bad_snapshot_is_refused_and_changes_nothing(evalmock, change, message):
    create_record(evalmock)
    snapshot = control(evalmock, "GET", "export").json()
    before = json.dumps(snapshot)
    change(snapshot)
    response = control(evalmock, "POST", "import", json=snapshot)
    assert response.status_code == 400 and message in response.json()["message"]
    assert json.dumps(control(evalmock, "GET", "export").json()) == before


def test_the_cli_exports_and_imports_the_same_snapshot(evalmock, tmp_path, start_evalmock):
    create_record(evalmock, testcaseId="tc-1")
    evalmock.stop()
    snapshot = tmp_path / "state.json"
    run = lambda *args: subprocess.run([str(BINARY), *args, "--openapi-dir", str(OPENAPI)], capture_output=True, text=True, timeout=60)
    exported = run("export", "--db", str(evalmock.db), "--output", str(snapshot))
    assert exported.returncode == 0, exported.stderr
    fresh = tmp_path / "fresh.db"
    imported = run("import", "--db", str(fresh), str(snapshot))
    assert imported.returncode == 0, imported.stderr
    server = start_evalmock(db=fresh)
    assert [r["testcaseId"] for r in records(server)] == ["tc-1"]
    assert control(server, "GET", "export").json() == json.loads(snapshot.read_text())
    bad = tmp_path / "bad.json"
    bad.write_text("{\"format\": 1}")
    refused = run("import", "--db", str(fresh), str(bad))
    assert refused.returncode == 1 and refused.stderr.startswith("error: ")


def test_an_export_as_a_fixtures_directory_seeds_a_server_and_reloads_without_duplicates(evalmock, tmp_path, start_evalmock):
    create_record(evalmock, "135", testcaseId="tc-1")
    weave_run(evalmock)
    evalmock.stop()
    fixtures = tmp_path / "fixtures"
    exported = subprocess.run([str(BINARY), "export", "--db", str(evalmock.db), "--fixtures-dir", str(fixtures), "--openapi-dir", str(OPENAPI)],
                              capture_output=True, text=True, timeout=60)
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.relative_to(fixtures).as_posix() for p in fixtures.glob("*/*.json")) == [
        f"{api}/evalmock-state.json" for api in sorted(["scale-gp", "scorecard-v1", "scorecard-v2", "weave"])]
    snapshot = json.loads((fixtures / "weave" / "evalmock-state.json").read_text())
    assert snapshot["format"] == "evalmock-state" and list(snapshot["apis"]) == ["weave"]

    server = start_evalmock("--fixtures", str(fixtures))
    assert [r["testcaseId"] for r in records(server)] == ["tc-1"]
    create_record(server, "135", testcaseId="tc-2")
    server.restart()  # loads the fixtures again: same rows overwritten, later ones kept
    assert [r["testcaseId"] for r in records(server)] == ["tc-1", "tc-2"]
    assert control(server, "GET", "health").json()["apis"]["weave"]["evaluation_run"] == 1


# MARK: - Bad control requests (the control API's document, openapi/control/evalmock-control.json)


@pytest.mark.parametrize("method, path, kwargs, code, message", [
    ("GET", "journal", {"params": {"limit": "0"}}, "invalid_request", 'query parameter "limit" must be at least 1'),
    ("GET", "journal", {"params": {"status": "teapot"}}, "invalid_request", 'query parameter "status" must be of type integer'),
    ("GET", "journal", {"params": {"bogus": "1"}}, "invalid_request", "unknown filter bogus (api, method, path, status, since, until, after, limit)"),
    ("DELETE", "faults/abc", {}, "invalid_request", 'path parameter "ruleId" must be of type integer'),
    ("POST", "faults", {}, "invalid_rule", "the body is required"),
    ("POST", "faults", {"content": b"{bad", "headers": {"Content-Type": "application/json"}}, "invalid_rule", "the body is not JSON: "),
    ("POST", "faults", {"json": {"path": "x", "status": 200, "colour": 1}}, "invalid_rule",
     '"path" must match pattern ^/; "status" must be at least 400; unknown member "colour"'),
    ("POST", "reset", {"json": {"api": 7}}, "invalid_request", '"api" must be of type string'),
    ("POST", "reset", {"json": []}, "invalid_request", "the body must be of type object"),
    ("POST", "import", {"json": {"format": "evalmock-state"}}, "invalid_snapshot", '"version" is required; "apis" is required'),
    ("GET", "export", {"headers": {"X-Evalmock-Namespace": "../x"}}, "invalid_namespace", "invalid X-Evalmock-Namespace '../x'"),
])
def test_a_bad_control_request_is_a_400_naming_every_problem_and_changes_nothing(evalmock, method, path, kwargs, code, message):
    create_record(evalmock)
    response = control(evalmock, method, path, **kwargs)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error", "message"} and response.json()["error"] == code
    assert message in response.json()["message"]
    assert len(records(evalmock)) == 1 and control(evalmock, "GET", "faults").json() == {"rules": []}


def test_an_unknown_control_endpoint_or_method_is_the_control_apis_404_or_405(evalmock):
    unknown = control(evalmock, "POST", "nothing")
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "not_found", "message": "No evalmock control endpoint POST /_evalmock/nothing"}
    wrong = control(evalmock, "PATCH", "faults")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "DELETE, GET, POST" and wrong.json()["error"] == "method_not_allowed"


# MARK: - Who may use the controls


def test_no_control_turns_the_controls_off_but_keeps_the_health_check(start_evalmock):
    server = start_evalmock("--no-control")
    assert control(server, "GET", "health").status_code == 200
    for method, path in [("GET", "journal"), ("POST", "reset"), ("GET", "export"), ("POST", "faults")]:
        assert control(server, method, path, json={}).status_code == 404
    assert create_record(server, headers={**SCORECARD, "Prefer": "code=500"}).status_code == 500  # Prefer is Prism's, not a control


def test_a_control_token_is_required_when_configured(start_evalmock):
    server = start_evalmock("--control-token", "s3cret")
    assert control(server, "GET", "health").status_code == 200
    assert control(server, "GET", "journal").status_code == 401
    assert control(server, "GET", "journal", headers={"X-Evalmock-Control-Token": "s3cre"}).status_code == 401
    assert control(server, "GET", "journal", headers={"X-Evalmock-Control-Token": "s3cret"}).status_code == 200


def test_the_control_token_may_come_from_the_environment_and_the_flag_wins(start_evalmock, monkeypatch):
    monkeypatch.setenv("EVALMOCK_CONTROL_TOKEN", "from-env")
    server = start_evalmock()
    assert control(server, "GET", "journal").status_code == 401
    assert control(server, "GET", "journal", headers={"X-Evalmock-Control-Token": "from-env"}).status_code == 200
    flagged = start_evalmock("--control-token", "from-flag")
    assert control(flagged, "GET", "journal", headers={"X-Evalmock-Control-Token": "from-env"}).status_code == 401
    assert control(flagged, "GET", "journal", headers={"X-Evalmock-Control-Token": "from-flag"}).status_code == 200
    # The token is a secret: `--help` must not show it as a default.
    help_text = subprocess.run([str(BINARY), "serve", "--help"], capture_output=True, text=True).stdout
    assert "--control-token" in help_text and "from-env" not in help_text
