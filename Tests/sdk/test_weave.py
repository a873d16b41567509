"""W&B Weave v2 evaluation routes: the real `weave` client's RemoteHTTPTraceServer and raw HTTP
against evalmock, read as the trace server's contract."""
from __future__ import annotations

import re
import sqlite3
import time

import httpx
import pytest
import requests

from weave_support import KEY, PROJECT, ROOT, UUID7, basic, bearer, json_lines, ref, url  # sets WANDB_ERROR_REPORTING

from weave.trace_server_bindings.remote_http_trace_server import RemoteHTTPTraceServer  # noqa: E402
from weave.vendor.weave_server_sdk import APIStatusError  # noqa: E402

EVALUATION = ref("object", "Evaluation")
MODEL = ref("object", "Model")
SCORER = ref("object", "Accuracy")


@pytest.fixture(scope="session")
def weave_spec():
    from conftest import Spec
    return Spec("weave.json")


def trace_server(server, key: str = KEY) -> RemoteHTTPTraceServer:
    return RemoteHTTPTraceServer(server.url, username="api", password=key)


def post(server, path, body, project=PROJECT, headers=None):
    return requests.post(url(server, path, project), json=body, headers=headers or basic())


def get(server, path, project=PROJECT, **params):
    return requests.get(url(server, path, project), params=params, headers=basic())


def test_the_real_client_drives_the_whole_family(evalmock):
    client = trace_server(evalmock)
    run = client.evaluation_run_create({"project_id": PROJECT, "evaluation": EVALUATION, "model": MODEL})
    assert re.match(UUID7, run.evaluation_run_id)

    prediction = client.prediction_create({"project_id": PROJECT, "model": MODEL, "inputs": {"q": "2+2"}, "output": "4",
                                           "evaluation_run_id": run.evaluation_run_id})
    read = client.prediction_read({"project_id": PROJECT, "prediction_id": prediction.prediction_id})
    assert (read.model, read.inputs, read.output, read.evaluation_run_id) == (MODEL, {"q": "2+2"}, "4", run.evaluation_run_id)
    assert [p.prediction_id for p in client.prediction_list({"project_id": PROJECT, "evaluation_run_id": run.evaluation_run_id})] \
        == [prediction.prediction_id]

    score = client.score_create({"project_id": PROJECT, "prediction_id": prediction.prediction_id, "scorer": SCORER,
                                 "value": {"correct": True}, "evaluation_run_id": run.evaluation_run_id})
    read_score = client.score_read({"project_id": PROJECT, "score_id": score.score_id})
    assert (read_score.scorer, read_score.value, read_score.evaluation_run_id) == (SCORER, {"correct": True}, run.evaluation_run_id)
    assert read_score.wb_user_id == read.wb_user_id and read_score.wb_user_id
    assert [s.score_id for s in client.score_list({"project_id": PROJECT, "evaluation_run_id": run.evaluation_run_id})] == [score.score_id]

    assert client.prediction_finish({"project_id": PROJECT, "prediction_id": prediction.prediction_id}).success is True
    running = client.evaluation_run_read({"project_id": PROJECT, "evaluation_run_id": run.evaluation_run_id})
    assert (running.status, running.finished_at, running.evaluation, running.model) == ("running", None, EVALUATION, MODEL)
    assert client.evaluation_run_finish({"project_id": PROJECT, "evaluation_run_id": run.evaluation_run_id,
                                         "summary": {"accuracy": 1.0}}).success is True
    finished = client.evaluation_run_read({"project_id": PROJECT, "evaluation_run_id": run.evaluation_run_id})
    assert finished.status == "completed" and finished.summary == {"accuracy": 1.0}
    assert finished.finished_at >= finished.started_at
    listed = list(client.evaluation_run_list({"project_id": PROJECT, "filter": {"evaluations": [EVALUATION], "models": [MODEL]}}))
    assert [r.evaluation_run_id for r in listed] == [run.evaluation_run_id]
    assert list(client.evaluation_run_list({"project_id": PROJECT, "filter": {"models": [ref("object", "Other")]}})) == []

    assert client.score_delete({"project_id": PROJECT, "score_ids": [score.score_id]}).num_deleted == 1
    assert list(client.score_list({"project_id": PROJECT})) == []
    # The run goes with its descendants: predict_and_score, the prediction, the summarize call.
    assert client.evaluation_run_delete({"project_id": PROJECT, "evaluation_run_ids": [run.evaluation_run_id]}).num_deleted == 4
    assert list(client.prediction_list({"project_id": PROJECT})) == []
    with pytest.raises(APIStatusError) as missing:
        client.prediction_read({"project_id": PROJECT, "prediction_id": prediction.prediction_id})
    assert missing.value.status_code == 404


def test_standalone_prediction_finish_and_delete_with_the_client(evalmock):
    client = trace_server(evalmock)
    prediction = client.prediction_create({"project_id": PROJECT, "model": "not a ref", "inputs": {}, "output": None})
    assert client.prediction_read({"project_id": PROJECT, "prediction_id": prediction.prediction_id}).evaluation_run_id is None
    assert client.prediction_finish({"project_id": PROJECT, "prediction_id": prediction.prediction_id}).success
    assert client.prediction_delete({"project_id": PROJECT, "prediction_ids": [prediction.prediction_id]}).num_deleted == 1


def test_every_route_answers_the_document_shape(evalmock, weave_spec):
    run = post(evalmock, "/evaluation_runs", {"evaluation": EVALUATION, "model": MODEL, "source_evaluation_run_id": None})
    weave_spec.assert_response(ROOT + "/evaluation_runs", "post", run)
    run_id = run.json()["evaluation_run_id"]
    prediction = post(evalmock, "/predictions", {"model": MODEL, "inputs": {"a": 1}, "output": [1, 2], "evaluation_run_id": run_id,
                                                 "genai_span_ref": [{"trace_id": "t", "span_id": "s"}]})
    weave_spec.assert_response(ROOT + "/predictions", "post", prediction)
    prediction_id = prediction.json()["prediction_id"]
    score = post(evalmock, "/scores", {"prediction_id": prediction_id, "scorer": SCORER, "value": 0.5})
    weave_spec.assert_response(ROOT + "/scores", "post", score)
    score_id = score.json()["score_id"]

    for path, template in [(f"/evaluation_runs/{run_id}", "/evaluation_runs/{evaluation_run_id}"),
                           (f"/predictions/{prediction_id}", "/predictions/{prediction_id}"),
                           (f"/scores/{score_id}", "/scores/{score_id}")]:
        weave_spec.assert_response(ROOT + template, "get", get(evalmock, path))
    for path in ["/evaluation_runs", "/predictions", "/scores"]:
        listed = get(evalmock, path)
        rows = json_lines(listed)
        assert len(rows) == 1
        schema = weave_spec.response_schema(ROOT + path, "get", 200)
        for row in rows:
            weave_spec.assert_valid(row, schema)
    weave_spec.assert_response(ROOT + "/predictions/{prediction_id}/finish", "post",
                               requests.post(url(evalmock, f"/predictions/{prediction_id}/finish"), headers=basic()))
    weave_spec.assert_response(ROOT + "/evaluation_runs/{evaluation_run_id}/finish", "post",
                               post(evalmock, f"/evaluation_runs/{run_id}/finish", {}))
    for path, name, ident in [("/scores", "score_ids", score_id), ("/predictions", "prediction_ids", prediction_id),
                              ("/evaluation_runs", "evaluation_run_ids", run_id)]:
        deleted = requests.delete(url(evalmock, path), params={name: ident}, headers=basic())
        weave_spec.assert_response(ROOT + path, "delete", deleted)


@pytest.mark.parametrize("value", [
    0, -7, 3.25, 1e-3, 12345678901234567890, "text", "日本語 é", "", True, False,
    [], [1, "a", None, {"b": [2]}], {}, {"nested": {"deeper": [1.5, None]}, "z": 1, "a": 2},
])
def test_score_value_of_every_type_reads_back_exactly(evalmock, value):
    created = post(evalmock, "/scores", {"prediction_id": "p-1", "scorer": SCORER, "value": value})
    assert created.status_code == 200, created.text
    read = get(evalmock, f"/scores/{created.json()['score_id']}")
    assert read.json()["value"] == value
    assert type(read.json()["value"]) is type(value)


def test_number_text_is_kept_and_a_stored_null_reads_as_zero_float(evalmock):
    exact = requests.post(url(evalmock, "/scores"), data='{"prediction_id":"p","scorer":"%s","value":1.50}' % SCORER,
                          headers={**basic(), "Content-Type": "application/json"})
    assert '"value":1.50' in get(evalmock, f"/scores/{exact.json()['score_id']}").text
    null = post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": None})
    read = get(evalmock, f"/scores/{null.json()['score_id']}")
    assert '"value":0.0' in read.text and read.json()["value"] == 0.0
    with sqlite3.connect(evalmock.db) as db:
        assert db.execute("SELECT output FROM weave_calls WHERE id = ?", (null.json()["score_id"],)).fetchone() == ("null",)


def test_ids_are_uuid_v7_with_the_current_time(evalmock):
    before = int(time.time() * 1000)
    ids = [post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": 1}).json()["score_id"] for _ in range(5)]
    after = int(time.time() * 1000)
    assert len(set(ids)) == 5
    for ident in ids:
        assert re.match(UUID7, ident), ident
        assert before <= int(ident.replace("-", "")[:12], 16) <= after


def test_both_auth_schemes_and_missing_auth(start_evalmock):
    server = start_evalmock("--api-key", KEY)
    body = {"prediction_id": "p", "scorer": SCORER, "value": 1}
    assert post(server, "/scores", body, headers=basic()).status_code == 200
    assert post(server, "/scores", body, headers=bearer()).status_code == 200
    for headers in [{}, basic("wrong"), bearer("wrong"), {"Authorization": "Basic not-base64!"}, {"Authorization": "Token " + KEY}]:
        denied = requests.post(url(server, "/scores"), json=body, headers=headers)
        assert (denied.status_code, denied.json()) == (401, {"detail": "Not authenticated"})
        assert denied.headers["WWW-Authenticate"] == "Basic"
    with sqlite3.connect(server.db) as db:
        assert db.execute("SELECT COUNT(*) FROM weave_calls").fetchone() == (2,)
    with pytest.raises(APIStatusError) as error:
        trace_server(server, key="wrong").score_list({"project_id": PROJECT}).__next__()
    assert error.value.status_code == 401


@pytest.mark.parametrize("scorer, status, reason", [
    (ref("object", "Accuracy"), 200, None),
    (ref("op", "accuracy_op"), 200, None),
    (ref("object", "Accuracy") + "/attr/rows/index/0", 200, None),
    ("weave:///my-team/my-project", 400, "Invalid URI: weave:///my-team/my-project"),
    ("weave:///only-entity", 400, "Invalid URI: weave:///only-entity"),
    ("weave:///my-team/my-project/object/NoDigest", 400, "not enough values to unpack (expected 2, got 1)"),
    ("weave:///my-team/my-project/object/a:b:c", 400, "too many values to unpack (expected 2)"),
    ("weave-trace-internal:///UHJvamVjdDox/object/A:1", 400, "Encountered unexpected internal ref format."),
    ("weave-trace-internal:///x", 400, "Invalid internal ref format: missing project_id or kind."),
    # The server raises exception types its error registry does not list: a 500 there.
    ("accuracy", 500, "Internal server error"),
    ("weave:///my-team/my-project/call/0192", 500, "Internal server error"),
    ("weave:///my-team/my-project/table/abc", 500, "Internal server error"),
    ("weave:///my-team/my-project/unknown/X:1", 500, "Internal server error"),
    ("weave:///my-team/my-project/object/A:1/attr", 500, "Internal server error"),
    ("weave:///my-team/my-project/object/A:1/index/x", 500, "Internal server error"),
    ("wandb-artifact:///e/p/artifact:v1", 500, "Internal server error"),
])
def test_scorer_refs_as_the_trace_server_parses_them(evalmock, scorer, status, reason):
    response = post(evalmock, "/scores", {"prediction_id": "p", "scorer": scorer, "value": 1})
    assert response.status_code == status, response.text
    if reason is not None:
        assert response.json() == {"reason": reason}
        assert get(evalmock, "/scores").text == ""


def test_malformed_refs_anywhere_in_a_request_are_rejected(evalmock):
    for body in [{"prediction_id": "weave:///a/b", "scorer": SCORER, "value": 1},
                 {"prediction_id": "p", "scorer": SCORER, "value": {"deep": ["weave:///x"]}}]:
        response = post(evalmock, "/scores", body)
        assert response.status_code == 400 and response.json()["reason"].startswith("Invalid URI: weave:///")
    assert get(evalmock, "/scores/weave:::bad").status_code == 404
    assert post(evalmock, "/predictions", {"model": "weave:///m", "inputs": {}, "output": 1}).json() == {"reason": "Invalid URI: weave:///m"}


def test_ids_the_call_table_checks(evalmock):
    bad_run = post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": 1, "evaluation_run_id": "run-1"})
    assert (bad_run.status_code, bad_run.json()) == (400, {"reason": "Invalid UUID: run-1. Unable to parse"})
    upper = post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": 1, "evaluation_run_id": "0192ABCD-0000-7000-8000-000000000000"})
    assert upper.json() == {"reason": "Invalid UUID: 0192ABCD-0000-7000-8000-000000000000. UUID must be lowercase"}
    # An empty run id is no run id (`if req.evaluation_run_id:`); a slash in a prediction id
    # breaks the server's call ref, a 500.
    assert post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": 1, "evaluation_run_id": ""}).status_code == 200
    assert post(evalmock, "/scores", {"prediction_id": "a/b", "scorer": SCORER, "value": 1}).json() == {"reason": "Internal server error"}
    finish = post(evalmock, "/evaluation_runs/not-a-run/finish", {})
    assert (finish.status_code, finish.json()) == (400, {"reason": "Invalid UUID: not-a-run. Unable to parse"})
    unknown = "0192abcd-0000-7000-8000-000000000000"
    assert post(evalmock, f"/evaluation_runs/{unknown}/finish", {"summary": None}).json() == {"success": True}
    assert requests.post(url(evalmock, "/predictions/xyz/finish"), headers=basic()).json() == {"reason": "Invalid UUID: xyz. Unable to parse"}


def test_unknown_ids_get_the_servers_404(evalmock):
    unknown = "0192abcd-0000-7000-8000-000000000000"
    for path, what in [("/evaluation_runs", "Evaluation run"), ("/predictions", "Prediction"), ("/scores", "Score")]:
        response = get(evalmock, f"{path}/{unknown}")
        assert (response.status_code, response.json()) == (404, {"reason": f"{what} {unknown} not found"})
    linked = post(evalmock, "/predictions", {"model": MODEL, "inputs": {}, "output": 1, "evaluation_run_id": unknown})
    assert (linked.status_code, linked.json()) == (404, {"reason": f"Evaluation run {unknown} not found"})
    # Scores are not checked: they may arrive before their prediction.
    assert post(evalmock, "/scores", {"prediction_id": unknown, "scorer": SCORER, "value": 1, "evaluation_run_id": unknown}).status_code == 200
    assert get(evalmock, "/nowhere").json() == {"detail": "Not Found"}


def test_deletes_count_what_the_server_counts(evalmock):
    a = post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": 1}).json()["score_id"]
    unknown = "0192abcd-0000-7000-8000-000000000000"
    deleted = requests.delete(url(evalmock, "/scores"), params=[("score_ids", a), ("score_ids", unknown), ("score_ids", a)], headers=basic())
    assert deleted.json() == {"num_deleted": 2}
    too_many = requests.delete(url(evalmock, "/scores"), params=[("score_ids", str(i)) for i in range(1001)], headers=basic())
    assert (too_many.status_code, too_many.json()) == (413, {"reason": "Request too large"})
    missing = requests.delete(url(evalmock, "/scores"), headers=basic())
    assert missing.json() == {"detail": [{"type": "missing", "loc": ["query", "score_ids"], "msg": "Field required", "input": None}]}


def test_lists_filter_page_and_type_their_query(evalmock):
    run = post(evalmock, "/evaluation_runs", {"evaluation": EVALUATION, "model": MODEL}).json()["evaluation_run_id"]
    ids = [post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": i, "evaluation_run_id": run if i % 2 else None})
           .json()["score_id"] for i in range(5)]
    assert [s["score_id"] for s in json_lines(get(evalmock, "/scores"))] == ids
    assert [s["value"] for s in json_lines(get(evalmock, "/scores", evaluation_run_id=run))] == [1, 3]
    assert [s["value"] for s in json_lines(get(evalmock, "/scores", limit=2, offset=1))] == [1, 2]
    assert [s["value"] for s in json_lines(get(evalmock, "/scores", limit="2"))] == [0, 1]
    bad = get(evalmock, "/scores", limit="two")
    assert bad.json()["detail"] == [{"type": "int_parsing", "loc": ["query", "limit"],
                                     "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "two"}]
    runs = requests.get(url(evalmock, "/evaluation_runs"), params=[("evaluation_run_ids", run), ("evaluation_run_ids", "x")], headers=basic())
    assert [r["evaluation_run_id"] for r in json_lines(runs)] == [run]


def test_projects_are_isolated(evalmock):
    score = post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": 1}).json()["score_id"]
    assert get(evalmock, f"/scores/{score}", project="my-team/other").status_code == 404
    assert get(evalmock, "/scores", project="other-team/my-project").text == ""
    assert requests.delete(url(evalmock, "/scores", "my-team/other"), params={"score_ids": score}, headers=basic()).status_code == 200
    assert get(evalmock, f"/scores/{score}").status_code == 200


def test_data_survives_a_restart_and_a_kill(evalmock):
    client = trace_server(evalmock)
    run = client.evaluation_run_create({"project_id": PROJECT, "evaluation": EVALUATION, "model": MODEL})
    score = client.score_create({"project_id": PROJECT, "prediction_id": "p", "scorer": SCORER, "value": [1, "x"]})
    evalmock.restart()
    client = trace_server(evalmock)
    assert client.score_read({"project_id": PROJECT, "score_id": score.score_id}).value == [1, "x"]
    evalmock.kill()
    evalmock.start()
    client = trace_server(evalmock)
    assert client.evaluation_run_read({"project_id": PROJECT, "evaluation_run_id": run.evaluation_run_id}).model == MODEL


def test_every_missing_field_wrong_types_and_bodies_that_are_not_json(evalmock):
    full = {"prediction_id": "p", "scorer": SCORER, "value": 1}
    for field in ["prediction_id", "scorer", "value"]:
        body = {k: v for k, v in full.items() if k != field}
        response = post(evalmock, "/scores", body)
        assert (response.status_code, response.json()) == (422, {"detail": [
            {"type": "missing", "loc": ["body", field], "msg": "Field required", "input": body}]})
    wrong = post(evalmock, "/scores", {"evaluation_run_id": 5, "value": None, "scorer": [], "prediction_id": 1.5})
    assert [(d["type"], d["loc"][1]) for d in wrong.json()["detail"]] == [
        ("string_type", "prediction_id"), ("string_type", "scorer"), ("string_type", "evaluation_run_id")]
    empty = requests.post(url(evalmock, "/scores"), headers=basic())
    assert empty.json() == {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]}
    malformed = requests.post(url(evalmock, "/scores"), data='{"prediction_id": ', headers={**basic(), "Content-Type": "application/json"})
    detail = malformed.json()["detail"]
    assert malformed.status_code == 422 and len(detail) == 1
    assert (detail[0]["type"], detail[0]["loc"], detail[0]["msg"], detail[0]["input"]) == ("json_invalid", ["body", 18], "JSON decode error", {})
    array = post(evalmock, "/scores", [])
    assert array.json()["detail"] == [{"type": "model_attributes_type", "loc": ["body"],
                                       "msg": "Input should be a valid dictionary or object to extract fields from", "input": []}]
    assert get(evalmock, "/scores").text == ""


def test_async_httpx_sees_the_same_jsonl(evalmock):
    post(evalmock, "/scores", {"prediction_id": "p", "scorer": SCORER, "value": "v"})
    response = httpx.get(url(evalmock, "/scores"), headers=bearer())
    assert response.headers["content-type"] == "application/jsonl"
    assert [row["value"] for row in json_lines(response)] == ["v"]
