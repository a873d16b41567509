"""Scale GP's history of test case results (default mode): version 1 is a result as created,
each PATCH adds the next, and the superseded version carries `invalidated_at`."""
from __future__ import annotations

import httpx
import pytest
from scale_gp import NotFoundError, SGPClient

from conftest import Spec

RESULTS = "/v4/evaluations/{evaluation_id}/test-case-results"
VERSION = RESULTS + "/{test_case_result_id}/history/{num}"
VERSIONS = RESULTS + "/history/{num}"
HEADERS = {"x-api-key": "sgp_test"}


@pytest.fixture(scope="session")
def spec() -> Spec:
    return Spec("scale-gp.json")


def client(server, **kwargs) -> SGPClient:
    return SGPClient(base_url=server.url, api_key="sgp_test", max_retries=0, _strict_response_validation=True, **kwargs)


def item(test_case_id: str) -> dict:
    return {"application_spec_id": "spec", "evaluation_dataset_version_num": "1", "test_case_id": test_case_id,
            "test_case_evaluation_data": {"generation_output": f"answer {test_case_id}"}}


def test_each_patch_keeps_the_version_it_replaces(evalmock, spec):
    sgp = client(evalmock)
    first, second = sgp.evaluations.test_case_results.batch("eval-h", items=[item("a"), item("b")])
    edited = sgp.evaluations.test_case_results.update(first.id, evaluation_id="eval-h", audit_comment="checked")
    answered = sgp.evaluations.test_case_results.update(first.id, evaluation_id="eval-h", result={"q": "yes"})

    history = sgp.evaluations.test_case_results.history
    version = lambda num: history.retrieve(num, evaluation_id="eval-h", test_case_result_id=first.id)
    assert version("1").to_dict() == {**first.to_dict(), "invalidated_at": edited.updated_at}
    assert version("2").to_dict() == {**edited.to_dict(), "invalidated_at": answered.updated_at}
    assert version("3").to_dict() == answered.to_dict() == sgp.evaluations.test_case_results.retrieve(
        first.id, evaluation_id="eval-h").to_dict()
    assert version("01").to_dict() == version("1").to_dict(), "a version number, not a text key"
    assert version("1").audit_comment is None and version("3").label_status == "COMPLETED"

    raw = httpx.get(evalmock.url + VERSION.format(evaluation_id="eval-h", test_case_result_id=first.id, num=1), headers=HEADERS)
    spec.assert_response(VERSION, "GET", raw)

    with pytest.raises(NotFoundError) as raised:
        version("4")
    assert raised.value.body == {"detail": f"Version 4 of test case result {first.id} not found"}
    with pytest.raises(NotFoundError):
        history.retrieve("1", evaluation_id="another-evaluation", test_case_result_id=second.id)
    with pytest.raises(NotFoundError) as raised:
        history.retrieve("1", evaluation_id="eval-h", test_case_result_id="no-such-result")
    assert raised.value.body == {"detail": "Version 1 of test case result no-such-result not found"}

    evalmock.restart()
    assert client(evalmock).evaluations.test_case_results.history.retrieve(
        "2", evaluation_id="eval-h", test_case_result_id=first.id).audit_comment == "checked"


def test_the_history_list_pages_the_num_th_version_of_every_result(evalmock, spec):
    mine = client(evalmock, account_id="acct-1")
    theirs = client(evalmock, account_id="acct-2")
    created = mine.evaluations.test_case_results.batch("eval-l", items=[item(f"m{i}") for i in range(3)])
    theirs.evaluations.test_case_results.batch("eval-l", items=[item("t0")])
    mine.evaluations.test_case_results.update(created[1].id, evaluation_id="eval-l", audit_comment="again")

    history = mine.evaluations.test_case_results.history
    # Auto-pagination asks for page 2, 3, … until a page is empty: it ends because pages are honoured.
    assert [r.test_case_id for r in history.list("1", evaluation_id="eval-l", limit=1)] == ["m0", "m1", "m2", "t0"]
    page = history.list("1", evaluation_id="eval-l", limit=2, page=2)
    assert ([r.test_case_id for r in page.items], page.current_page) == (["m2", "t0"], 2)
    assert page.to_dict()["total_item_count"] == 4 and page.to_dict()["items_per_page"] == 2
    assert [r.audit_comment for r in history.list("2", evaluation_id="eval-l").items] == ["again"]
    assert {r.account_id for r in history.list("1", evaluation_id="eval-l", account_id="acct-2").items} == {"acct-2"}
    assert history.list("7", evaluation_id="eval-l").items == []

    raw = httpx.get(evalmock.url + VERSIONS.format(evaluation_id="eval-l", num=1), headers=HEADERS)
    spec.assert_response(VERSIONS, "GET", raw)
    with pytest.raises(NotFoundError) as raised:
        history.list("1", evaluation_id="no-such-evaluation")
    assert raised.value.body == {"detail": "Evaluation no-such-evaluation not found"}


def test_history_segments_are_not_taken_for_a_result_id(evalmock):
    created = client(evalmock).evaluations.test_case_results.batch("eval-r", items=[item("x")])[0]
    listed = httpx.get(f"{evalmock.url}/v4/evaluations/eval-r/test-case-results/history/1", headers=HEADERS)
    assert listed.status_code == 200 and [r["id"] for r in listed.json()["items"]] == [created.id]
    # One segment after test-case-results is a result id, as in the service's routes.
    alone = httpx.get(f"{evalmock.url}/v4/evaluations/eval-r/test-case-results/history", headers=HEADERS)
    assert (alone.status_code, alone.json()) == (404, {"detail": "Test case result history not found"})
    missing_key = httpx.get(f"{evalmock.url}/v4/evaluations/eval-r/test-case-results/history/1")
    assert (missing_key.status_code, missing_key.json()) == (401, {"detail": "Not authenticated"})
