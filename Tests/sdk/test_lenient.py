"""`evalmock serve --lenient`, the drop-in mode for the SDKs' own generated suites, next to the
default mode answering the very same requests (the calls and placeholder values of
scale-gp 0.1.0a62's `tests/api_resources/evaluations/`)."""
from __future__ import annotations

import sqlite3
import subprocess

import httpx
import pytest
from scale_gp import AuthenticationError, NotFoundError, SGPClient, UnprocessableEntityError

from conftest import BINARY, OPENAPI, STARTUP, Spec
from scale_gp_models import batch_errors

RESULTS = "/v4/evaluations/{evaluation_id}/test-case-results"
ONE = RESULTS + "/{test_case_result_id}"
VERSION = ONE + "/history/{num}"
VERSIONS = RESULTS + "/history/{num}"
HEADERS = {"x-api-key": "My API Key"}
# What the generated suite sends: ids nobody created and evaluation data without generation_output.
PLACEHOLDER_CREATE = {"application_spec_id": "application_spec_id", "evaluation_dataset_version_num": "evaluation_dataset_version_num",
                      "test_case_evaluation_data": {"foo": "bar"}, "test_case_id": "test_case_id"}


@pytest.fixture(scope="session")
def spec() -> Spec:
    return Spec("scale-gp.json")


def client(server) -> SGPClient:
    return SGPClient(base_url=server.url, api_key="My API Key", max_retries=0, _strict_response_validation=True)


def single_create_errors(body: dict) -> list[dict]:
    """pydantic's errors for one TestCaseResultRequest: the batch oracle without the index."""
    return [{**entry, "loc": ["body", *entry["loc"][2:]]} for entry in batch_errors([body])]


def rows(server, table: str) -> int:
    with sqlite3.connect(server.db) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_the_default_mode_answers_the_suites_requests_with_404_and_422(evalmock):
    sgp = client(evalmock)
    results = sgp.evaluations.test_case_results
    for call in [
        lambda: results.retrieve("test_case_result_id", evaluation_id="evaluation_id"),
        lambda: results.update("test_case_result_id", evaluation_id="evaluation_id"),
        lambda: results.list("evaluation_id"),
        lambda: results.history.retrieve("num", evaluation_id="evaluation_id", test_case_result_id="test_case_result_id"),
        lambda: results.history.list("num", evaluation_id="evaluation_id"),
    ]:
        with pytest.raises(NotFoundError):
            call()
    with pytest.raises(UnprocessableEntityError) as raised:
        results.create("evaluation_id", **PLACEHOLDER_CREATE)
    assert raised.value.body["detail"] == single_create_errors(PLACEHOLDER_CREATE)
    assert rows(evalmock, "scale_gp_test_case_results") == 0

    created = results.create("evaluation_id", **{**PLACEHOLDER_CREATE, "test_case_evaluation_data": {"generation_output": "x"}})
    with pytest.raises(UnprocessableEntityError) as raised:
        results.update(created.id, evaluation_id="evaluation_id", test_case_evaluation_data={"foo": "bar"})
    assert [entry["loc"] for entry in raised.value.body["detail"]] == [
        ["body", "test_case_evaluation_data", "ResultSchemaGeneration", "generation_output"],
        ["body", "test_case_evaluation_data", "ResultSchemaFlexible", "generation_output"],
    ]
    assert results.retrieve(created.id, evaluation_id="evaluation_id").test_case_evaluation_data.generation_output == "x"


def test_lenient_creates_unknown_ids_on_first_reference_and_keeps_them(start_evalmock, spec):
    server = start_evalmock("--lenient")
    results = client(server).evaluations.test_case_results
    first = results.retrieve("test_case_result_id", evaluation_id="evaluation_id")
    assert (first.id, first.evaluation_id, first.test_case_evaluation_data_schema) == ("test_case_result_id", "evaluation_id", "GENERATION")
    raw = httpx.get(server.url + ONE.format(evaluation_id="evaluation_id", test_case_result_id="test_case_result_id"), headers=HEADERS)
    spec.assert_response(ONE, "GET", raw)
    assert raw.json() == first.to_dict(mode="json") | {"created_at": raw.json()["created_at"], "updated_at": raw.json()["updated_at"]}
    assert results.retrieve("test_case_result_id", evaluation_id="evaluation_id").to_dict() == first.to_dict(), "later reads agree"
    assert [r.id for r in results.list("evaluation_id")] == ["test_case_result_id"]
    # Placeholders come from the response schema: typed values where the document has no example.
    assert (first.application_spec_id, first.test_case_evaluation_data.generation_output, first.label_status) == ("string", "string", "PENDING")

    updated = results.update("test_case_result_id", evaluation_id="evaluation_id", audit_comment="seen")
    assert updated.audit_comment == "seen" and updated.created_at == first.created_at
    version = results.history.retrieve("num", evaluation_id="evaluation_id", test_case_result_id="test_case_result_id")
    assert version.to_dict() == updated.to_dict(), "an unknown version is the result as it is now, kept under that num"
    results.update("test_case_result_id", evaluation_id="evaluation_id", audit_comment="later")
    assert results.history.retrieve("num", evaluation_id="evaluation_id", test_case_result_id="test_case_result_id").audit_comment == "seen"
    assert results.history.retrieve("1", evaluation_id="evaluation_id", test_case_result_id="test_case_result_id").invalidated_at

    other = results.history.retrieve("3", evaluation_id="fresh-evaluation", test_case_result_id="fresh-result")
    assert other.evaluation_id == "fresh-evaluation"
    assert results.history.list("num", evaluation_id="brand-new").items == []
    assert results.list("brand-new").items == []
    listed = httpx.get(server.url + VERSIONS.format(evaluation_id="evaluation_id", num="num"), headers=HEADERS)
    spec.assert_response(VERSIONS, "GET", listed)
    assert [r["audit_comment"] for r in listed.json()["items"]] == ["seen"]

    server.restart()
    assert client(server).evaluations.test_case_results.retrieve("test_case_result_id", evaluation_id="evaluation_id").audit_comment == "later"
    assert rows(server, "scale_gp_test_case_results") == 2


def test_lenient_accepts_a_body_failing_only_the_deeper_rule_and_completes_it(start_evalmock, spec):
    server = start_evalmock("--lenient")
    response = httpx.post(server.url + RESULTS.format(evaluation_id="evaluation_id"), headers=HEADERS, json=PLACEHOLDER_CREATE)
    assert response.status_code == 200
    spec.assert_response(RESULTS, "POST", response)
    created = response.json()
    assert created["test_case_evaluation_data"] == {"foo": "bar", "generation_output": "string"}
    assert created["test_case_evaluation_data_schema"] == "GENERATION"
    results = client(server).evaluations.test_case_results
    assert results.retrieve(created["id"], evaluation_id="evaluation_id").to_dict(mode="json") == created, "stored as answered"

    patched = results.update(created["id"], evaluation_id="evaluation_id", test_case_evaluation_data={"foo": "baz"})
    assert patched.to_dict()["test_case_evaluation_data"] == {"foo": "baz", "generation_output": "string"}
    flexible = results.update(created["id"], evaluation_id="evaluation_id", test_case_evaluation_data={"generation_output": {"a": 1}})
    assert flexible.test_case_evaluation_data_schema == "FLEXIBLE", "valid data is kept as sent"


@pytest.mark.parametrize("body", [
    {**PLACEHOLDER_CREATE, "test_case_evaluation_data": "not an object"},
    {key: value for key, value in PLACEHOLDER_CREATE.items() if key != "test_case_id"},
    {**PLACEHOLDER_CREATE, "time_spent_labeling_s": "abc"},
])
def test_lenient_keeps_the_real_errors_of_request_schema_violations(start_evalmock, body):
    lenient, default = start_evalmock("--lenient"), start_evalmock()
    answers = [httpx.post(server.url + RESULTS.format(evaluation_id="e"), headers=HEADERS, json=body) for server in (lenient, default)]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json() == answers[1].json() and answers[0].json()["detail"] == single_create_errors(body)
    assert rows(lenient, "scale_gp_test_case_results") == 0


def test_lenient_made_up_version_numbers_give_way_to_the_real_history(start_evalmock):
    history = client(start_evalmock("--lenient")).evaluations.test_case_results
    made_up = history.history.retrieve("2", evaluation_id="e", test_case_result_id="r")
    assert made_up.audit_comment is None
    second = history.update("r", evaluation_id="e", audit_comment="second")
    assert history.history.retrieve("2", evaluation_id="e", test_case_result_id="r").to_dict() == second.to_dict()
    third = history.update("r", evaluation_id="e", audit_comment="third")
    kept = history.history.retrieve("2", evaluation_id="e", test_case_result_id="r")
    assert (kept.audit_comment, kept.invalidated_at) == ("second", third.updated_at)
    assert [r.audit_comment for r in history.history.list("2", evaluation_id="e").items] == ["second"]


def test_lenient_keeps_auth_and_malformed_json_errors(start_evalmock):
    server = start_evalmock("--lenient")
    with pytest.raises(AuthenticationError):
        SGPClient(base_url=server.url, api_key="", max_retries=0).evaluations.test_case_results.retrieve("x", evaluation_id="e")
    malformed = httpx.post(server.url + RESULTS.format(evaluation_id="e"), headers={**HEADERS, "content-type": "application/json"}, content=b'{"a":')
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["type"] == "json_invalid"
    assert rows(server, "scale_gp_test_case_results") == 0


def test_lenient_leaves_an_id_of_another_evaluation_unknown(start_evalmock):
    results = client(start_evalmock("--lenient")).evaluations.test_case_results
    created = results.retrieve("taken", evaluation_id="eval-a")
    with pytest.raises(NotFoundError):
        results.retrieve(created.id, evaluation_id="eval-b")


def test_lenient_changes_scale_gp_and_the_scorecard_v2_resources_only(start_evalmock, evalmock):
    server = start_evalmock("--lenient")
    v1 = httpx.get(f"{server.url}/v1/run/999", headers={"X-API-Key": "ak_test"})
    assert v1.status_code == 404
    tags = httpx.get(f"{server.url}/api/v2/records/999/tags", headers={"Authorization": "Bearer ak_test"})
    assert tags.status_code == 200 and tags.json() == {"data": []}
    default = httpx.get(f"{evalmock.url}/api/v2/records/999/tags", headers={"Authorization": "Bearer ak_test"})
    assert default.status_code == 404 and default.json()["code"] == "NOT_FOUND"


def test_the_environment_variable_turns_it_on(tmp_path):
    process = subprocess.Popen(
        [str(BINARY), "serve", "--port", "0", "--db", str(tmp_path / "env.db"), "--openapi-dir", str(OPENAPI)],
        env={"EVALMOCK_LENIENT": "1", "PATH": "/usr/bin:/bin"}, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        line = process.stdout.readline()
        assert STARTUP.search(line) and line.rstrip().endswith("lenient mode)")
        port = STARTUP.search(line).group(2)
        answer = httpx.get(f"http://127.0.0.1:{port}/v4/evaluations/e/test-case-results/made-up", headers=HEADERS)
        assert answer.status_code == 200 and answer.json()["id"] == "made-up"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
