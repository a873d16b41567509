"""A Scorecard user's whole evaluation program, written as a user writes it with scorecard-ai
3.10.0, against the default (faithful) mode: project → testset → testcases → metrics → system and
version → `run_and_evaluate` (sync and async, with trials) → runs get/list → records list →
scores upsert → testcases bulk delete. Everything reads back after a restart, unknown ids of every
kind are 404 `ApiError`, and every answer the SDK receives is checked against the document by the
test itself (an httpx response hook), on top of the server's own `--check-responses`."""
from __future__ import annotations

import asyncio
import re

import httpx
import pytest
from scorecard_ai import AsyncScorecard, NotFoundError, Scorecard
from scorecard_ai.lib import async_run_and_evaluate, run_and_evaluate

API_KEY = "ak_program"


class DocumentCheck:
    """Validates every answer against the response schema of the operation it answers."""

    def __init__(self, spec):
        self.spec = spec
        self.routes = []
        for template, item in spec.document["paths"].items():
            pattern = re.compile("^/api/v2" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$")
            # Literal segments win over parameters (`/systems/versions/x` is not `/systems/{id}`).
            self.routes.append((template.count("{"), pattern, template, item))
        self.routes.sort(key=lambda route: route[0])
        self.sent = self.checked = 0

    def count(self, request: httpx.Request) -> None:
        self.sent += 1

    def __call__(self, response: httpx.Response) -> None:
        response.read()
        path, method = response.request.url.path, response.request.method.lower()
        template = next(t for _, pattern, t, item in self.routes if pattern.match(path) and method in item)
        self.spec.assert_response(template, method, response)
        self.checked += 1


@pytest.fixture
def check(scorecard_spec):
    return DocumentCheck(scorecard_spec)


def client(server, check) -> Scorecard:
    return Scorecard(api_key=API_KEY, base_url=server.url + "/api/v2", max_retries=0, _strict_response_validation=True,
                     http_client=httpx.Client(event_hooks={"request": [check.count], "response": [check]}))


def async_client(server, check) -> AsyncScorecard:
    async def count(request: httpx.Request) -> None:
        check.count(request)

    async def hook(response: httpx.Response) -> None:
        await response.aread()
        check(response)
    return AsyncScorecard(api_key=API_KEY, base_url=server.url + "/api/v2", max_retries=0, _strict_response_validation=True,
                          http_client=httpx.AsyncClient(event_hooks={"request": [count], "response": [hook]}))


def system_under_test(inputs: dict, version) -> dict:
    """The user's system: answers from its configuration, so the records show which one ran."""
    model = version.config["model"] if version else "none"
    return {"answer": f"{str(inputs.get('question')).upper()} ({model})"}


def test_a_users_whole_evaluation_program_runs_and_reads_back_after_a_restart(evalmock, check):
    sc = client(evalmock, check)
    project = sc.projects.create(name="Support bot", description="Quarterly evaluation")
    testset = sc.testsets.create(
        project.id, name="FAQ", description="Frequent questions",
        json_schema={"type": "object", "properties": {"question": {"type": "string"}, "idealAnswer": {"type": "string"},
                                                      "topic": {"type": "string"}}, "required": ["question", "idealAnswer"]},
        field_mapping={"inputs": ["question"], "expected": ["idealAnswer"], "metadata": ["topic"]})
    rows = [{"question": f"question {i}", "idealAnswer": f"answer {i}", "topic": "billing" if i % 2 else "login"} for i in range(30)]
    created = sc.testcases.create(testset.id, items=[{"json_data": row} for row in rows]).items
    assert [t.inputs for t in created] == [{"question": r["question"]} for r in rows]
    assert [t.expected for t in created] == [{"idealAnswer": r["idealAnswer"]} for r in rows]
    bad = sc.testcases.create(testset.id, items=[{"json_data": {"question": 7}}]).items[0]
    assert {e.path for e in bad.validation_errors} == {"/data/question", "/data"}, "reported, not rejected"

    accuracy = sc.metrics.create(project.id, name="Accuracy", eval_type="ai", output_type="int",
                                 prompt_template="Rate {{outputs.answer}} against {{expected.idealAnswer}}")
    approved = sc.metrics.create(project.id, name="Approved", eval_type="human", output_type="boolean")
    system = sc.systems.upsert(project.id, name="Support bot", config={"model": "small"})
    version = sc.systems.versions.upsert(system.id, config={"model": "large"}, name="large")
    assert sc.systems.get(system.id).production_version.config == {"model": "small"}

    sync_run = run_and_evaluate(sc, project_id=project.id, metric_ids=[accuracy.id, approved.id], testset_id=testset.id,
                                system_version_id=version.id, system=system_under_test, trials=2)
    async_run = asyncio.run(async_run_and_evaluate(
        async_client(evalmock, check), project_id=project.id, metric_ids=[accuracy.id], testset_id=testset.id,
        system=system_under_test))

    run = sc.runs.get(sync_run["id"])
    assert (run.testset_id, run.system_id, run.system_version_id) == (testset.id, system.id, version.id)
    assert run.metric_ids == [accuracy.id, approved.id] and len(run.metric_version_ids) == 2
    assert (run.num_records, run.num_expected_records, run.num_scores) == (62, 31, 0)
    assert [r.id for r in sc.runs.list(project.id)] == [async_run["id"], sync_run["id"]], "newest first"

    records = list(sc.records.list(run_id=run.id, limit=25))
    assert len(records) == 62 and {r.outputs["answer"].split(" (")[1] for r in records} == {"large)"}
    by_testcase = {t.id: t for t in [*created, bad]}
    assert all(r.inputs == by_testcase[r.testcase_id].inputs and r.expected == by_testcase[r.testcase_id].expected for r in records)
    accuracy_config, approved_config = run.metric_version_ids
    for record in records:
        sc.scores.upsert(accuracy_config, record_id=record.id, score={"value": 4, "reasoning": "close"})
    sc.scores.upsert(approved_config, record_id=records[0].id, score={"value": True}, user_id="user_reviewer")
    rescored = sc.scores.upsert(accuracy_config, record_id=records[0].id, score={"value": 5, "reasoning": "exact"})
    assert rescored.score == {"value": 5, "reasoning": "exact"}
    assert sc.runs.get(run.id).num_scores == 63
    first = next(iter(sc.records.list(run_id=run.id, limit=1)))
    assert {s.metric_config_id: s.score["value"] for s in first.scores} == {accuracy_config: 5, approved_config: True}
    assert sc.runs.get(async_run["id"]).num_records == 31

    assert sc.testcases.delete(ids=[t.id for t in created[:10]]).success
    assert len(list(sc.testcases.list(testset.id))) == 21

    evalmock.restart()
    sc = client(evalmock, check)
    assert sc.runs.get(run.id).num_scores == 63 and len(list(sc.records.list(run_id=run.id))) == 62
    assert sc.testsets.get(testset.id).field_mapping.metadata == ["topic"]
    assert len(list(sc.testcases.list(testset.id))) == 21
    assert sc.metrics.get(accuracy.id).name == "Accuracy"
    assert sc.systems.versions.get(version.id).name == "large"
    assert [p.id for p in sc.projects.list()] == [project.id]
    assert check.checked == check.sent > 190, "every answer the SDK received was checked against the document"


@pytest.mark.parametrize("call, message", [
    (lambda sc: sc.testsets.get("999999"), "Testset 999999 not found"),
    (lambda sc: sc.testsets.list("999999"), "Project 999999 not found"),
    (lambda sc: sc.testcases.get("999999"), "Testcase 999999 not found"),
    (lambda sc: sc.testcases.list("999999"), "Testset 999999 not found"),
    (lambda sc: sc.metrics.get("999999"), "Metric 999999 not found"),
    (lambda sc: sc.metric_groups.get("999999"), "not found"),
    (lambda sc: sc.runs.get("999999"), "Run 999999 not found"),
    (lambda sc: sc.runs.list("999999"), "Project 999999 not found"),
    (lambda sc: sc.systems.get("0b5ee0a4-58ce-4d2e-9d43-5d8f6b1c0a11"), "not found"),
    (lambda sc: sc.systems.versions.get("0b5ee0a4-58ce-4d2e-9d43-5d8f6b1c0a11"), "not found"),
    (lambda sc: sc.records.tags.list("999999"), "Record 999999 not found"),
    (lambda sc: sc.records.assignees.list("999999"), "Record 999999 not found"),
    (lambda sc: sc.records.annotations.list("999999"), "Record 999999 not found"),
    (lambda sc: sc.scores.upsert("0b5ee0a4-58ce-4d2e-9d43-5d8f6b1c0a11", record_id="999999", score={}), "Record 999999 not found"),
    (lambda sc: sc.attachments.get("0b5ee0a4-58ce-4d2e-9d43-5d8f6b1c0a11"), "not found"),
    (lambda sc: sc.testsets.delete("999999"), "Testset 999999 not found"),
    (lambda sc: sc.metrics.delete("999999"), "Metric 999999 not found"),
])
def test_unknown_ids_of_every_kind_are_404_api_errors(evalmock, check, call, message):
    with pytest.raises(NotFoundError) as raised:
        call(client(evalmock, check))
    body = raised.value.body
    assert body["code"] == "NOT_FOUND" and message in body["message"], body


def test_no_body_where_every_variant_requires_members_is_a_400_and_stores_nothing(evalmock, scorecard_spec):
    headers = {"Authorization": f"Bearer {API_KEY}"}
    project = httpx.post(f"{evalmock.url}/api/v2/projects", headers=headers, json={"name": "p", "description": "d"}).json()
    for body in [None, b"", b"  "]:
        response = httpx.post(f"{evalmock.url}/api/v2/projects/{project['id']}/metrics", headers=headers, content=body)
        assert response.status_code == 400 and response.json()["details"]["errors"][0]["in"] == "body", response.text
        scorecard_spec.assert_response("/projects/{projectId}/metrics", "post", response)
    listed = httpx.get(f"{evalmock.url}/api/v2/projects/{project['id']}/metrics", headers=headers).json()
    assert listed["data"] == [] and listed["total"] == 0
