"""Scorecard v2 Records through the real `scorecard-ai` SDK, sync and async, against evalmock."""
from __future__ import annotations

import asyncio
import sqlite3
import threading

import httpx
import pytest
from scorecard_ai import AsyncScorecard, AuthenticationError, BadRequestError, Scorecard

RECORDS = "/runs/{runId}/records"


def client(server, prefix="/api/v2", **kwargs) -> Scorecard:
    return Scorecard(api_key="ak_test", base_url=server.url + prefix, max_retries=0, **kwargs)


def test_the_readme_call_returns_a_record_that_survives_a_restart(evalmock, scorecard_spec):
    record = client(evalmock).records.create("135", inputs={"q": "x"}, expected={"a": 1}, outputs={"r": "y"})
    assert record.run_id == "135"
    assert record.inputs == {"q": "x"} and record.expected == {"a": 1} and record.outputs == {"r": "y"}
    raw = httpx.get(f"{evalmock.url}/api/v2/runs/135/records", headers={"Authorization": "Bearer ak_test"})
    scorecard_spec.assert_response(RECORDS, "get", raw)

    evalmock.restart()
    listed = list(client(evalmock).records.list("135"))
    assert [r.id for r in listed] == [record.id]
    with sqlite3.connect(evalmock.db) as db:
        assert db.execute("SELECT parent_id, json_extract(document, '$.inputs') FROM scorecard_resources WHERE kind = 'record'").fetchall() == [("135", '{"q":"x"}')]


def test_create_answers_the_spec_record_with_optional_fields(evalmock, scorecard_spec):
    response = client(evalmock).records.with_raw_response.create(
        "run-1", inputs={"b": 1, "a": [1.5, None]}, expected={}, outputs={"é": "日本"},
        testcase_id="248", session_id="c59e5bd0", otel_link_id="otel-1",
    )
    assert response.http_request.url.path == "/api/v2/runs/run-1/records"
    assert response.status_code == 201
    body = response.http_response.json()
    scorecard_spec.assert_response(RECORDS, "post", response.http_response)
    assert list(body["inputs"]) == ["b", "a"]
    assert body["outputs"] == {"é": "日本"}
    assert (body["testcaseId"], body["sessionId"], body["otelLinkId"]) == ("248", "c59e5bd0", "otel-1")


def test_async_client_creates_and_lists(evalmock):
    async def run():
        async with AsyncScorecard(api_key="ak_test", base_url=evalmock.url + "/api/v2", max_retries=0) as sc:
            created = await asyncio.gather(*[
                sc.records.create("async-run", inputs={"i": i}, expected={}, outputs={}) for i in range(10)
            ])
            listed = [r async for r in sc.records.list("async-run")]
            return created, listed

    created, listed = asyncio.run(run())
    assert len({r.id for r in created}) == 10
    assert sorted(r.inputs["i"] for r in listed) == list(range(10))


def test_paging_through_250_records_with_limit_100(evalmock, scorecard_spec):
    sc = client(evalmock)
    for i in range(250):
        sc.records.create("paged", inputs={"i": i}, expected={}, outputs={})
    first = sc.records.list("paged", limit=100)
    assert len(first.data) == 100 and first.has_more and first.next_cursor
    seen = [r.inputs["i"] for r in sc.records.list("paged", limit=100)]
    assert seen == list(range(250))
    pages = list(sc.records.list("paged", limit=100).iter_pages())
    assert [len(p.data) for p in pages] == [100, 100, 50]
    assert pages[-1].has_more is False and pages[-1].next_cursor is None
    for page in pages:
        scorecard_spec.assert_valid(page.model_dump(by_alias=True, exclude_unset=True, mode="json"), scorecard_spec.response_schema(RECORDS, "get", 200))


def test_tags_filter_through_the_sdk(evalmock):
    sc = client(evalmock)
    a = sc.records.create("tagged", inputs={}, expected={}, outputs={})
    b = sc.records.create("tagged", inputs={}, expected={}, outputs={})
    sc.records.tags.create(a.id, text="urgent")
    sc.records.tags.create(a.id, text="regression")
    sc.records.tags.create(b.id, text="urgent")
    assert [r.id for r in sc.records.list("tagged", tags=["urgent"])] == [a.id, b.id]
    assert [r.id for r in sc.records.list("tagged", tags=["urgent", "regression"])] == [a.id]


def test_delete_twice_succeeds_twice(evalmock, scorecard_spec):
    sc = client(evalmock)
    record = sc.records.create("del", inputs={}, expected={}, outputs={})
    assert sc.records.delete(record.id).success is True
    assert sc.records.delete(record.id).success is True
    raw = httpx.delete(f"{evalmock.url}/api/v2/records/{record.id}", headers={"Authorization": "Bearer ak_test"})
    scorecard_spec.assert_response("/records/{recordId}", "delete", raw)
    assert list(sc.records.list("del")) == []


def test_unprefixed_paths_serve_the_sdk_test_suite_base_url(evalmock):
    sc = client(evalmock, prefix="")
    record = sc.records.create("135", inputs={}, expected={}, outputs={})
    assert [r.id for r in sc.records.list("135")] == [record.id]


def test_configured_keys_are_enforced_with_api_error(start_evalmock, scorecard_spec):
    server = start_evalmock("--api-key", "ak_real")
    with pytest.raises(AuthenticationError) as unauthorized:
        Scorecard(api_key="ak_wrong", base_url=server.url + "/api/v2", max_retries=0).records.create(
            "1", inputs={}, expected={}, outputs={})
    assert unauthorized.value.status_code == 401
    assert unauthorized.value.body == {"code": "UNAUTHORIZED", "message": "Invalid or missing authentication token", "details": {}}
    scorecard_spec.assert_valid(unauthorized.value.body, scorecard_spec.component("ApiError"))
    assert Scorecard(api_key="ak_real", base_url=server.url + "/api/v2", max_retries=0).records.create(
        "1", inputs={}, expected={}, outputs={}).run_id == "1"
    missing = httpx.post(server.url + "/api/v2/runs/1/records", json={"inputs": {}, "expected": {}, "outputs": {}})
    assert missing.status_code == 401


def test_errors_have_the_api_error_shape(evalmock, scorecard_spec):
    api_error = scorecard_spec.component("ApiError")

    with pytest.raises(BadRequestError) as bad:
        client(evalmock).records.create("1", inputs="not an object", expected={}, outputs={})  # type: ignore[arg-type]
    assert bad.value.body["code"] == "BAD_REQUEST"
    assert bad.value.body["details"]["errors"] == [{"path": "inputs", "in": "body", "message": "must be of type object"}]
    scorecard_spec.assert_valid(bad.value.body, api_error)

    headers = {"Authorization": "Bearer ak_test", "Content-Type": "application/json"}
    for method, path, body, status in [
        ("POST", "/api/v2/runs/1/records", b'{"inputs": {', 400),
        ("POST", "/api/v2/runs/1/records", b'{"expected": {}, "outputs": {}}', 400),
        ("GET", "/api/v2/runs/1/records?limit=101", None, 400),
        ("GET", "/api/v2/no/such/route", None, 404),
        ("PATCH", "/api/v2/runs/1/records", None, 405),
    ]:
        response = httpx.request(method, evalmock.url + path, content=body, headers=headers)
        assert response.status_code == status, (method, path, response.text)
        scorecard_spec.assert_valid(response.json(), api_error)
    with sqlite3.connect(evalmock.db) as db:
        assert db.execute("SELECT COUNT(*) FROM scorecard_resources WHERE kind = 'record'").fetchone() == (0,)


def test_kill_9_during_a_create_load_loses_no_acknowledged_record(start_evalmock, tmp_path):
    db = tmp_path / "crash.db"
    server = start_evalmock(db=db)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker: int) -> None:
        with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer ak_test"}, timeout=5) as http:
            i = 0
            while not stop.is_set() and i < 5000:
                try:
                    response = http.post("/api/v2/runs/crash/records", json={"inputs": {"w": worker, "i": i}, "expected": {}, "outputs": {}})
                except httpx.HTTPError:
                    return  # the server died mid-request: that write was never acknowledged
                if response.status_code == 201:
                    with lock:
                        acknowledged.append(response.json()["id"])
                i += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 300:
        threading.Event().wait(0.01)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    restarted = start_evalmock(db=db)
    stored = {r.id for r in client(restarted).records.list("crash", limit=100)}
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged records lost"
    assert len(acknowledged) >= 300


def test_sigterm_shuts_down_cleanly(evalmock):
    client(evalmock).records.create("1", inputs={}, expected={}, outputs={})
    assert evalmock.stop() == 0
