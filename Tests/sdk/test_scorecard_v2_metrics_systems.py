"""Scorecard v2 metrics, metric groups, systems, system versions, runs and scores through the
real `scorecard-ai` SDK (strict response validation), every answer checked against the document."""
from __future__ import annotations

import httpx
import pytest
from scorecard_ai import BadRequestError, NotFoundError, Scorecard

HEADERS = {"Authorization": "Bearer ak_test"}
UNKNOWN_UUID = "0b5ee0a4-58ce-4d2e-9d43-5d8f6b1c0a11"


class Checked:
    """The SDK, with every answer's body validated against its operation's response schema."""

    def __init__(self, server, spec):
        self.sc = Scorecard(api_key="ak_test", base_url=server.url + "/api/v2", max_retries=0, _strict_response_validation=True)
        self.spec = spec

    def __call__(self, path: str, method: str, call, *args, **kwargs):
        resource, name = call
        raw = getattr(resource.with_raw_response, name)(*args, **kwargs)
        self.spec.assert_response(path, method, raw.http_response)
        return raw.parse()

    def error(self, path: str, method: str, expected, call, *args, **kwargs):
        resource, name = call
        with pytest.raises(expected) as raised:
            getattr(resource, name)(*args, **kwargs)
        self.spec.assert_response(path, method, raised.value.response)
        return raised.value.body


@pytest.fixture
def api(evalmock, scorecard_spec):
    return Checked(evalmock, scorecard_spec)


def setup_project(api):
    sc = api.sc
    project = sc.projects.create(name="Chatbot", description="evals")
    accuracy = api("/projects/{projectId}/metrics", "post", (sc.metrics, "create"), project.id,
                   eval_type="ai", output_type="int", name="Accuracy", prompt_template="Grade {{outputs}}")
    approval = api("/projects/{projectId}/metrics", "post", (sc.metrics, "create"), project.id,
                   eval_type="human", output_type="boolean", name="Approved", guidelines="Would you ship it?")
    return project, accuracy, approval


def test_a_users_flow_from_metrics_to_scores_reads_back_after_a_restart(evalmock, api):
    sc = api.sc
    project, accuracy, approval = setup_project(api)
    assert (accuracy.eval_type, accuracy.output_type, accuracy.passing_threshold, accuracy.eval_model_name) == ("ai", "int", 4, "gpt-4o")
    assert (accuracy.description, accuracy.guidelines) == (None, "")
    assert approval.eval_type == "human" and approval.guidelines == "Would you ship it?"

    group = api("/projects/{projectId}/metric-groups", "post", (sc.metric_groups, "create"), project.id,
                metric_ids=[accuracy.id, approval.id], name="Quality")
    assert group.metric_ids == [accuracy.id, approval.id] and group.project_id == project.id and group.description == ""

    system = api("/projects/{projectId}/systems", "post", (sc.systems, "upsert"), project.id,
                 config={"model": "gpt-4o", "temperature": 0.2}, name="Support bot")
    first = system.production_version
    assert (first.name, first.config, first.system_id) == ("Version 1", {"model": "gpt-4o", "temperature": 0.2}, system.id)
    same_name = api("/projects/{projectId}/systems", "post", (sc.systems, "upsert"), project.id,
                    config={"model": "gpt-4o-mini"}, name="Support bot", description="cheaper")
    assert same_name.id == system.id and same_name.description == "cheaper"
    assert same_name.production_version.name == "Version 2"
    assert [v.name for v in same_name.versions] == ["Version 1", "Version 2"]

    version = api("/systems/{systemId}/versions", "post", (sc.systems.versions, "upsert"), system.id, config={"model": "claude"})
    assert version.name == "Version 3"
    renamed = api("/systems/{systemId}/versions", "post", (sc.systems.versions, "upsert"), system.id,
                  config={"model": "claude"}, name="Claude")
    assert renamed.id == version.id and renamed.name == "Claude"
    same_config = api("/systems/{systemId}/versions", "post", (sc.systems.versions, "upsert"), system.id,
                      config={"temperature": 0.20, "model": "gpt-4o"})
    assert same_config.id == first.id and same_config.name == "Version 1"
    unchanged = api("/systems/{systemId}", "get", (sc.systems, "get"), system.id)
    assert unchanged.production_version.name == "Version 2"
    assert [(v.id, v.name) for v in unchanged.versions][2] == (version.id, "Claude")

    run = api("/projects/{projectId}/runs", "post", (sc.runs, "create"), project.id,
              metric_ids=[accuracy.id, approval.id], system_version_id=version.id)
    assert (run.status, run.num_records, run.num_scores, run.num_expected_records) == ("awaiting_execution", 0, 0, 0)
    assert run.system_id == system.id and run.metric_ids == [accuracy.id, approval.id] and len(set(run.metric_version_ids)) == 2
    records = [sc.records.create(run.id, inputs={"q": i}, expected={}, outputs={"a": i}) for i in range(2)]
    assert api("/runs/{runId}", "get", (sc.runs, "get"), run.id).status == "awaiting_scoring"

    accuracy_config, approval_config = run.metric_version_ids
    for record in records:
        score = api("/records/{recordId}/scores/{metricConfigId}", "put", (sc.scores, "upsert"), accuracy_config,
                    record_id=record.id, score={"value": 2, "reasoning": "vague"})
        assert (score.record_id, score.metric_config_id, score.user_id) == (record.id, accuracy_config, "background-job")
    again = sc.scores.upsert(accuracy_config, record_id=records[0].id, score={"value": 5})
    assert again.score == {"value": 5}
    assert api("/runs/{runId}", "get", (sc.runs, "get"), run.id).status == "running_scoring"

    pending = [sc.scores.upsert(approval_config, record_id=r.id) for r in records]
    assert [p.score for p in pending] == [{}, {}]
    waiting = sc.runs.get(run.id)
    assert (waiting.status, waiting.num_scores) == ("awaiting_human_scoring", 2)
    for record in records:
        graded = sc.scores.upsert(approval_config, record_id=record.id, score={"value": True}, user_id="user_42")
        assert graded.user_id == "user_42"
    done = sc.runs.get(run.id)
    assert (done.num_records, done.num_scores, done.status) == (2, 4, "completed")

    later = sc.runs.create(project.id, metric_ids=[])
    assert [r.id for r in sc.runs.list(project.id)] == [later.id, run.id]
    listed = httpx.get(f"{evalmock.url}/api/v2/runs/{run.id}/records", headers=HEADERS)
    api.spec.assert_response("/runs/{runId}/records", "get", listed)
    assert [s["userId"] for s in listed.json()["data"][0]["scores"]] == ["background-job", "user_42"]

    evalmock.restart()
    sc = Scorecard(api_key="ak_test", base_url=evalmock.url + "/api/v2", max_retries=0, _strict_response_validation=True)
    assert sc.metrics.get(accuracy.id).name == "Accuracy"
    assert [m.id for m in sc.metrics.list(project.id)] == [accuracy.id, approval.id]
    assert sc.metric_groups.get(group.id).metric_ids == [accuracy.id, approval.id]
    assert sc.systems.get(system.id).production_version.id == same_name.production_version.id
    assert sc.systems.versions.get(version.id).name == "Claude"
    assert [s.id for s in sc.systems.list(project.id)] == [system.id]
    assert sc.runs.get(run.id).status == "completed"


def test_a_metric_update_may_switch_variant_and_keeps_what_the_variant_shares(api):
    sc = api.sc
    project, accuracy, _ = setup_project(api)
    switched = api("/metrics/{metricId}", "patch", (sc.metrics, "update"), accuracy.id, eval_type="heuristic", output_type="float")
    assert type(switched).__name__ == "HeuristicFloatMetric"
    assert (switched.name, switched.passing_threshold, switched.guidelines) == ("Accuracy", 0.9, "")
    assert not hasattr(switched, "prompt_template")
    renamed = api("/metrics/{metricId}", "patch", (sc.metrics, "update"), accuracy.id, eval_type="heuristic", output_type="float",
                  name="Exactness", passing_threshold=0.5)
    assert (renamed.name, renamed.passing_threshold) == ("Exactness", 0.5)
    body = api.error("/metrics/{metricId}", "patch", BadRequestError, (sc.metrics, "update"), accuracy.id, eval_type="ai", output_type="int")
    assert body["details"]["errors"][0]["path"] == "promptTemplate"
    ai = sc.metrics.update(accuracy.id, eval_type="ai", output_type="boolean", prompt_template="Is {{outputs}} right?", temperature=0)
    assert (type(ai).__name__, ai.prompt_template, ai.temperature, ai.eval_model_name) == ("AIBooleanMetric", "Is {{outputs}} right?", 0, "gpt-4o")
    assert sc.metrics.get(accuracy.id) == ai


def test_metric_groups_list_newest_first_and_lose_deleted_metrics(api):
    sc = api.sc
    project, accuracy, approval = setup_project(api)
    older = sc.metric_groups.create(project.id, metric_ids=[accuracy.id, approval.id], name="Older")
    newer = sc.metric_groups.create(project.id, metric_ids=[approval.id], name="Newer", description="d")
    page = api("/projects/{projectId}/metric-groups", "get", (sc.metric_groups, "list"), project.id, limit=1)
    assert [g.id for g in page.data] == [newer.id] and page.has_more
    assert [g.id for g in sc.metric_groups.list(project.id, limit=1)] == [newer.id, older.id]

    updated = api("/metric-groups/{metricGroupId}", "patch", (sc.metric_groups, "update"), older.id, metric_ids=[accuracy.id])
    assert updated.metric_ids == [accuracy.id] and updated.name == "Older" and updated.updated_at >= updated.created_at
    assert api("/metric-groups/{metricGroupId}", "patch", (sc.metric_groups, "update"), older.id) == updated

    assert api("/metrics/{metricId}", "delete", (sc.metrics, "delete"), approval.id).success
    assert sc.metric_groups.get(newer.id).metric_ids == []
    assert sc.metric_groups.get(older.id).metric_ids == [accuracy.id]
    assert api("/metric-groups/{metricGroupId}", "delete", (sc.metric_groups, "delete"), older.id).success
    assert sc.metrics.get(accuracy.id).name == "Accuracy"
    api.error("/metric-groups/{metricGroupId}", "get", NotFoundError, (sc.metric_groups, "get"), older.id)


def test_system_updates_and_deletes_keep_versions(api):
    sc = api.sc
    project, _, _ = setup_project(api)
    system = sc.systems.upsert(project.id, config={"model": "a"})
    assert system.name == "Default system" and system.description == ""
    other = sc.systems.upsert(project.id, config={"model": "b"}, name="Other")
    candidate = sc.systems.versions.upsert(system.id, config={"model": "c"})
    assert sc.systems.get(system.id).production_version.id == system.production_version.id

    promoted = api("/systems/{systemId}", "patch", (sc.systems, "update"), system.id, production_version_id=candidate.id)
    assert promoted.production_version.id == candidate.id and promoted.name == "Default system"
    assert api("/systems/{systemId}", "patch", (sc.systems, "update"), system.id) == promoted
    renamed = sc.systems.update(system.id, name="Main", description="the one")
    assert (renamed.name, renamed.description, renamed.production_version.id) == ("Main", "the one", candidate.id)

    clash = api.error("/systems/{systemId}", "patch", BadRequestError, (sc.systems, "update"), system.id, name="Other")
    assert clash["details"]["errors"][0]["path"] == "name"
    foreign = api.error("/systems/{systemId}", "patch", BadRequestError, (sc.systems, "update"), system.id,
                        production_version_id=other.production_version.id)
    assert foreign["details"]["errors"][0]["path"] == "productionVersionId"

    listed = api("/projects/{projectId}/systems", "get", (sc.systems, "list"), project.id)
    assert [s.id for s in listed.data] == [system.id, other.id]
    assert api("/systems/{systemId}", "delete", (sc.systems, "delete"), system.id).success
    api.error("/systems/{systemId}", "get", NotFoundError, (sc.systems, "get"), system.id)
    kept = api("/systems/versions/{systemVersionId}", "get", (sc.systems.versions, "get"), candidate.id)
    assert kept.system_id == system.id and kept.config == {"model": "c"}
    assert sc.runs.create(project.id, metric_ids=[], system_version_id=candidate.id).system_id == system.id


def test_unknown_ids_are_404_api_errors(api):
    sc = api.sc
    project, accuracy, _ = setup_project(api)
    run = sc.runs.create(project.id, metric_ids=[accuracy.id])
    record = sc.records.create(run.id, inputs={}, expected={}, outputs={})
    cases = [
        ("/metrics/{metricId}", "get", (sc.metrics, "get"), ("999",), {}),
        ("/metrics/{metricId}", "patch", (sc.metrics, "update"), ("999",), {"eval_type": "human", "output_type": "int"}),
        ("/metrics/{metricId}", "delete", (sc.metrics, "delete"), ("999",), {}),
        ("/projects/{projectId}/metrics", "post", (sc.metrics, "create"), ("999",),
         {"eval_type": "human", "output_type": "int", "name": "x"}),
        ("/projects/{projectId}/metrics", "get", (sc.metrics, "list"), ("999",), {}),
        ("/metric-groups/{metricGroupId}", "get", (sc.metric_groups, "get"), ("999",), {}),
        ("/metric-groups/{metricGroupId}", "delete", (sc.metric_groups, "delete"), ("999",), {}),
        ("/projects/{projectId}/metric-groups", "post", (sc.metric_groups, "create"), (project.id,), {"metric_ids": ["999"], "name": "g"}),
        ("/systems/{systemId}", "get", (sc.systems, "get"), (UNKNOWN_UUID,), {}),
        ("/systems/{systemId}", "patch", (sc.systems, "update"), (UNKNOWN_UUID,), {"name": "x"}),
        ("/systems/{systemId}", "delete", (sc.systems, "delete"), (UNKNOWN_UUID,), {}),
        ("/systems/{systemId}/versions", "post", (sc.systems.versions, "upsert"), (UNKNOWN_UUID,), {"config": {}}),
        ("/systems/versions/{systemVersionId}", "get", (sc.systems.versions, "get"), (UNKNOWN_UUID,), {}),
        ("/projects/{projectId}/systems", "post", (sc.systems, "upsert"), ("999",), {"config": {}}),
        ("/runs/{runId}", "get", (sc.runs, "get"), ("999",), {}),
        ("/projects/{projectId}/runs", "post", (sc.runs, "create"), (project.id,), {"metric_ids": ["999"]}),
        ("/projects/{projectId}/runs", "post", (sc.runs, "create"), (project.id,), {"metric_ids": [], "system_version_id": UNKNOWN_UUID}),
        ("/records/{recordId}/scores/{metricConfigId}", "put", (sc.scores, "upsert"), (run.metric_version_ids[0],),
         {"record_id": "999", "score": {}}),
        ("/records/{recordId}/scores/{metricConfigId}", "put", (sc.scores, "upsert"), (UNKNOWN_UUID,),
         {"record_id": record.id, "score": {"value": 1}}),
    ]
    for path, method, call, args, kwargs in cases:
        body = api.error(path, method, NotFoundError, call, *args, **kwargs)
        assert body["code"] == "NOT_FOUND", (path, method)
    assert sc.runs.get(run.id).num_scores == 0


def test_bad_bodies_and_broken_rules_are_400_api_errors(evalmock, api):
    sc = api.sc
    project, accuracy, approval = setup_project(api)
    elsewhere = sc.projects.create(name="Other", description="")
    foreign = sc.metrics.create(elsewhere.id, eval_type="heuristic", output_type="boolean", name="Foreign")
    run = sc.runs.create(project.id, metric_ids=[accuracy.id, approval.id])
    record = sc.records.create(run.id, inputs={}, expected={}, outputs={})
    ai_config, human_config = run.metric_version_ids
    cases = [
        ("/projects/{projectId}/metrics", "post", (sc.metrics, "create"), (project.id,),
         {"eval_type": "ai", "output_type": "int", "name": "no prompt"}),
        ("/projects/{projectId}/metrics", "post", (sc.metrics, "create"), (project.id,),
         {"eval_type": "human", "output_type": "int", "name": "x", "passing_threshold": 0.5}),
        ("/metrics/{metricId}", "patch", (sc.metrics, "update"), (accuracy.id,), {"eval_type": "robot", "output_type": "int"}),
        ("/projects/{projectId}/metric-groups", "post", (sc.metric_groups, "create"), (project.id,),
         {"metric_ids": [accuracy.id, foreign.id], "name": "mixed"}),
        ("/projects/{projectId}/runs", "post", (sc.runs, "create"), (project.id,), {"metric_ids": [foreign.id]}),
        ("/projects/{projectId}/runs", "post", (sc.runs, "create"), (project.id,), {"metric_ids": "not a list"}),
        ("/projects/{projectId}/systems", "post", (sc.systems, "upsert"), (project.id,), {"config": "not an object"}),
        ("/systems/{systemId}/versions", "post", (sc.systems.versions, "upsert"), ("not-a-uuid",), {"config": {}}),
        ("/records/{recordId}/scores/{metricConfigId}", "put", (sc.scores, "upsert"), (ai_config,), {"record_id": record.id}),
        ("/records/{recordId}/scores/{metricConfigId}", "put", (sc.scores, "upsert"), (ai_config,),
         {"record_id": record.id, "score": {"value": 1}, "user_id": "user_1"}),
        ("/records/{recordId}/scores/{metricConfigId}", "put", (sc.scores, "upsert"), (human_config,),
         {"record_id": record.id, "user_id": "user_1"}),
        ("/projects/{projectId}/runs", "get", (sc.runs, "list"), (project.id,), {"cursor": "eyJvZmZzZXQiOjAsInBhZ2VJZCI6ImNvZGUifQ"}),
    ]
    for path, method, call, args, kwargs in cases:
        body = api.error(path, method, BadRequestError, call, *args, **kwargs)
        assert body["code"] == "BAD_REQUEST" and body["details"]["errors"], (path, method, kwargs)
    body = api.error("/projects/{projectId}/metric-groups", "post", BadRequestError, (sc.metric_groups, "create"), project.id,
                     metric_ids=[accuracy.id, foreign.id], name="mixed")
    assert [e["path"] for e in body["details"]["errors"]] == ["metricIds.1"]
    assert sc.runs.get(run.id).num_scores == 0
    assert [g.id for g in sc.metric_groups.list(project.id)] == []


# Without group commit, the transaction of a handler and the one that stores a made-up id
# nest: the inner one is a savepoint.
@pytest.mark.parametrize("commits", [[], ["--no-group-commit"]], ids=["group-commit", "no-group-commit"])
def test_lenient_reads_a_cursor_it_never_issued_from_the_start_and_answers_made_up_ids(start_evalmock, scorecard_spec, commits):
    server = start_evalmock("--lenient", *commits)
    api = Checked(server, scorecard_spec)
    sc = api.sc
    system = sc.systems.upsert("314", config={"model": "a"})
    page = api("/projects/{projectId}/systems", "get", (sc.systems, "list"), "314", cursor="eyJvZmZzZXQiOjAsInBhZ2VJZCI6ImNvZGUifQ", limit=20)
    assert [s.id for s in page.data] == [system.id]
    made_up = api("/systems/{systemId}", "patch", (sc.systems, "update"), "12345678-0a8b-4f66-b6f3-2ddcfa097257",
                  production_version_id="87654321-4d3b-4ae4-8c7a-4b6e2a19ccf3")
    assert made_up.production_version.id == "87654321-4d3b-4ae4-8c7a-4b6e2a19ccf3"
    group = api("/projects/{projectId}/metric-groups", "post", (sc.metric_groups, "create"), "314", metric_ids=["321", "322"], name="g")
    assert group.metric_ids == ["321", "322"]
    score = api("/records/{recordId}/scores/{metricConfigId}", "put", (sc.scores, "upsert"),
                "a1b2c3d4-e5f6-7890-1234-567890abcdef", record_id="777")
    assert score.score == {} and score.user_id == "background-job"
