"""Scale GP v4: a user's whole evaluation with the real `scale-gp` SDK, in the default mode.

Dataset → test cases (batch) → publish → question → question set → evaluation config →
application spec → OFFLINE variant → evaluation (`type="default"`) → results → reading back,
also after a restart; unknown ids are 404 `{"detail": ...}`, bad bodies pydantic's 422. Every
answer is checked against the document by the server (`EVALMOCK_CHECK_RESPONSES=1`).
"""
from __future__ import annotations

import httpx
import pytest
from scale_gp import NotFoundError, SGPClient, UnprocessableEntityError

A = "account-1"


def client(server) -> SGPClient:
    return SGPClient(base_url=server.url, api_key="sgp_test", max_retries=0)


def build(sgp: SGPClient, cases: int = 2) -> dict:
    """Everything an evaluation points at, as the SDK's examples build it."""
    ds = sgp.evaluation_datasets.create(account_id=A, name="capitals", schema_type="GENERATION", type="manual")
    tcs = sgp.evaluation_datasets.test_cases.batch(evaluation_dataset_id=ds.id, items=[
        {"account_id": A, "test_case_data": {"input": f"Capital of country {i}?", "expected_output": f"City {i}"}}
        for i in range(cases)])
    published = sgp.evaluation_datasets.publish(evaluation_dataset_id=ds.id)
    assert published.success is True
    q = sgp.questions.create(account_id=A, prompt="Is it correct?", title="correct", type="free_text")
    q2 = sgp.questions.create(account_id=A, prompt="Why?", title="why", type="free_text")
    qs = sgp.question_sets.create(account_id=A, name="qs", question_ids=[q2.id, q.id])
    cfg = sgp.evaluation_configs.create(account_id=A, evaluation_type="human", question_set_id=qs.id)
    spec = sgp.application_specs.create(account_id=A, name="app", description="an app")
    var = sgp.application_variants.create(account_id=A, application_spec_id=spec.id, name="offline",
                                          version="OFFLINE", configuration={})
    ev = sgp.evaluations.create(account_id=A, application_spec_id=spec.id, name="ev", description="d", type="default",
                                application_variant_id=var.id, evaluation_config_id=cfg.id)
    return {"ds": ds, "tcs": tcs, "q": q, "q2": q2, "qs": qs, "cfg": cfg, "spec": spec, "var": var, "ev": ev}


def result_item(made: dict, test_case_id: str, num: str = "1") -> dict:
    return {"application_spec_id": made["spec"].id, "evaluation_dataset_version_num": num, "test_case_id": test_case_id,
            "test_case_evaluation_data": {"generation_output": "City"}, "result": {made["q"].id: "yes"}}


def test_whole_evaluation_reads_back_after_restart(evalmock):
    sgp = client(evalmock)
    made = build(sgp)
    ev, tcs = made["ev"], made["tcs"]
    assert (ev.status, ev.total_test_case_result_count, ev.completed_test_case_result_count) == ("PENDING", 0, 0)
    assert made["var"].version == "OFFLINE" and made["var"].draft is False

    first = sgp.evaluations.test_case_results.batch(ev.id, items=[result_item(made, tcs[0].id)])
    assert first[0].evaluation_dataset_id == made["ds"].id
    progress = sgp.evaluations.retrieve(ev.id)
    assert (progress.status, progress.completed_test_case_result_count, progress.total_test_case_result_count) == ("PENDING", 1, 2)
    second = sgp.evaluations.test_case_results.batch(ev.id, items=[result_item(made, tcs[1].id)])

    evalmock.restart()
    sgp = client(evalmock)
    listed = list(sgp.evaluations.test_case_results.list(ev.id, view=["AnnotationResults"]))
    assert [r.id for r in listed] == [first[0].id, second[0].id]
    assert all(r.annotation_results == [] for r in listed)
    again = sgp.evaluations.test_case_results.retrieve(first[0].id, evaluation_id=ev.id, view=["AnnotationResults"])
    assert again.test_case_id == tcs[0].id
    done = sgp.evaluations.retrieve(ev.id)
    assert (done.status, done.completed_test_case_result_count, done.total_test_case_result_count) == ("COMPLETED", 2, 2)
    assert done.completed_at is not None
    metrics = sgp.evaluations.evaluation_metrics.retrieve(ev.id)
    assert (metrics.num_total_test_cases, metrics.num_test_cases_labeled) == (2, 2)

    # Everything else reads back too.
    assert sgp.evaluation_datasets.retrieve(made["ds"].id).name == "capitals"
    assert [t.id for t in sgp.evaluation_datasets.test_cases.list(made["ds"].id)] == [t.id for t in tcs]
    versions = list(sgp.evaluation_datasets.evaluation_dataset_versions.list(made["ds"].id))
    assert [(v.num, v.draft) for v in versions] == [(1, False)]
    snapshot = sgp.evaluation_datasets.test_cases.history.retrieve("1", evaluation_dataset_id=made["ds"].id, test_case_id=tcs[0].id)
    assert snapshot.id == tcs[0].id
    # Question sets keep their questions' order.
    assert [q.id for q in sgp.question_sets.retrieve(made["qs"].id).questions] == [made["q2"].id, made["q"].id]
    assert sgp.evaluation_configs.retrieve(made["cfg"].id).question_set_id == made["qs"].id
    assert sgp.application_variants.retrieve(made["var"].id).version == "OFFLINE"
    assert [s.id for s in sgp.application_specs.list()] == [made["spec"].id]
    assert [e.id for e in sgp.evaluations.list()] == [ev.id]


def test_pages_past_the_end_are_empty_and_the_sdk_stops(evalmock):
    sgp = client(evalmock)
    for i in range(5):
        sgp.questions.create(account_id=A, prompt=f"p{i}", title=f"t{i}", type="free_text")
    assert len(list(sgp.questions.list(limit=2))) == 5
    page = httpx.get(f"{evalmock.url}/v4/questions", params={"page": 99, "limit": 2}, headers={"x-api-key": "k"}).json()
    assert page == {"items": [], "total_item_count": 5, "current_page": 99, "items_per_page": 2}
    # pydantic's ints are unbounded: a page past 2**64 is valid, and as empty (found by schemathesis).
    huge = httpx.get(f"{evalmock.url}/v4/questions", params={"page": "29141381850932715520"}, headers={"x-api-key": "k"})
    assert huge.status_code == 200, huge.text
    assert huge.json()["items"] == [] and huge.json()["total_item_count"] == 5


def test_unknown_ids_are_404(evalmock):
    sgp = client(evalmock)
    for call, detail in [
        (lambda: sgp.evaluation_datasets.retrieve("nope"), "Evaluation dataset nope not found"),
        (lambda: sgp.questions.retrieve("nope"), "Question nope not found"),
        (lambda: sgp.question_sets.retrieve("nope"), "Question set nope not found"),
        (lambda: sgp.evaluation_configs.retrieve("nope"), "Evaluation config nope not found"),
        (lambda: sgp.application_specs.retrieve("nope"), "Application spec nope not found"),
        (lambda: sgp.application_variants.retrieve("nope"), "Application variant nope not found"),
        (lambda: sgp.evaluations.retrieve("nope"), "Evaluation nope not found"),
        (lambda: sgp.evaluation_datasets.test_cases.batch(evaluation_dataset_id="nope", items=[{"test_case_data": {"input": "x"}}]),
         "Evaluation dataset nope not found"),
        (lambda: sgp.question_sets.create(account_id=A, name="qs", question_ids=["nope"]), "Question nope not found"),
    ]:
        with pytest.raises(NotFoundError) as raised:
            call()
        assert raised.value.body == {"detail": detail}


def test_results_must_name_a_published_test_case_of_the_evaluations_dataset(evalmock):
    sgp = client(evalmock)
    made = build(sgp, cases=1)
    ev, ds = made["ev"], made["ds"]
    with pytest.raises(NotFoundError):
        sgp.evaluations.test_case_results.batch(ev.id, items=[result_item(made, "not-a-test-case")])
    sgp.evaluations.test_case_results.batch(ev.id, items=[result_item(made, made["tcs"][0].id)])
    with pytest.raises(NotFoundError) as raised:
        sgp.evaluations.test_case_results.batch(ev.id, items=[result_item(made, made["tcs"][0].id, num="2")])
    assert raised.value.body == {"detail": f"Published version 2 of evaluation dataset {ds.id} not found"}
    # A test case added after publishing is in no published version until the next publish.
    later = sgp.evaluation_datasets.test_cases.create(ds.id, test_case_data={"input": "new"})
    with pytest.raises(NotFoundError):
        sgp.evaluations.test_case_results.batch(ev.id, items=[result_item(made, later.id)])
    assert len(list(sgp.evaluations.test_case_results.list(ev.id))) == 1
    # Results for an evaluation nobody created keep the old rule.
    assert sgp.evaluations.test_case_results.batch("eval-free", items=[result_item(made, "anything")])


def test_archive_restore_and_delete(evalmock):
    sgp = client(evalmock)
    made = build(sgp, cases=2)
    ds, tcs = made["ds"], made["tcs"]
    assert sgp.evaluation_datasets.test_cases.delete(tcs[0].id, evaluation_dataset_id=ds.id).count == 1
    assert [t.id for t in sgp.evaluation_datasets.test_cases.list(ds.id)] == [tcs[1].id]
    assert len(list(sgp.evaluation_datasets.test_cases.list(ds.id, include_archived=True))) == 2
    restored = sgp.evaluation_datasets.test_cases.update(tcs[0].id, evaluation_dataset_id=ds.id, restore=True)
    assert restored.archived_at is None
    updated = sgp.evaluation_datasets.test_cases.update(tcs[0].id, evaluation_dataset_id=ds.id, test_case_data={"input": "changed"})
    assert updated.test_case_data.input == "changed"
    sgp.evaluations.delete(made["ev"].id)
    assert sgp.evaluations.retrieve(made["ev"].id).archived_at is not None
    assert list(sgp.evaluations.list()) == []
    sgp.evaluation_configs.delete(made["cfg"].id)
    with pytest.raises(NotFoundError):
        sgp.evaluation_configs.retrieve(made["cfg"].id)
    sgp.evaluation_datasets.remove(ds.id)
    with pytest.raises(NotFoundError):
        sgp.evaluation_datasets.test_cases.retrieve(tcs[1].id, evaluation_dataset_id=ds.id)


def test_bad_bodies_are_pydantic_422s(evalmock):
    sgp = client(evalmock)
    with pytest.raises(UnprocessableEntityError) as raised:
        sgp.questions.create(account_id=A, prompt="p", title="t", type="not-a-type")
    assert raised.value.body["detail"][0]["loc"] == ["body", "type"]
    response = httpx.post(f"{evalmock.url}/v4/evaluation-datasets/x/test-cases/batch", json={"test_case_data": {}},
                          headers={"x-api-key": "k"})
    assert response.status_code == 422 and response.json()["detail"][0]["type"] == "list_type"
    response = httpx.post(f"{evalmock.url}/v4/application-specs", json={"account_id": A, "name": "n"}, headers={"x-api-key": "k"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"type": "missing", "loc": ["body", "description"], "msg": "Field required",
                                          "input": {"account_id": A, "name": "n"}}]


def test_a_scoped_reset_of_an_evaluation_takes_the_evaluation_its_results_and_metrics(evalmock):
    sgp = client(evalmock)
    gone, kept = build(sgp), build(sgp)
    for made in (gone, kept):
        sgp.evaluations.test_case_results.batch(made["ev"].id, items=[result_item(made, made["tcs"][0].id)])
    reset = httpx.post(f"{evalmock.url}/_evalmock/reset", json={"api": "scale-gp", "evaluation": gone["ev"].id})
    assert reset.status_code == 200, reset.text
    with pytest.raises(NotFoundError):
        sgp.evaluations.retrieve(gone["ev"].id)
    with pytest.raises(NotFoundError):
        list(sgp.evaluations.test_case_results.list(gone["ev"].id))
    assert sgp.evaluations.retrieve(kept["ev"].id).id == kept["ev"].id
    assert len(list(sgp.evaluations.test_case_results.list(kept["ev"].id))) == 1
    assert sgp.evaluation_datasets.retrieve(gone["ds"].id).id == gone["ds"].id, "the dataset is not the evaluation's"
