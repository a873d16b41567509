"""Scorecard v2 Testsets and Testcases through the real `scorecard-ai` SDK, against evalmock.

Every answer, success or error, is checked against its operation's schema in the document.
"""
from __future__ import annotations

import asyncio

import httpx
import pytest
from scorecard_ai import AsyncScorecard, BadRequestError, NotFoundError, Scorecard
from scorecard_ai.lib import async_run_and_evaluate, run_and_evaluate

TESTSETS = "/projects/{projectId}/testsets"
TESTSET = "/testsets/{testsetId}"
TESTCASES = "/testsets/{testsetId}/testcases"
TESTCASE = "/testcases/{testcaseId}"
BULK_DELETE = "/testcases/bulk-delete"

QA_SCHEMA = {
    "type": "object",
    "properties": {
        "question": {"type": "string"},
        "idealAnswer": {"type": "string"},
        "provenance": {"type": "string"},
        "geo": {"type": "string"},
    },
    "required": ["question", "idealAnswer"],
}
QA_MAPPING = {"inputs": ["question"], "expected": ["idealAnswer"], "metadata": []}


def client(server) -> Scorecard:
    return Scorecard(api_key="ak_test", base_url=server.url + "/api/v2", max_retries=0)


def checked(spec, path: str, method: str, raw):
    """The parsed answer of a `with_raw_response` call whose body matches the document."""
    spec.assert_response(path, method, raw.http_response)
    return raw.parse()


def rejected(spec, path: str, method: str, error, status: int) -> dict:
    assert error.value.status_code == status
    spec.assert_response(path, method, error.value.response)
    return error.value.body


def qa_testset(sc: Scorecard, spec, schema=QA_SCHEMA, mapping=QA_MAPPING):
    project = sc.projects.create(name="QA", description="questions")
    raw = sc.testsets.with_raw_response.create(project.id, name="Long Context Q&A", description="Q&A",
                                               json_schema=schema, field_mapping=mapping)
    assert raw.status_code == 201
    return project, checked(spec, TESTSETS, "post", raw)


def create_testcases(sc: Scorecard, spec, testset_id: str, *data: dict):
    raw = sc.testcases.with_raw_response.create(testset_id, items=[{"json_data": d} for d in data])
    assert raw.status_code == 201
    return checked(spec, TESTCASES, "post", raw).items


def test_testset_reads_back_with_its_mapping_completed_after_a_restart(evalmock, scorecard_spec):
    sc = client(evalmock)
    project, testset = qa_testset(sc, scorecard_spec)
    # The document's create example sends `metadata: []` and answers the unmapped schema fields.
    assert testset.field_mapping.model_dump() == {"inputs": ["question"], "expected": ["idealAnswer"], "metadata": ["provenance", "geo"]}
    assert testset.json_schema == QA_SCHEMA and testset.name == "Long Context Q&A" and testset.description == "Q&A"
    other = sc.testsets.create(project.id, name="second", description="", json_schema={"type": "object"},
                               field_mapping={"inputs": ["a"], "expected": [], "metadata": ["b", "a", "b"]})
    assert other.field_mapping.model_dump() == {"inputs": ["a"], "expected": [], "metadata": ["b"]}

    evalmock.restart()
    sc = client(evalmock)
    assert checked(scorecard_spec, TESTSET, "get", sc.testsets.with_raw_response.get(testset.id)) == testset
    page = checked(scorecard_spec, TESTSETS, "get", sc.testsets.with_raw_response.list(project.id, limit=1))
    assert [t.id for t in page.data] == [testset.id] and page.has_more and page.next_cursor
    assert [t.id for t in sc.testsets.list(project.id, limit=1)] == [testset.id, other.id]


def test_testset_update_replaces_what_is_given_and_prunes_mappings_of_removed_fields(evalmock, scorecard_spec):
    sc = client(evalmock)
    _, testset = qa_testset(sc, scorecard_spec)
    unchanged = checked(scorecard_spec, TESTSET, "patch", sc.testsets.with_raw_response.update(testset.id))
    assert unchanged == testset
    renamed = sc.testsets.update(testset.id, name="Updated Q&A Testset", description="Updated.")
    assert (renamed.name, renamed.description, renamed.json_schema, renamed.field_mapping) == (
        "Updated Q&A Testset", "Updated.", QA_SCHEMA, testset.field_mapping)

    # The document's "Remove schema field" example: `geo` leaves the metadata mapping.
    without_geo = {"type": "object", "properties": {k: QA_SCHEMA["properties"][k] for k in ["question", "idealAnswer", "provenance"]}}
    pruned = sc.testsets.update(testset.id, json_schema=without_geo)
    assert pruned.field_mapping.model_dump() == {"inputs": ["question"], "expected": ["idealAnswer"], "metadata": ["provenance"]}
    only_question = {"type": "object", "properties": {"question": {"type": "string"}}}
    assert sc.testsets.update(testset.id, json_schema=only_question).field_mapping.model_dump() == {
        "inputs": ["question"], "expected": [], "metadata": []}

    # Schema and mapping together: the mapping is taken as given, unmapped fields are metadata.
    full = sc.testsets.update(testset.id, json_schema=QA_SCHEMA,
                              field_mapping={"inputs": ["question", "geo"], "expected": ["idealAnswer", "gone"], "metadata": []})
    assert full.field_mapping.model_dump() == {"inputs": ["question", "geo"], "expected": ["idealAnswer", "gone"], "metadata": ["provenance"]}
    assert sc.testsets.get(testset.id) == full


def test_testcases_derive_inputs_and_expected_and_report_validation_errors(evalmock, scorecard_spec):
    sc = client(evalmock)
    _, testset = qa_testset(sc, scorecard_spec)
    paris, planets, ocean = create_testcases(
        sc, scorecard_spec, testset.id,
        {"question": "What is the capital of France?", "idealAnswer": "Paris", "provenance": "hand_curated", "extra": [1]},
        {"question": "How many planets are in our solar system?", "idealAnswer": 8, "provenance": "user_feedback"},
        {"question": "What is the deepest ocean on Earth?", "provenance": "user_feedback"},
    )
    assert (paris.testset_id, paris.inputs, paris.expected, paris.validation_errors) == (
        testset.id, {"question": "What is the capital of France?"}, {"idealAnswer": "Paris"}, None)
    assert paris.json_data == {"question": "What is the capital of France?", "idealAnswer": "Paris", "provenance": "hand_curated", "extra": [1]}
    # The document's own examples, word for word; mapped fields are derived even when invalid.
    assert planets.expected == {"idealAnswer": 8}
    assert [e.model_dump() for e in planets.validation_errors] == [{"path": "/data/idealAnswer", "message": "Expected string, received number"}]
    assert ocean.expected == {}
    assert [e.model_dump() for e in ocean.validation_errors] == [{"path": "/data", "message": "Required field 'idealAnswer' is missing"}]
    assert checked(scorecard_spec, TESTCASE, "get", sc.testcases.with_raw_response.get(planets.id)) == planets


def test_every_supported_constraint_is_checked_and_others_are_ignored(evalmock, scorecard_spec):
    sc = client(evalmock)
    schema = {
        "type": "object",
        "additionalProperties": False,  # not a supported constraint: extra fields stay ignored
        "required": ["count"],
        "properties": {
            "count": {"type": "integer", "minimum": 10},  # minimum: not supported, not checked
            "label": {"enum": ["a", "b"]},
            "note": {"type": ["string", "null"]},
            "either": {"anyOf": [{"type": "string"}, {"type": "boolean"}]},
            "tags": {"type": "array", "items": {"type": "string"}},
            "meta": {"type": "object", "properties": {"a/b": {"type": "number"}}, "required": ["source"]},
        },
    }
    _, testset = qa_testset(sc, scorecard_spec, schema=schema, mapping={"inputs": ["count", "label"], "expected": ["tags"], "metadata": []})
    valid, invalid = create_testcases(
        sc, scorecard_spec, testset.id,
        {"count": 3, "label": "a", "note": None, "either": True, "tags": ["x"], "meta": {"source": "s", "a/b": 1.5}, "unknown": 1},
        {"count": 2.5, "label": "c", "note": 1, "either": 1, "tags": ["x", 2], "meta": {"a/b": "1"}},
    )
    assert valid.validation_errors is None
    assert [e.model_dump() for e in invalid.validation_errors] == [
        {"path": "/data/count", "message": "Expected integer, received number"},
        {"path": "/data/label", "message": "Invalid enum value. Expected 'a' | 'b', received 'c'"},
        {"path": "/data/note", "message": "Expected string, received number"},
        {"path": "/data/either", "message": "Invalid input"},
        {"path": "/data/tags/1", "message": "Expected string, received number"},
        {"path": "/data/meta", "message": "Required field 'source' is missing"},
        {"path": "/data/meta/a~1b", "message": "Expected number, received string"},
    ]
    assert (invalid.inputs, invalid.expected) == ({"count": 2.5, "label": "c"}, {"tags": ["x", 2]})


def test_a_json_schema_that_is_not_one_validates_nothing_it_cannot_read(evalmock, scorecard_spec):
    sc = client(evalmock)
    # What the SDK's own suite sends; the mapping stays as sent (the schema names no fields).
    mapping = {"inputs": ["question"], "expected": ["idealAnswer"], "metadata": ["string"]}
    _, testset = qa_testset(sc, scorecard_spec, schema={"type": "bar", "properties": "bar"}, mapping=mapping)
    assert testset.field_mapping.model_dump() == mapping
    [case] = create_testcases(sc, scorecard_spec, testset.id, {"question": 1, "idealAnswer": "bar", "provenance": "bar"})
    assert (case.inputs, case.expected, case.validation_errors) == ({"question": 1}, {"idealAnswer": "bar"}, None)
    # Readable keywords next to unreadable ones still count.
    sc.testsets.update(testset.id, json_schema={"type": "object", "required": ["question"], "properties": {"question": "bar", "idealAnswer": {"type": 7}}})
    [case] = create_testcases(sc, scorecard_spec, testset.id, {"idealAnswer": 1})
    assert [e.model_dump() for e in case.validation_errors] == [{"path": "/data", "message": "Required field 'question' is missing"}]


def test_put_replaces_json_data_and_derives_again(evalmock, scorecard_spec):
    sc = client(evalmock)
    _, testset = qa_testset(sc, scorecard_spec)
    [case] = create_testcases(sc, scorecard_spec, testset.id, {"question": "q", "idealAnswer": "a", "provenance": "p"})
    raw = sc.testcases.with_raw_response.update(case.id, json_data={"question": "q2", "idealAnswer": 2})
    updated = checked(scorecard_spec, TESTCASE, "put", raw)
    assert (updated.id, updated.testset_id, updated.json_data, updated.inputs, updated.expected) == (
        case.id, testset.id, {"question": "q2", "idealAnswer": 2}, {"question": "q2"}, {"idealAnswer": 2})
    assert [e.model_dump() for e in updated.validation_errors] == [{"path": "/data/idealAnswer", "message": "Expected string, received number"}]
    evalmock.restart()
    assert client(evalmock).testcases.get(case.id) == updated


def test_changing_the_testset_schema_or_mapping_derives_its_testcases_again(evalmock, scorecard_spec):
    sc = client(evalmock)
    _, testset = qa_testset(sc, scorecard_spec)
    [case] = create_testcases(sc, scorecard_spec, testset.id, {"question": "q", "idealAnswer": 8, "geo": "fr"})
    assert case.validation_errors

    numeric = {"type": "object", "properties": {"question": {"type": "string"}, "idealAnswer": {"type": "number"}, "geo": {"type": "string"}}}
    sc.testsets.update(testset.id, json_schema=numeric)
    again = sc.testcases.get(case.id)
    assert (again.inputs, again.expected, again.validation_errors) == ({"question": "q"}, {"idealAnswer": 8}, None)

    sc.testsets.update(testset.id, field_mapping={"inputs": ["question", "geo"], "expected": [], "metadata": []})
    [listed] = sc.testcases.list(testset.id)
    assert (listed.inputs, listed.expected) == ({"question": "q", "geo": "fr"}, {})


def test_testcases_page_twenty_at_a_time_by_default(evalmock, scorecard_spec):
    sc = client(evalmock)
    _, testset = qa_testset(sc, scorecard_spec)
    created = []
    for start in (0, 100):
        created += create_testcases(sc, scorecard_spec, testset.id, *[{"question": str(i), "idealAnswer": "a"} for i in range(start, start + 100)])
    created += create_testcases(sc, scorecard_spec, testset.id, {"question": "200", "idealAnswer": "a"})
    first = checked(scorecard_spec, TESTCASES, "get", sc.testcases.with_raw_response.list(testset.id))
    assert len(first.data) == 20 and first.has_more and first.total == 201
    pages = list(sc.testcases.list(testset.id, limit=100).iter_pages())
    assert [len(p.data) for p in pages] == [100, 100, 1] and pages[-1].next_cursor is None
    assert [c.id for c in sc.testcases.list(testset.id)] == [c.id for c in created]
    with pytest.raises(BadRequestError) as too_many:
        sc.testcases.create(testset.id, items=[{"json_data": {}}] * 101)
    rejected(scorecard_spec, TESTCASES, "post", too_many, 400)
    with pytest.raises(BadRequestError) as too_large:
        sc.testcases.list(testset.id, limit=101)
    rejected(scorecard_spec, TESTCASES, "get", too_large, 400)
    assert len(sc.testcases.list(testset.id).data) == 20


def test_bulk_delete_is_all_or_nothing(evalmock, scorecard_spec):
    sc = client(evalmock)
    _, testset = qa_testset(sc, scorecard_spec)
    a, b, c = create_testcases(sc, scorecard_spec, testset.id, *[{"question": q, "idealAnswer": "x"} for q in "abc"])
    with pytest.raises(NotFoundError) as unknown:
        sc.testcases.delete(ids=[a.id, "999999", "999998"])
    body = rejected(scorecard_spec, BULK_DELETE, "post", unknown, 404)
    assert body["code"] == "NOT_FOUND" and "999999" in body["message"]
    assert [t.id for t in sc.testcases.list(testset.id)] == [a.id, b.id, c.id]

    raw = sc.testcases.with_raw_response.delete(ids=[a.id, c.id])
    assert checked(scorecard_spec, BULK_DELETE, "post", raw).success is True
    assert [t.id for t in sc.testcases.list(testset.id)] == [b.id]
    with pytest.raises(NotFoundError):
        sc.testcases.get(a.id)
    with pytest.raises(NotFoundError):
        sc.testcases.delete(ids=[a.id])
    assert sc.testcases.delete(ids=[]).success is True


def test_deleting_a_testset_deletes_its_testcases(evalmock, scorecard_spec):
    sc = client(evalmock)
    project, testset = qa_testset(sc, scorecard_spec)
    [case] = create_testcases(sc, scorecard_spec, testset.id, {"question": "q", "idealAnswer": "a"})
    assert checked(scorecard_spec, TESTSET, "delete", sc.testsets.with_raw_response.delete(testset.id)).success is True
    for call in (lambda: sc.testsets.get(testset.id), lambda: sc.testcases.get(case.id),
                 lambda: sc.testsets.delete(testset.id), lambda: sc.testcases.list(testset.id)):
        with pytest.raises(NotFoundError):
            call()
    assert list(sc.testsets.list(project.id)) == []


def test_unknown_ids_are_404_api_errors(evalmock, scorecard_spec):
    sc = client(evalmock)
    project, testset = qa_testset(sc, scorecard_spec)
    mapping = {"inputs": [], "expected": [], "metadata": []}
    for path, method, call in [
        (TESTSETS, "post", lambda: sc.testsets.create("404", name="n", description="d", json_schema={}, field_mapping=mapping)),
        (TESTSETS, "get", lambda: sc.testsets.list("404")),
        (TESTSET, "get", lambda: sc.testsets.get("404")),
        (TESTSET, "patch", lambda: sc.testsets.update("404", name="n")),
        (TESTSET, "delete", lambda: sc.testsets.delete("404")),
        (TESTCASES, "post", lambda: sc.testcases.create("404", items=[{"json_data": {}}])),
        (TESTCASES, "get", lambda: sc.testcases.list("404")),
        (TESTCASE, "get", lambda: sc.testcases.get("404")),
        (TESTCASE, "put", lambda: sc.testcases.update("404", json_data={})),
        (TESTCASE, "get", lambda: sc.testcases.get(testset.id)),  # a testset's id is no testcase's
    ]:
        with pytest.raises(NotFoundError) as missing:
            call()
        body = rejected(scorecard_spec, path, method, missing, 404)
        assert body["code"] == "NOT_FOUND", (path, method, body)
    assert [t.id for t in sc.testsets.list(project.id)] == [testset.id]


def test_bad_bodies_are_400_api_errors_and_store_nothing(evalmock, scorecard_spec):
    sc = client(evalmock)
    project, testset = qa_testset(sc, scorecard_spec)
    [case] = create_testcases(sc, scorecard_spec, testset.id, {"question": "q", "idealAnswer": "a"})
    headers = {"Authorization": "Bearer ak_test"}
    for path, method, url, body in [
        (TESTSETS, "post", f"/projects/{project.id}/testsets", {"name": "n", "description": "d", "jsonSchema": {}}),
        (TESTSETS, "post", f"/projects/{project.id}/testsets",
         {"name": "n", "description": "d", "jsonSchema": {}, "fieldMapping": {"inputs": [], "expected": []}}),
        (TESTSETS, "post", f"/projects/{project.id}/testsets",
         {"name": "n", "description": "d", "jsonSchema": "object", "fieldMapping": {"inputs": [], "expected": [], "metadata": []}}),
        (TESTSET, "patch", f"/testsets/{testset.id}", {"fieldMapping": {"inputs": "question"}}),
        (TESTCASES, "post", f"/testsets/{testset.id}/testcases", {"items": []}),
        (TESTCASES, "post", f"/testsets/{testset.id}/testcases", {"items": [{"jsonData": ["not", "an", "object"]}]}),
        (TESTCASE, "put", f"/testcases/{case.id}", {"data": {}}),
        (BULK_DELETE, "post", "/testcases/bulk-delete", {"ids": case.id}),
    ]:
        response = httpx.request(method, f"{evalmock.url}/api/v2{url}", json=body, headers=headers)
        assert response.status_code == 400, (url, body, response.text)
        assert response.json()["code"] == "BAD_REQUEST"
        scorecard_spec.assert_response(path, method, response)
    with pytest.raises(BadRequestError) as bad:
        sc.testcases.update(case.id, json_data="text")  # type: ignore[arg-type]
    rejected(scorecard_spec, TESTCASE, "put", bad, 400)
    assert sc.testsets.get(testset.id) == testset
    assert [c.id for c in sc.testcases.list(testset.id)] == [case.id] and sc.testcases.get(case.id) == case
    assert [t.id for t in sc.testsets.list(project.id)] == [testset.id]


def test_lenient_mode_answers_placeholder_testsets_and_testcases(start_evalmock, scorecard_spec):
    server = start_evalmock("--lenient")
    sc = client(server)
    placeholder = checked(scorecard_spec, TESTSET, "get", sc.testsets.with_raw_response.get("246"))
    assert placeholder.id == "246"
    [case] = create_testcases(sc, scorecard_spec, "246", {"question": "q"})
    assert case.testset_id == "246" and [c.id for c in sc.testcases.list("246")] == [case.id]
    assert checked(scorecard_spec, TESTCASE, "put", sc.testcases.with_raw_response.update("248", json_data={"a": 1})).json_data == {"a": 1}
    assert sc.testcases.delete(ids=["123", case.id]).success is True
    assert list(sc.testcases.list("246")) == []


def answer(inputs: dict, _version) -> dict:
    return {"response": inputs["question"].upper()}


def prepare_run_and_evaluate(sc: Scorecard, spec):
    project, testset = qa_testset(sc, spec)
    questions = [f"question {i}" for i in range(25)]  # more than one default page
    cases = create_testcases(sc, spec, testset.id, *[{"question": q, "idealAnswer": q[::-1], "provenance": "p"} for q in questions])
    return project, testset, cases


def assert_records_follow_the_testcases(sc: Scorecard, spec, project, run_id: str, testset, cases) -> None:
    run = sc.runs.get(run_id)
    assert (run.testset_id, run.num_expected_records, run.num_records) == (testset.id, 25, 50)
    raw = httpx.get(f"{sc.base_url}runs/{run_id}/records", headers={"Authorization": "Bearer ak_test"})
    spec.assert_response("/runs/{runId}/records", "get", raw)
    records = list(sc.records.list(run_id, limit=100))
    by_case = {c.id: c for c in cases}
    assert sorted(r.testcase_id for r in records) == sorted([c.id for c in cases] * 2)
    for record in records:
        case = by_case[record.testcase_id]
        assert (record.inputs, record.expected) == (case.inputs, case.expected)
        assert record.outputs == {"response": case.inputs["question"].upper()}
    assert [r.id for r in sc.runs.list(project.id)] == [run_id]
    ids = [c.id for c in cases]
    assert sc.testcases.delete(ids=ids).success is True
    assert list(sc.testcases.list(testset.id)) == []


def test_run_and_evaluate_runs_every_testcase_twice(evalmock, scorecard_spec):
    sc = client(evalmock)
    project, testset, cases = prepare_run_and_evaluate(sc, scorecard_spec)
    result = run_and_evaluate(sc, project_id=project.id, testset_id=testset.id, metric_ids=[], system=answer, trials=2)
    evalmock.restart()
    assert_records_follow_the_testcases(client(evalmock), scorecard_spec, project, result["id"], testset, cases)


def test_async_run_and_evaluate_runs_every_testcase_twice(evalmock, scorecard_spec):
    sc = client(evalmock)
    project, testset, cases = prepare_run_and_evaluate(sc, scorecard_spec)

    async def run() -> dict:
        async with AsyncScorecard(api_key="ak_test", base_url=evalmock.url + "/api/v2", max_retries=0) as asc:
            return await async_run_and_evaluate(asc, project_id=project.id, testset_id=testset.id, metric_ids=[], system=answer, trials=2)

    result = asyncio.run(run())
    assert_records_follow_the_testcases(sc, scorecard_spec, project, result["id"], testset, cases)
