"""Reset, scoped reset and export/import after one of every kind of write in every API.

A table that a write reaches but the controls do not know of breaks them (a reset after one
Scale GP PATCH once answered 500: the table of replaced versions was in no list). Each test
writes everything first, so a new kind of write belongs in `write_one_of_everything`."""
from __future__ import annotations

import hashlib

import httpx

from weave_support import PROJECT, basic, ref

SCORECARD = {"Authorization": "Bearer ak_test"}
V1 = {"X-API-Key": "ak_test"}
SGP = {"x-api-key": "sgp_test"}


def control(server, method: str, path: str, **kwargs) -> httpx.Response:
    return httpx.request(method, f"{server.url}/_evalmock/{path}", timeout=30, **kwargs)


def ok(response: httpx.Response) -> dict:
    assert response.status_code < 300, (response.request.method, response.request.url, response.status_code, response.text)
    return response.json()


def write_one_of_everything(server, tag: str) -> dict:
    """Every kind of write each API has; returns the ids that name each scope."""
    url = server.url
    run = f"run-{tag}"
    record = ok(httpx.post(f"{url}/api/v2/runs/{run}/records", headers=SCORECARD,
                           json={"inputs": {"q": tag}, "expected": {"a": 1}, "outputs": {"r": "y"}}))
    ok(httpx.post(f"{url}/api/v2/records/{record['id']}/tags", headers=SCORECARD, json={"text": "checked"}))

    v1_run = ok(httpx.post(f"{url}/v1/run", headers=V1, json={"testset_id": 3}))["id"]
    ok(httpx.post(f"{url}/v1/run/{v1_run}/testrecord", headers=V1, json={"user_query": tag}))
    ok(httpx.patch(f"{url}/v1/run/{v1_run}/status", headers=V1, json={"status": "completed"}))

    project = f"team/{tag}"
    # W&B's GraphQL creates the project first, as weave.init does.
    upsert = ok(httpx.post(f"{url}/graphql", headers=basic(), json={
        "query": "mutation UpsertModel($name: String!, $entity: String!) "
                 "{ upsertModel(input: {name: $name, entityName: $entity}) { model { name } } }",
        "variables": {"entity": "team", "name": tag}}))
    assert upsert["data"]["upsertModel"]["model"]["name"] == tag, upsert
    weave_run = ok(httpx.post(f"{url}/v2/{project}/evaluation_runs", headers=basic(),
                              json={"evaluation": ref("object", "Evaluation", project=project),
                                    "model": ref("object", "Model", project=project)}))["evaluation_run_id"]
    prediction = ok(httpx.post(f"{url}/v2/{project}/predictions", headers=basic(),
                               json={"model": ref("object", "Model", project=project), "inputs": {"q": 1}, "output": "a",
                                     "evaluation_run_id": weave_run}))["prediction_id"]
    ok(httpx.post(f"{url}/v2/{project}/scores", headers=basic(),
                  json={"prediction_id": prediction, "scorer": ref("object", "Scorer", project=project), "value": 0.5,
                        "evaluation_run_id": weave_run}))
    ok(httpx.post(f"{url}/v2/{project}/predictions/{prediction}/finish", headers=basic()))
    ok(httpx.post(f"{url}/v2/{project}/evaluation_runs/{weave_run}/finish", headers=basic(), json={}))
    ok(httpx.post(f"{url}/obj/create", headers=basic(), json={"obj": {"project_id": project, "object_id": "thing", "val": {"t": tag}}}))
    ok(httpx.post(f"{url}/table/create", headers=basic(), json={"table": {"project_id": project, "rows": [{"t": tag}]}}))
    ok(httpx.post(f"{url}/file/create", headers=basic(), data={"project_id": project}, files={"file": ("a.txt", tag.encode())}))

    evaluation = f"eval-{tag}"
    item = {"application_spec_id": "spec", "evaluation_dataset_version_num": "1", "test_case_id": "tc",
            "test_case_evaluation_data": {"generation_output": "Paris."}}
    result = ok(httpx.post(f"{url}/v4/evaluations/{evaluation}/test-case-results/batch", headers=SGP, json=[item]))[0]["id"]
    ok(httpx.post(f"{url}/v4/evaluations/{evaluation}/test-case-results", headers=SGP, json=item))
    ok(httpx.patch(f"{url}/v4/evaluations/{evaluation}/test-case-results/{result}", headers=SGP, json={"audit_comment": "checked"}))
    ok(httpx.get(f"{url}/v4/evaluations/{evaluation}/test-case-results/{result}/history/1", headers=SGP))

    return {"scorecard-v2": ("run", run), "scorecard-v1": ("run", str(v1_run)), "weave": ("project", project),
            "scale-gp": ("evaluation", evaluation), "_weave_run": weave_run}


def write_every_scorecard_resource(server, tag: str) -> None:
    """One of each Scorecard v2 resource kind: everything a user's evaluation program writes."""
    api = f"{server.url}/api/v2"
    post = lambda path, body, **kw: ok(httpx.post(api + path, headers=SCORECARD, json=body, **kw))
    project = post("/projects", {"name": tag, "description": "p"})["id"]
    testset = post(f"/projects/{project}/testsets", {
        "name": tag, "description": "d", "jsonSchema": {"type": "object", "properties": {"q": {"type": "string"}, "a": {"type": "string"}}},
        "fieldMapping": {"inputs": ["q"], "expected": ["a"], "metadata": []}})["id"]
    testcase = post(f"/testsets/{testset}/testcases", {"items": [{"jsonData": {"q": "x", "a": "y"}}]})["items"][0]["id"]
    metric = post(f"/projects/{project}/metrics", {"name": "m", "evalType": "heuristic", "outputType": "boolean"})["id"]
    post(f"/projects/{project}/metric-groups", {"name": "g", "metricIds": [metric]})
    system = post(f"/projects/{project}/systems", {"name": tag, "config": {"model": "a"}})
    version = post(f"/systems/{system['id']}/versions", {"config": {"model": "b"}})["id"]
    run = post(f"/projects/{project}/runs", {"testsetId": testset, "systemVersionId": version, "metricIds": [metric]})
    record = post(f"/runs/{run['id']}/records", {"testcaseId": testcase, "inputs": {"q": "x"}, "expected": {"a": "y"}, "outputs": {"r": "z"}})["id"]
    post(f"/records/{record}/tags", {"text": "checked"})
    post(f"/records/{record}/assignees", {"assigneeUserId": "user_1"})
    ok(httpx.put(f"{api}/records/{record}/scores/{run['metricVersionIds'][0]}", headers=SCORECARD, json={"score": {"value": True}}))
    content = tag.encode() * 10
    started = post("/attachments", {"sessionId": f"session-{tag}", "filePath": "/a.txt", "sha256": hashlib.sha256(content).hexdigest(),
                                    "sizeBytes": len(content), "contentType": "text/plain"})
    assert httpx.put(started["uploadUrl"], content=content).status_code == 200
    post(f"/attachments/{started['id']}/commit", None)


def write_every_scale_gp_resource(server) -> None:
    """A whole v4 evaluation (datasets to evaluations), as the workflow test builds it, and a result."""
    from scale_gp import SGPClient
    from test_scale_gp_workflow import build, result_item
    sgp = SGPClient(api_key="sgp_test", base_url=server.url, max_retries=0)
    made = build(sgp)
    sgp.evaluations.test_case_results.batch(made["ev"].id, items=[result_item(made, made["tcs"][0].id)])


def counts(server) -> dict:
    return ok(control(server, "GET", "health"))["apis"]


def assert_all_zero(server):
    remaining = {api: {k: v for k, v in kinds.items() if v} for api, kinds in counts(server).items()}
    assert all(not kinds for kinds in remaining.values()), remaining


def test_a_whole_reset_after_every_kind_of_write_leaves_nothing(evalmock):
    write_one_of_everything(evalmock, "a")
    write_every_scorecard_resource(evalmock, "a")
    write_every_scale_gp_resource(evalmock)
    assert all(any(kinds.values()) for kinds in counts(evalmock).values()), counts(evalmock)
    assert ok(control(evalmock, "POST", "reset")) == {"reset": "all"}
    assert_all_zero(evalmock)
    export = ok(control(evalmock, "GET", "export"))
    assert all(rows == [] for tables in export["apis"].values() for rows in tables.values()), export


def test_each_api_reset_alone_after_every_kind_of_write(evalmock):
    write_one_of_everything(evalmock, "a")
    write_every_scorecard_resource(evalmock, "a")
    write_every_scale_gp_resource(evalmock)
    for api in ["scorecard-v2", "scorecard-v1", "weave", "scale-gp"]:
        assert ok(control(evalmock, "POST", "reset", json={"api": api})) == {"reset": api}
        assert not any(counts(evalmock)[api].values()), (api, counts(evalmock)[api])
    assert_all_zero(evalmock)


def test_scoped_resets_take_exactly_their_scope_after_every_kind_of_write(evalmock):
    gone = write_one_of_everything(evalmock, "gone")
    before_kept = counts(evalmock)
    kept = write_one_of_everything(evalmock, "kept")
    with_both = counts(evalmock)
    for api in ["scorecard-v2", "scorecard-v1", "weave", "scale-gp"]:
        scope, value = gone[api]
        assert ok(control(evalmock, "POST", "reset", json={"api": api, scope: value})) == {"reset": api, scope: value}
    after = counts(evalmock)
    for api, kinds in with_both.items():
        for kind, total in kinds.items():
            # Each scope held one of each write, and the two scopes wrote the same.
            assert after[api][kind] == total - before_kept[api][kind], (api, kind, after[api][kind], total)
    # What is left is the kept scope, whole: a second round of scoped resets empties everything.
    for api in ["scorecard-v2", "scorecard-v1", "weave", "scale-gp"]:
        scope, value = kept[api]
        ok(control(evalmock, "POST", "reset", json={"api": api, scope: value}))
    assert_all_zero(evalmock)


def test_a_weave_evaluation_run_scope_after_every_kind_of_write(evalmock):
    ids = write_one_of_everything(evalmock, "a")
    ok(control(evalmock, "POST", "reset", json={"api": "weave", "evaluation_run": ids["_weave_run"]}))
    weave = counts(evalmock)["weave"]
    # The run takes its calls along; the project, its objects, tables and files are not the run's.
    store = {"projects": 1, "objects": 1, "tables": 1, "table_rows": 1, "files": 1}
    assert {kind: n for kind, n in weave.items() if kind in store} == store
    assert not any(n for kind, n in weave.items() if kind not in store), weave


def test_export_reset_import_restores_every_row_history_included(evalmock):
    ids = write_one_of_everything(evalmock, "a")
    write_every_scorecard_resource(evalmock, "a")
    write_every_scale_gp_resource(evalmock)
    snapshot = ok(control(evalmock, "GET", "export"))
    for api, tables in snapshot["apis"].items():
        assert all(rows for rows in tables.values()), (api, {t: len(r) for t, r in tables.items()})
    before = counts(evalmock)
    ok(control(evalmock, "POST", "reset"))
    assert_all_zero(evalmock)
    assert ok(control(evalmock, "POST", "import", json=snapshot)) == {"imported": True}
    assert counts(evalmock) == before
    assert ok(control(evalmock, "GET", "export")) == snapshot
    # Every Scorecard v2 kind but annotations (which only fixtures and imports write) was written.
    assert all(count for kind, count in before["scorecard-v2"].items() if kind != "annotations"), before["scorecard-v2"]
    evaluation = ids["scale-gp"][1]
    results = ok(httpx.get(f"{evalmock.url}/v4/evaluations/{evaluation}/test-case-results/history/1", headers=SGP))
    assert any(r.get("invalidated_at") for r in results["items"]), results
