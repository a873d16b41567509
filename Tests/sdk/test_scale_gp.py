"""Scale GP test case results through the real `scale-gp` SDK against evalmock."""
from __future__ import annotations

import json
import sqlite3

import httpx
import pytest
from scale_gp import AuthenticationError, NotFoundError, SGPClient, UnprocessableEntityError
from scale_gp.types.evaluations.test_case_result import FlexibleTestCaseResultResponse, GenerationTestCaseResultResponse
from scale_gp.types.evaluations.test_case_result_with_views import (
    FlexibleTestCaseResultResponseWithViews,
    GenerationTestCaseResultResponseWithViews,
)

from conftest import Spec
from scale_gp_models import batch_errors

RESULTS = "/v4/evaluations/{evaluation_id}/test-case-results"
BATCH = RESULTS + "/batch"
ONE = RESULTS + "/{test_case_result_id}"
REQUIRED = [
    "id", "created_at", "updated_at", "account_id", "created_by_user_id", "created_by_identity_type", "label_status",
    "evaluation_id", "evaluation_dataset_id", "evaluation_dataset_version_num", "application_spec_id", "test_case_id",
    "test_case_evaluation_data",
]


@pytest.fixture(scope="session")
def spec() -> Spec:
    return Spec("scale-gp.json")


def client(server, **kwargs) -> SGPClient:
    return SGPClient(base_url=server.url, api_key="sgp_test", max_retries=0, **kwargs)


def generation_item(test_case_id: str, **extra) -> dict:
    return {
        "application_spec_id": "spec-1",
        "evaluation_dataset_version_num": "1",
        "test_case_id": test_case_id,
        "test_case_evaluation_data": {
            "generation_output": "Paris.",
            "generation_extra_info": {"schema_type": "CHUNKS", "chunks": [{"text": "Paris is the capital", "metadata": {"page": 3}}]},
        },
        **extra,
    }


def flexible_item(test_case_id: str) -> dict:
    return {
        "application_spec_id": "spec-1",
        "evaluation_dataset_version_num": "1",
        "test_case_id": test_case_id,
        "test_case_evaluation_data": {
            "generation_output": {
                "answer": "Paris",
                "score": 0.93,
                "conversation": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": [{"type": "text", "text": "Capital?"},
                                                 {"type": "image_url", "image_url": {"url": "https://x/y.png", "detail": "low"}}]},
                    {"role": "assistant", "content": "Paris"},
                ],
                "sources": [{"text": "chunk", "metadata": {"k": 1}}],
                "attachment": {"uri": "s3://bucket/doc.pdf", "file_type": "pdf"},
                "nothing": None,
            },
            "generation_extra_info": {"schema_type": "STRING", "info": "retrieved 1 chunk"},
        },
        "result": {"q1": "yes", "q2": [1, 2.5, True]},
        "audit_required": True,
    }


def stored_rows(server) -> int:
    with sqlite3.connect(server.db) as db:
        return db.execute("SELECT COUNT(*) FROM scale_gp_test_case_results").fetchone()[0]


def test_batch_returns_generation_and_flexible_models_that_list_and_retrieve_read_back_after_restart(evalmock, spec):
    sgp = client(evalmock)
    created = sgp.evaluations.test_case_results.batch("eval-1", items=[generation_item("tc-1"), flexible_item("tc-2")])

    assert [type(result) for result in created] == [GenerationTestCaseResultResponse, FlexibleTestCaseResultResponse]
    generation, flexible = created
    assert generation.test_case_evaluation_data_schema == "GENERATION"
    assert generation.test_case_evaluation_data.generation_output == "Paris."
    assert generation.test_case_evaluation_data.generation_extra_info.chunks[0].metadata == {"page": 3}
    assert flexible.test_case_evaluation_data_schema == "FLEXIBLE"
    assert flexible.test_case_evaluation_data.generation_output["answer"] == "Paris"
    assert flexible.test_case_evaluation_data.generation_extra_info.info == "retrieved 1 chunk"
    assert flexible.result == {"q1": "yes", "q2": [1, 2.5, True]} and flexible.audit_required is True
    for result, test_case_id in zip(created, ["tc-1", "tc-2"]):
        assert result.test_case_id == test_case_id and result.evaluation_id == "eval-1"
        assert result.created_at.tzinfo is not None and result.updated_at == result.created_at
    assert generation.evaluation_dataset_id == flexible.evaluation_dataset_id
    assert len({generation.id, flexible.id}) == 2
    # A result with answers is COMPLETED; one without waits for annotation.
    assert (generation.label_status, flexible.label_status) == ("PENDING", "COMPLETED")
    assert flexible.completed_at is not None and generation.completed_at is None

    evalmock.restart()
    sgp = client(evalmock)
    listed = list(sgp.evaluations.test_case_results.list("eval-1"))
    assert [type(r) for r in listed] == [GenerationTestCaseResultResponseWithViews, FlexibleTestCaseResultResponseWithViews]
    assert [r.model_dump() for r in listed] == [{**r.model_dump(), **_no_views()} for r in created]
    retrieved = sgp.evaluations.test_case_results.retrieve(flexible.id, evaluation_id="eval-1", view=["Metrics", "CustomMetrics"])
    assert retrieved.test_case_evaluation_data == flexible.test_case_evaluation_data
    assert (retrieved.metrics, retrieved.custom_metrics, retrieved.annotation_results) == ({}, [], None)
    assert retrieved.created_at == flexible.created_at


def _no_views() -> dict:
    return {"annotation_results": None, "application_test_case_output": None, "audit_tasks": None, "custom_metrics": None,
            "metrics": None, "task": None, "test_case_version": None}


def test_every_answer_validates_against_the_document_and_has_every_required_member(evalmock, spec):
    headers = {"x-api-key": "sgp_test"}
    batch = httpx.post(f"{evalmock.url}/v4/evaluations/e/test-case-results/batch", headers=headers,
                       json=[generation_item("a"), flexible_item("b")])
    assert batch.status_code == 200
    spec.assert_response(BATCH, "post", batch)
    for result in batch.json():
        assert all(result[name] not in (None, "") for name in REQUIRED), result

    single = httpx.post(f"{evalmock.url}/v4/evaluations/e/test-case-results", headers=headers, json=generation_item("c"))
    spec.assert_response(RESULTS, "post", single)
    page = httpx.get(f"{evalmock.url}/v4/evaluations/e/test-case-results", headers=headers,
                     params=[("view", "Metrics"), ("view", "CustomMetrics"), ("view", "AnnotationResults"), ("view", "AuditTasks")])
    spec.assert_response(RESULTS, "get", page)
    assert page.json()["items"][0]["metrics"] == {} and page.json()["items"][0]["annotation_results"] == []
    result_id = batch.json()[1]["id"]
    one = httpx.get(f"{evalmock.url}/v4/evaluations/e/test-case-results/{result_id}", headers=headers)
    spec.assert_response(ONE, "get", one)
    patched = httpx.patch(f"{evalmock.url}/v4/evaluations/e/test-case-results/{result_id}", headers=headers,
                          json={"audit_comment": "checked"})
    spec.assert_response(ONE, "patch", patched)


def test_the_answer_keeps_the_client_values_as_sent(evalmock):
    item = flexible_item("order")
    body = httpx.post(f"{evalmock.url}/v4/evaluations/e/test-case-results/batch", headers={"x-api-key": "k"},
                      content=json.dumps([item]).replace("0.93", "0.930")).text
    assert '"score":0.930' in body
    assert list(json.loads(body)[0]["test_case_evaluation_data"]["generation_output"]) == list(item["test_case_evaluation_data"]["generation_output"])


def test_a_batch_with_one_bad_item_stores_nothing_and_lists_every_problem_by_index(evalmock):
    sgp = client(evalmock)
    items = [generation_item(f"tc-{i}") for i in range(5)]
    del items[3]["test_case_id"]
    items[1]["test_case_evaluation_data"]["generation_extra_info"] = {"schema_type": "CHUNKS", "chunks": [{"text": 7}]}
    items[4]["label_status"] = "DONE"

    with pytest.raises(UnprocessableEntityError) as raised:
        sgp.evaluations.test_case_results.batch("eval-bad", items=items)

    detail = raised.value.body["detail"]
    assert ["body", 3, "test_case_id"] in [entry["loc"] for entry in detail]
    assert detail == batch_errors(items)
    assert stored_rows(evalmock) == 0
    with pytest.raises(NotFoundError):
        list(sgp.evaluations.test_case_results.list("eval-bad"))

    # The same batch, corrected, is stored whole.
    items[3]["test_case_id"] = "tc-3"
    items[1] = generation_item("tc-1")
    del items[4]["label_status"]
    assert len(sgp.evaluations.test_case_results.batch("eval-bad", items=items)) == 5
    assert stored_rows(evalmock) == 5


@pytest.mark.parametrize("evaluation_data", [
    "not an object",
    {"generation_output": 5},
    {"generation_output": "x", "generation_extra_info": {"info": "no tag"}},
    {"generation_output": "x", "generation_extra_info": {"schema_type": "TABLE"}},
    {"generation_output": "x", "generation_extra_info": {"schema_type": "STRING"}},
    {"generation_output": "x", "generation_extra_info": {"schema_type": "CHUNKS", "chunks": "abc"}},
    {"generation_output": ["a list"]},
    {"generation_output": "x", "generation_extra_info": "not an object"},
    {},
])
def test_invalid_evaluation_data_is_reported_as_pydantic_reports_it(evalmock, evaluation_data):
    items = [generation_item("ok"), {**generation_item("bad"), "test_case_evaluation_data": evaluation_data}]
    response = httpx.post(f"{evalmock.url}/v4/evaluations/e/test-case-results/batch", headers={"x-api-key": "k"}, json=items)
    assert response.status_code == 422
    assert response.json()["detail"] == batch_errors(items)
    assert stored_rows(evalmock) == 0


@pytest.mark.parametrize("field, value", [
    ("time_spent_labeling_s", "abc"), ("time_spent_labeling_s", 1.5), ("audit_required", "maybe"),
    ("audit_status", "UNKNOWN"), ("annotated_by_identity_type", "robot"), ("result", {"q": {"nested": 1}}),
    ("result", {"q": [1, [2]]}), ("application_spec_id", 12), ("audit_comment", None),
])
def test_invalid_fields_are_reported_as_pydantic_reports_them(evalmock, field, value):
    items = [generation_item("x", **{field: value})]
    response = httpx.post(f"{evalmock.url}/v4/evaluations/e/test-case-results/batch", headers={"x-api-key": "k"}, json=items)
    assert response.status_code == 422
    assert response.json()["detail"] == batch_errors(items)


def test_pydantic_lax_values_are_accepted_as_the_service_accepts_them(evalmock):
    item = generation_item("lax", time_spent_labeling_s="42", audit_required="yes")
    assert batch_errors([item]) == []
    response = httpx.post(f"{evalmock.url}/v4/evaluations/e/test-case-results/batch", headers={"x-api-key": "k"}, json=[item])
    assert response.status_code == 200


def test_a_body_that_is_not_a_list_is_a_422(evalmock):
    response = httpx.post(f"{evalmock.url}/v4/evaluations/e/test-case-results/batch", headers={"x-api-key": "k"},
                          json=generation_item("x"))
    assert response.status_code == 422
    assert response.json()["detail"] == batch_errors(generation_item("x"))


def test_single_create_and_update_through_the_sdk(evalmock):
    sgp = client(evalmock)
    created = sgp.evaluations.test_case_results.create(
        "eval-2", application_spec_id="spec", evaluation_dataset_version_num="3", test_case_id="tc",
        test_case_evaluation_data={"generation_output": "draft"}, audit_status="UNAUDITED",
    )
    assert isinstance(created, GenerationTestCaseResultResponse) and created.audit_status == "UNAUDITED"

    updated = sgp.evaluations.test_case_results.update(
        created.id, evaluation_id="eval-2", result={"q1": "good"}, account_id="someone-else",
        test_case_evaluation_data={"generation_output": {"final": "answer"}},
    )
    assert isinstance(updated, FlexibleTestCaseResultResponse)
    assert updated.result == {"q1": "good"} and updated.label_status == "COMPLETED"
    assert updated.account_id == created.account_id, "account_id cannot be patched"
    assert updated.created_at == created.created_at and updated.updated_at >= created.updated_at

    held = sgp.evaluations.test_case_results.update(created.id, evaluation_id="eval-2", label_status="PENDING")
    assert held.label_status == "PENDING"
    evalmock.restart()
    again = client(evalmock).evaluations.test_case_results.retrieve(created.id, evaluation_id="eval-2")
    assert again.label_status == "PENDING" and again.result == {"q1": "good"}


def test_list_pages_and_filters_by_account(evalmock):
    mine = client(evalmock, account_id="acct-1")
    theirs = client(evalmock, account_id="acct-2")
    mine.evaluations.test_case_results.batch("eval-3", items=[generation_item(f"m{i}") for i in range(5)])
    theirs.evaluations.test_case_results.batch("eval-3", items=[generation_item("t0")])

    page = mine.evaluations.test_case_results.list("eval-3", limit=2, page=2)
    assert [r.test_case_id for r in page.items] == ["m2", "m3"]
    assert (page.current_page, page.to_dict()["items_per_page"], page.to_dict()["total_item_count"]) == (2, 2, 6)
    assert [r.test_case_id for r in mine.evaluations.test_case_results.list("eval-3", limit=2)] == ["m0", "m1", "m2", "m3", "m4", "t0"]
    only_mine = mine.evaluations.test_case_results.list("eval-3", account_id="acct-1", limit=100)
    assert {r.account_id for r in only_mine.items} == {"acct-1"} and len(only_mine.items) == 5

    response = httpx.get(f"{evalmock.url}/v4/evaluations/eval-3/test-case-results", headers={"x-api-key": "k"}, params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]
    assert response.json()["detail"][0]["msg"] == "Input should be greater than or equal to 1"


def test_missing_key_is_a_401_and_unknown_ids_are_404s(evalmock):
    response = httpx.post(f"{evalmock.url}/v4/evaluations/e/test-case-results/batch", json=[generation_item("x")])
    assert (response.status_code, response.json()) == (401, {"detail": "Not authenticated"})
    assert stored_rows(evalmock) == 0

    sgp = client(evalmock)
    created = sgp.evaluations.test_case_results.batch("eval-4", items=[generation_item("x")])[0]
    with pytest.raises(NotFoundError) as raised:
        sgp.evaluations.test_case_results.retrieve("no-such-id", evaluation_id="eval-4")
    assert raised.value.body == {"detail": "Test case result no-such-id not found"}
    with pytest.raises(NotFoundError):
        sgp.evaluations.test_case_results.retrieve(created.id, evaluation_id="another-evaluation")
    with pytest.raises(NotFoundError):
        sgp.evaluations.test_case_results.update("no-such-id", evaluation_id="eval-4", audit_comment="x")
    with pytest.raises(AuthenticationError):
        SGPClient(base_url=evalmock.url, api_key="", max_retries=0).evaluations.test_case_results.list("eval-4")


def test_configured_keys_are_the_only_ones_accepted(start_evalmock):
    server = start_evalmock("--api-key", "sgp_right")
    with pytest.raises(AuthenticationError):
        SGPClient(base_url=server.url, api_key="sgp_wrong", max_retries=0).evaluations.test_case_results.list("e")
    with pytest.raises(NotFoundError):
        SGPClient(base_url=server.url, api_key="sgp_right", max_retries=0).evaluations.test_case_results.list("e")


def test_a_body_over_the_limit_is_a_413_and_stores_nothing(start_evalmock):
    server = start_evalmock("--max-body-bytes", "65536")
    items = [generation_item(f"tc-{i}") for i in range(400)]
    assert len(json.dumps(items)) > 65536
    response = httpx.post(f"{server.url}/v4/evaluations/e/test-case-results/batch", headers={"x-api-key": "k"}, json=items)
    assert (response.status_code, response.json()) == (413, {"detail": "Request body is larger than 65536 bytes"})
    assert stored_rows(server) == 0
    accepted = httpx.post(f"{server.url}/v4/evaluations/e/test-case-results/batch", headers={"x-api-key": "k"}, json=items[:100])
    assert accepted.status_code == 200 and len(accepted.json()) == 100


def test_a_thousand_item_batch_is_one_request_under_the_default_limit(evalmock):
    items = [flexible_item(f"tc-{i}") for i in range(1000)]
    created = client(evalmock).evaluations.test_case_results.batch("big", items=items)
    assert [r.test_case_id for r in created] == [f"tc-{i}" for i in range(1000)]
    assert stored_rows(evalmock) == 1000


def test_an_update_without_answers_keeps_a_held_result_pending(evalmock):
    sgp = client(evalmock)
    created = sgp.evaluations.test_case_results.create(
        "eval-5", application_spec_id="s", evaluation_dataset_version_num="1", test_case_id="t",
        test_case_evaluation_data={"generation_output": "x"}, result={"q": "a"}, label_status="PENDING",
    )
    assert created.label_status == "PENDING" and created.completed_at is None
    commented = sgp.evaluations.test_case_results.update(created.id, evaluation_id="eval-5", audit_comment="later")
    assert commented.label_status == "PENDING"
    answered = sgp.evaluations.test_case_results.update(created.id, evaluation_id="eval-5", result={"q": "b"})
    assert answered.label_status == "COMPLETED" and answered.completed_at is not None
