"""W&B Weave calls and feedback: the trace server's general routes, with the payloads the
`weave` 0.54.0 client sends (its RemoteHTTPTraceServer where it has a method for the route,
raw HTTP in the same shapes otherwise), read as the trace server's contract."""
from __future__ import annotations

import datetime
import uuid

import pytest
import requests

from weave_support import KEY, PROJECT, basic, json_lines, ref, url  # sets WANDB_ERROR_REPORTING

from weave.trace_server_bindings.remote_http_trace_server import RemoteHTTPTraceServer  # noqa: E402

ENTITY, NAME = PROJECT.split("/")
T0 = datetime.datetime(2025, 3, 1, 12, 0, 0, tzinfo=datetime.timezone.utc)
EVALUATE = f"weave:///{PROJECT}/op/Evaluation.evaluate:abc"
PREDICT_AND_SCORE = f"weave:///{PROJECT}/op/Evaluation.predict_and_score:def"
PREDICT = f"weave:///{PROJECT}/op/Model.predict:ghi"
EVALUATION = ref("object", "Evaluation")


def new_id() -> str:
    # The client's ids are UUIDv7: time-ordered, so their order is the order of creation.
    return str(uuid.uuid7()) if hasattr(uuid, "uuid7") else _uuid7()


_last = [0]


def _uuid7() -> str:
    _last[0] = max(_last[0] + 1, int(datetime.datetime.now().timestamp() * 1000))
    value = (_last[0] << 80) | (0x7 << 76) | (uuid.uuid4().int & ((1 << 76) - 1))
    value = (value & ~(0x3 << 62)) | (0x2 << 62)
    return str(uuid.UUID(int=value))


def at(seconds: float) -> str:
    return (T0 + datetime.timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def complete(call_id, trace_id, op_name, start, end, parent_id=None, inputs=None, output=None, summary=None,
             exception=None, attributes=None, display_name=None):
    """A `CompletedCallSchemaForInsert` as `CallBatchProcessor` pairs it."""
    return {"project_id": PROJECT, "id": call_id, "trace_id": trace_id, "op_name": op_name, "started_at": at(start),
            "ended_at": at(end), "display_name": display_name, "parent_id": parent_id, "thread_id": None, "turn_id": None,
            "attributes": attributes or {"weave": {"client_version": "0.54.0", "source": "python-sdk"}},
            "inputs": inputs or {}, "output": output, "summary": summary or {"usage": {}, "status_counts": {"success": 0, "error": 0}},
            "otel_dump": None, "exception": exception, "wb_user_id": None, "wb_run_id": None, "wb_run_step": None,
            "wb_run_step_end": None}


def trace_server(server) -> RemoteHTTPTraceServer:
    return RemoteHTTPTraceServer(server.url, username="api", password=KEY)


def post(server, path, body):
    return requests.post(f"{server.url}{path}", json=body, headers=basic())


def calls(server, **query):
    response = post(server, "/calls/stream_query", {"project_id": PROJECT, **query})
    assert response.status_code == 200, response.text
    return json_lines(response)


def count(server, **query):
    response = post(server, "/calls/query_stats", {"project_id": PROJECT, **query})
    assert response.status_code == 200, response.text
    return response.json()["count"]


@pytest.fixture
def evaluation(evalmock):
    """An evaluation as `evaluate()` leaves it: the evaluate call (v2 start, later v2 end), and
    per row a predict_and_score call with a predict child, completed children first."""
    root, rows = new_id(), []
    started = post(evalmock, f"/v2/{PROJECT}/call/start", {"start": {
        "project_id": PROJECT, "id": root, "trace_id": root, "op_name": EVALUATE, "started_at": at(0),
        "attributes": {"_weave_eval_meta": {"evaluation": True}}, "inputs": {"self": EVALUATION, "model": ref("object", "M")}}})
    assert started.status_code == 200 and started.json() == {"id": root, "trace_id": root}
    batch = []
    for index in range(3):
        pas, predict = new_id(), new_id()
        rows.append((pas, predict))
        failed = index == 2
        batch.append(complete(predict, root, PREDICT, 1 + index, 1.25 + index, parent_id=pas,
                              inputs={"example": ref("table", "t") + f"/id/row{index}"}, output=None if failed else index * 10,
                              exception="ValueError('bad row')" if failed else None))
        batch.append(complete(pas, root, PREDICT_AND_SCORE, 1 + index, 1.5 + index, parent_id=root,
                              inputs={"self": EVALUATION, "example": {"q": index}},
                              summary={"status_counts": {"success": 0 if failed else 1, "error": 1 if failed else 0}}))
    assert post(evalmock, f"/v2/{PROJECT}/calls/complete", {"batch": batch}).json() == {}
    return evalmock, root, rows


def test_a_complete_batch_reads_back_with_the_fields_the_server_derives(evaluation):
    server, root, rows = evaluation
    found = calls(server)
    assert [c["id"] for c in found] == [root] + [i for pair in rows for i in pair]  # started_at, then id
    evaluate = found[0]
    assert evaluate["ended_at"] is None and evaluate["summary"]["weave"] == {"status": "running", "trace_name": "Evaluation.evaluate"}
    pas, predict = found[1], found[2]
    assert pas["parent_id"] == root and predict["parent_id"] == pas["id"] and predict["output"] == 0
    assert pas["summary"]["weave"] == {"status": "success", "latency_ms": 500, "trace_name": "Evaluation.predict_and_score"}
    assert pas["summary"]["status_counts"] == {"success": 1, "error": 0}
    assert pas["started_at"] == "2025-03-01T12:00:01Z" and pas["ended_at"] == "2025-03-01T12:00:01.500000Z"
    assert predict["wb_user_id"] and predict["wb_user_id"] == pas["wb_user_id"]  # the server's, from the key
    failed_pas, failed_predict = found[5], found[6]
    assert failed_predict["summary"]["weave"]["status"] == "error" and failed_predict["exception"] == "ValueError('bad row')"
    assert failed_pas["summary"]["weave"]["status"] == "descendant_error"

    end = post(server, f"/v2/{PROJECT}/call/end", {"end": {
        "project_id": PROJECT, "id": root, "trace_id": root, "is_eval": True, "ended_at": at(10), "started_at": at(0),
        "exception": None, "output": {"score": {"mean": 0.5}}, "summary": {"status_counts": {"success": 6, "error": 1}},
        "wb_run_step_end": None}})
    assert end.status_code == 200 and end.json() == {}
    evaluate = trace_server(server).call_read({"project_id": PROJECT, "id": root}).call
    assert evaluate.summary["weave"] == {"status": "descendant_error", "latency_ms": 10000, "trace_name": "Evaluation.evaluate"}
    assert evaluate.output == {"score": {"mean": 0.5}}


def test_the_real_client_reads_calls_through_stream_query_and_query_stats(evaluation):
    server, root, rows = evaluation
    client = trace_server(server)
    children = list(client.calls_query_stream({"project_id": PROJECT, "filter": {"parent_ids": [root]}}))
    assert [c.id for c in children] == [pas for pas, _ in rows]
    assert client.calls_query_stats({"project_id": PROJECT, "filter": {"trace_ids": [root]}}).count == 7
    assert client.call_read({"project_id": PROJECT, "id": "0192f5a0-0000-7000-8000-000000000000"}).call is None


def test_filters_the_client_sends(evaluation):
    server, root, rows = evaluation
    evaluate_any = f"weave:///{PROJECT}/op/Evaluation.evaluate:*"
    # Evaluation.get_evaluate_calls(): any version of the op, called with the evaluation.
    assert [c["id"] for c in calls(server, filter={"op_names": [evaluate_any], "input_refs": [EVALUATION]})] == [root]
    assert calls(server, filter={"op_names": [evaluate_any], "input_refs": [ref("object", "Other")]}) == []
    assert len(calls(server, filter={"op_names": [PREDICT]})) == 3
    assert calls(server, filter={"op_names": [f"weave:///{PROJECT}/op/Evaluation.evaluat:*"]}) == []
    # A ref anywhere inside the inputs counts (`input_refs`).
    assert [c["id"] for c in calls(server, filter={"input_refs": [ref("table", "t") + "/id/row1"]})] == [rows[1][1]]
    assert [c["id"] for c in calls(server, filter={"input_refs": [f"weave:///{PROJECT}/object/Evaluation:*"]})] \
        == [root, rows[0][0], rows[1][0], rows[2][0]]
    assert [c["id"] for c in calls(server, filter={"call_ids": [rows[0][1], root]})] == [root, rows[0][1]]
    assert [c["id"] for c in calls(server, filter={"trace_roots_only": True})] == [root]
    user = calls(server)[0]["wb_user_id"]
    assert count(server, filter={"wb_user_ids": [user]}) == 7 and count(server, filter={"wb_user_ids": ["other"]}) == 0
    assert count(server, filter={"thread_ids": []}) == 0 and count(server, filter={"turn_ids": []}) == 0
    too_many = post(server, "/calls/stream_query", {"project_id": PROJECT, "filter": {"call_ids": ["x"] * 1001}})
    assert too_many.status_code == 400
    assert too_many.json() == {"reason": "Parameter: 'call_ids' request length is greater than max length (1000). Actual length: 1001"}


def test_expr_queries_over_fields_and_derived_summary(evaluation):
    server, root, rows = evaluation

    def ids(expr, **extra):
        return [c["id"] for c in calls(server, query={"$expr": expr}, **extra)]

    status = {"$getField": "summary.weave.status"}
    assert ids({"$eq": [status, {"$literal": "error"}]}) == [rows[2][1]]
    assert ids({"$in": [status, [{"$literal": "descendant_error"}, {"$literal": "running"}]]}) == [root, rows[2][0]]
    assert ids({"$gte": [{"$getField": "summary.weave.latency_ms"}, {"$literal": 500}]}) == [rows[0][0], rows[1][0], rows[2][0]]
    assert ids({"$eq": [{"$getField": "inputs.example.q"}, {"$literal": 1}]}) == [rows[1][0]]
    assert ids({"$gt": [{"$getField": "output"}, {"$literal": 5}]}) == [rows[1][1]]
    assert ids({"$and": [{"$contains": {"input": {"$getField": "op_name"}, "substr": {"$literal": "MODEL.PREDICT"},
                                        "case_insensitive": True}},
                         {"$not": [{"$eq": [{"$getField": "exception"}, {"$literal": None}]}]}]}) == [rows[2][1]]
    assert ids({"$eq": [{"$getField": "attributes._weave_eval_meta.evaluation"}, {"$literal": True}]}) == [root]
    assert ids({"$eq": [{"$getField": "parent_id"}, {"$literal": None}]}) == [root]
    assert ids({"$or": [{"$eq": [{"$getField": "id"}, {"$literal": root}]},
                        {"$lt": [{"$convert": {"input": {"$getField": "inputs.example.q"}, "to": "double"}}, {"$literal": 1}]}]}) \
        == [root, rows[0][0]]
    assert count(server, query={"$expr": {"$eq": [status, {"$literal": "success"}]}}) == 4
    # The started_at of the evaluate call compared with seconds since the epoch.
    assert ids({"$lt": [{"$getField": "started_at"}, {"$literal": T0.timestamp() + 0.5}]}) == [root]
    bad = post(server, "/calls/stream_query", {"project_id": PROJECT, "query": {"$expr": {"$nope": []}}})
    assert bad.status_code == 422 and "detail" in bad.json()


def test_sort_and_paging(evaluation):
    server, root, rows = evaluation
    predicts = [predict for _, predict in rows]
    by_output = calls(server, filter={"op_names": [PREDICT]}, sort_by=[{"field": "output", "direction": "desc"}])
    # NULLs (the failed row's output) last, whichever the direction.
    assert [c["id"] for c in by_output] == [predicts[1], predicts[0], predicts[2]]
    newest = calls(server, sort_by=[{"field": "started_at", "direction": "desc"}], limit=2)
    assert [c["id"] for c in newest] == [rows[2][0], rows[2][1]]  # equal times: then id ascending
    assert [c["id"] for c in calls(server, limit=2, offset=1)] == [rows[0][0], rows[0][1]]
    assert [c["id"] for c in calls(server, sort_by=[{"field": "summary.weave.latency_ms", "direction": "asc"}], limit=3)] \
        == [predicts[0], predicts[1], predicts[2]]  # equal latencies: then id ascending
    trimmed = calls(server, filter={"call_ids": [root]}, columns=["inputs.self"])[0]
    assert trimmed["inputs"] == {"self": EVALUATION, "model": ref("object", "M")} and trimmed["attributes"] == {}
    assert trimmed["ended_at"] is None and trimmed["op_name"] == EVALUATE


def test_start_and_end_in_either_order_and_children_before_their_parent(evalmock):
    parent, child, trace = new_id(), new_id(), new_id()
    batch = [
        {"mode": "end", "req": {"end": {"project_id": PROJECT, "id": child, "ended_at": at(3), "output": "late start",
                                        "summary": {}, "exception": None}}},
        {"mode": "start", "req": {"start": {"project_id": PROJECT, "id": child, "trace_id": trace, "parent_id": parent,
                                            "op_name": "child", "started_at": at(2), "attributes": {}, "inputs": {"x": 1}}}},
    ]
    response = post(evalmock, "/call/upsert_batch", {"batch": batch})
    assert response.status_code == 200 and response.json() == {"res": [{}, {"id": child, "trace_id": trace}]}
    assert calls(evalmock)[0]["parent_id"] == parent  # listed before its parent exists
    only_end = new_id()
    assert post(evalmock, "/call/end", {"end": {"project_id": PROJECT, "id": only_end, "ended_at": at(1), "summary": {}}}).status_code == 200
    assert [c["id"] for c in calls(evalmock)] == [child]  # an end alone is not a call yet
    client = trace_server(evalmock)
    started = client.call_start({"start": {"project_id": PROJECT, "id": parent, "trace_id": trace, "op_name": "parent",
                                           "started_at": at(1), "attributes": {}, "inputs": {}}})
    assert started.id == parent
    client.call_end({"end": {"project_id": PROJECT, "id": parent, "ended_at": at(4), "output": None,
                             "summary": {"status_counts": {"success": 1, "error": 0}}}})
    found = {c["id"]: c for c in calls(evalmock)}
    assert list(found) == [parent, child]
    assert found[child]["output"] == "late start" and found[child]["inputs"] == {"x": 1}
    assert found[child]["summary"]["weave"] == {"status": "success", "latency_ms": 1000, "trace_name": "child"}
    assert found[parent]["summary"]["weave"]["status"] == "success"
    generated = post(evalmock, "/call/start", {"start": {"project_id": PROJECT, "op_name": "gen", "started_at": at(5),
                                                          "attributes": {}, "inputs": {}}}).json()
    assert generated["id"] != generated["trace_id"] and len(calls(evalmock, filter={"call_ids": [generated["id"]]})) == 1


def test_display_name_update_and_delete_with_descendants(evaluation):
    server, root, rows = evaluation
    client = trace_server(server)
    client.call_update({"project_id": PROJECT, "call_id": rows[0][0], "display_name": "row zero"})
    renamed = calls(server, filter={"call_ids": [rows[0][0]]})[0]
    assert renamed["display_name"] == "row zero"
    assert renamed["summary"]["weave"] == {"status": "success", "latency_ms": 500, "display_name": "row zero"}
    refused = post(server, "/call/update", {"project_id": PROJECT, "call_id": rows[0][0]})
    assert (refused.status_code, refused.json()) == (400, {"reason": "One of [display_name] is required for call update"})
    assert client.calls_delete({"project_id": PROJECT, "call_ids": [rows[0][0]]}).num_deleted == 2
    assert count(server) == 5
    assert post(server, "/calls/delete", {"project_id": PROJECT, "call_ids": [root]}).json() == {"num_deleted": 5}
    assert calls(server) == []


def test_a_batch_with_one_bad_item_stores_nothing(evalmock):
    good = complete(new_id(), new_id(), "op", 0, 1)
    malformed = {**complete(new_id(), new_id(), "op", 0, 1)}
    del malformed["inputs"]
    response = post(evalmock, f"/v2/{PROJECT}/calls/complete", {"batch": [good, malformed]})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "inputs"
    bad_id = complete("NOT-A-UUID", new_id(), "op", 0, 1)
    response = post(evalmock, f"/v2/{PROJECT}/calls/complete", {"batch": [good, bad_id]})
    assert (response.status_code, response.json()) == (400, {"reason": "Invalid UUID: NOT-A-UUID. UUID must be lowercase"})
    start = {"mode": "start", "req": {"start": {"project_id": PROJECT, "id": new_id(), "trace_id": new_id(), "op_name": "o",
                                                "started_at": at(0), "attributes": {}, "inputs": {}}}}
    end = {"mode": "end", "req": {"end": {"project_id": PROJECT, "id": "x/y", "ended_at": at(0), "summary": {}}}}
    assert post(evalmock, "/call/upsert_batch", {"batch": [start, end]}).status_code == 400
    assert count(evalmock) == 0


def test_feedback_batch_create_query_and_purge(evaluation):
    server, root, rows = evaluation
    client = trace_server(server)
    predict_ref = f"weave:///{PROJECT}/call/{rows[0][1]}"
    scorer_ref = f"weave:///{PROJECT}/op/exact_match:abc"
    runnable = {"project_id": PROJECT, "weave_ref": predict_ref, "feedback_type": "wandb.runnable.exact_match",
                "payload": {"output": True}, "runnable_ref": scorer_ref, "call_ref": f"weave:///{PROJECT}/call/{new_id()}",
                "id": new_id(), "wb_user_id": ""}
    note = {"project_id": PROJECT, "weave_ref": predict_ref, "feedback_type": "wandb.note.1", "payload": {"note": "fine"},
            "id": new_id()}
    created = client.feedback_create_batch({"batch": [runnable, note]})
    assert [item.id for item in created.res] == [runnable["id"], note["id"]]
    assert created.res[0].payload == {"output": True} and created.res[0].wb_user_id == calls(server)[0]["wb_user_id"]

    # call.feedback: `$eq` on weave_ref, oldest first.
    query = {"$expr": {"$eq": [{"$getField": "weave_ref"}, {"$literal": predict_ref}]}}
    read = client.feedback_query({"project_id": PROJECT, "query": query, "sort_by": [{"field": "created_at", "direction": "asc"}],
                                  "limit": 10, "offset": 0})
    assert [f["id"] for f in read.result] == [runnable["id"], note["id"]]
    assert set(read.result[0]) == {"id", "project_id", "weave_ref", "wb_user_id", "creator", "created_at", "feedback_type",
                                   "payload", "annotation_ref", "runnable_ref", "call_ref", "trigger_ref"}
    assert read.result[0]["created_at"].endswith("Z")
    by_payload = post(server, "/feedback/query", {"project_id": PROJECT, "fields": ["id", "payload.output"],
                                                  "query": {"$expr": {"$eq": [{"$getField": "payload.output"}, {"$literal": True}]}}})
    assert by_payload.json() == {"result": [{"id": runnable["id"], "payload.output": True}], "total_count": 1}

    # `scored_by`: calls with that scorer's feedback; feedback attached under summary.weave.
    scored = calls(server, include_feedback=True, query={"$expr": {"$eq": [
        {"$getField": "feedback.[wandb.runnable.exact_match].payload.output"}, {"$literal": True}]}})
    assert [c["id"] for c in scored] == [rows[0][1]]
    assert [f["feedback_type"] for f in scored[0]["summary"]["weave"]["feedback"]] == ["wandb.runnable.exact_match", "wandb.note.1"]
    assert calls(server, filter={"call_ids": [rows[1][1]]}, include_feedback=True)[0]["summary"]["weave"]["feedback"] == []

    single = post(server, "/feedback/create", {k: v for k, v in note.items() if k != "id"})
    assert single.status_code == 200 and single.json()["id"] != note["id"]
    refused = post(server, "/feedback/purge", {"project_id": PROJECT, "query": query})
    assert (refused.status_code, refused.json()) == (400, {"reason": "Can only purge feedback by specifying one or more feedback ids"})
    client.feedback_purge({"project_id": PROJECT, "query": {"$expr": {"$or": [
        {"$eq": [{"$getField": "id"}, {"$literal": runnable["id"]}]}, {"$eq": [{"$getField": "id"}, {"$literal": note["id"]}]}]}}})
    assert [f["id"] for f in client.feedback_query({"project_id": PROJECT}).result] == [single.json()["id"]]


@pytest.mark.parametrize("change, reason", [
    ({"runnable_ref": None}, "runnable_ref is required for runnable feedback"),
    ({"call_ref": None}, "call_ref is required for runnable feedback on ops"),
    ({"feedback_type": "wandb.runnable.other"}, "runnable_ref must point to an object with name other"),
    ({"payload": {"score": 1}}, "Invalid payload for feedback_type wandb.runnable.exact_match: output is required"),
    ({"feedback_type": "custom"}, "runnable_ref is not allowed for non-runnable feedback"),
])
def test_feedback_the_server_refuses_and_a_bad_batch_item_stores_none(evalmock, change, reason):
    good = {"project_id": PROJECT, "weave_ref": f"weave:///{PROJECT}/call/{new_id()}", "feedback_type": "custom", "payload": {"a": 1}}
    runnable = {"project_id": PROJECT, "weave_ref": good["weave_ref"], "feedback_type": "wandb.runnable.exact_match",
                "payload": {"output": 1}, "runnable_ref": f"weave:///{PROJECT}/op/exact_match:abc",
                "call_ref": f"weave:///{PROJECT}/call/{new_id()}"}
    response = post(evalmock, "/feedback/batch/create", {"batch": [good, {**runnable, **change}]})
    assert (response.status_code, response.json()) == (400, {"reason": reason})
    assert post(evalmock, "/feedback/query", {"project_id": PROJECT}).json() == {"result": [], "total_count": 0}


def test_v2_scores_and_predictions_are_calls_with_feedback(evalmock):
    run = requests.post(url(evalmock, "/evaluation_runs"), json={"evaluation": EVALUATION, "model": ref("object", "M")},
                        headers=basic()).json()["evaluation_run_id"]
    prediction = requests.post(url(evalmock, "/predictions"), headers=basic(), json={
        "model": ref("object", "M"), "inputs": {"q": "2+2"}, "output": "4", "evaluation_run_id": run}).json()["prediction_id"]
    score = requests.post(url(evalmock, "/scores"), headers=basic(), json={
        "prediction_id": prediction, "scorer": ref("object", "Accuracy"), "value": 1.0, "evaluation_run_id": run}).json()["score_id"]

    found = {c["id"]: c for c in calls(evalmock, filter={"trace_ids": [run]}, include_feedback=True)}
    assert found[run]["op_name"] == "Evaluation.evaluate" and found[run]["attributes"]["weave"]["evaluation_run"] == "true"
    predicted = found[prediction]
    assert predicted["op_name"] == "M.predict" and predicted["inputs"] == {"self": ref("object", "M"), "inputs": {"q": "2+2"}}
    assert predicted["output"] == "4" and predicted["summary"]["weave"]["status"] == "success"
    pas = found[predicted["parent_id"]]
    assert pas["op_name"] == "Evaluation.predict_and_score" and pas["parent_id"] == run
    scored = found[score]
    assert scored["op_name"] == "Accuracy.score" and scored["output"] == 1.0 and scored["parent_id"] == pas["id"]
    [feedback] = predicted["summary"]["weave"]["feedback"]
    assert (feedback["feedback_type"], feedback["payload"], feedback["runnable_ref"]) == \
        ("wandb.runnable.Accuracy", {"output": 1.0}, ref("object", "Accuracy"))
    # The same as `scored_by` finds a client-written score.
    assert [c["id"] for c in calls(evalmock, query={"$expr": {"$eq": [
        {"$getField": "feedback.[wandb.runnable.Accuracy].payload.output"}, {"$literal": 1.0}]}})] == [prediction]

    # And the other way round: a call written through the trace routes, marked as the server
    # marks a prediction, is one for the v2 routes.
    other = new_id()
    post(evalmock, f"/v2/{PROJECT}/calls/complete", {"batch": [complete(
        other, other, "M.predict", 0, 1, inputs={"self": ref("object", "M"), "inputs": {"q": 1}}, output="x",
        attributes={"weave": {"prediction": "true", "model": ref("object", "M")}})]})
    listed = json_lines(requests.get(url(evalmock, "/predictions"), headers=basic()))
    assert [p["prediction_id"] for p in listed] == [other, prediction]  # by started_at: `other` started in 2025
    assert listed[0]["inputs"] == {"q": 1} and listed[0]["output"] == "x"


def test_evaluate_calls_do_not_appear_as_evaluation_runs(evaluation):
    server, root, _ = evaluation
    assert json_lines(requests.get(url(server, "/evaluation_runs"), headers=basic())) == []
    assert requests.get(url(server, f"/evaluation_runs/{root}"), headers=basic()).status_code == 404


WEAVE_001 = """
CREATE TABLE weave_calls (seq INTEGER PRIMARY KEY AUTOINCREMENT, project_id TEXT NOT NULL, id TEXT NOT NULL, kind TEXT NOT NULL,
    trace_id TEXT NOT NULL, parent_id TEXT, evaluation_run_id TEXT, evaluation TEXT, model TEXT, scorer TEXT, prediction_id TEXT,
    source_evaluation_run_id TEXT, inputs TEXT, output TEXT, summary TEXT, wb_user_id TEXT, started_at TEXT NOT NULL, ended_at TEXT,
    UNIQUE (project_id, id));
"""


def test_weave_003_migrates_the_rows_of_the_v2_routes(evalmock):
    """A database written before weave-003: its runs, predictions and scores read back the same
    through the v2 routes, and now also as calls and feedback."""
    import sqlite3
    evalmock.stop()
    run, pas, prediction, score = (new_id() for _ in range(4))
    model, scorer = ref("object", "M"), ref("object", "Accuracy")
    with sqlite3.connect(evalmock.db) as db:
        db.executescript("DROP TABLE weave_calls; DROP TABLE weave_feedback;" + WEAVE_001)
        db.execute("DELETE FROM evalmock_migrations WHERE name = 'weave-003-calls'")
        rows = [
            (run, "evaluation_run", run, None, None, EVALUATION, model, None, None, "src", '{"self": "%s", "model": "%s"}' % (EVALUATION, model),
             None, '{"acc": 1}', None, "2025-03-01T12:00:00.000000Z", "2025-03-01T12:00:09.000000Z"),
            (pas, "predict_and_score", run, run, None, None, model, None, None, None, '{"self": "%s"}' % EVALUATION, None, None, "u",
             "2025-03-01T12:00:01.000000Z", "2025-03-01T12:00:02.000000Z"),
            (prediction, "prediction", run, pas, run, None, model, None, None, None, '{"q": 1}', '"4"', None, "u",
             "2025-03-01T12:00:01.000000Z", "2025-03-01T12:00:01.000000Z"),
            (score, "score", run, pas, run, None, None, scorer, prediction, None, '{"self": "%s"}' % scorer, "0.5", None, "u",
             "2025-03-01T12:00:01.500000Z", "2025-03-01T12:00:01.500000Z"),
        ]
        db.executemany("""INSERT INTO weave_calls (project_id, id, kind, trace_id, parent_id, evaluation_run_id, evaluation, model, scorer,
            prediction_id, source_evaluation_run_id, inputs, output, summary, wb_user_id, started_at, ended_at)
            VALUES ('%s', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""" % PROJECT, rows)
    evalmock.start()

    read_run = requests.get(url(evalmock, f"/evaluation_runs/{run}"), headers=basic()).json()
    assert (read_run["evaluation"], read_run["model"], read_run["status"], read_run["summary"]) == (EVALUATION, model, "completed", {"acc": 1})
    assert (read_run["started_at"], read_run["finished_at"], read_run["source_evaluation_run_id"]) == \
        ("2025-03-01T12:00:00Z", "2025-03-01T12:00:09Z", "src")
    assert requests.get(url(evalmock, f"/predictions/{prediction}"), headers=basic()).json() == {
        "prediction_id": prediction, "model": model, "inputs": {"q": 1}, "output": "4", "evaluation_run_id": run, "wb_user_id": "u"}
    assert requests.get(url(evalmock, f"/scores/{score}"), headers=basic()).json() == {
        "score_id": score, "scorer": scorer, "value": 0.5, "evaluation_run_id": run, "wb_user_id": "u"}
    found = {c["id"]: c for c in calls(evalmock, include_feedback=True)}
    assert [found[i]["op_name"] for i in (run, pas, prediction, score)] == \
        ["Evaluation.evaluate", "Evaluation.predict_and_score", "M.predict", "Accuracy.score"]
    assert found[pas]["attributes"] == {"weave": {"predict_call_id": prediction}}
    assert found[run]["summary"]["weave"] == {"status": "success", "latency_ms": 9000, "trace_name": "Evaluation.evaluate", "feedback": []}
    [feedback] = found[prediction]["summary"]["weave"]["feedback"]
    assert (feedback["feedback_type"], feedback["payload"], feedback["runnable_ref"]) == ("wandb.runnable.Accuracy", {"output": 0.5}, scorer)
    assert requests.delete(url(evalmock, "/evaluation_runs"), params={"evaluation_run_ids": [run]}, headers=basic()).json() == {"num_deleted": 4}


@pytest.mark.parametrize("calls_complete", ["true", "false"])
def test_the_clients_own_batching_writes_calls_that_read_back(evalmock, monkeypatch, calls_complete):
    """The 0.54 client's batch processor: with calls/complete it pairs each start with its end
    and sends the eager evaluate call through v2 call/start and call/end; with
    WEAVE_USE_CALLS_COMPLETE=false it sends starts and ends through call/upsert_batch."""
    from weave.trace_server_bindings.models import StartBatchItem
    monkeypatch.setenv("WEAVE_USE_CALLS_COMPLETE", calls_complete)
    client = RemoteHTTPTraceServer(evalmock.url, should_batch=True, username="api", password=KEY)
    root = new_id()
    start = {"start": {"project_id": PROJECT, "id": root, "trace_id": root, "op_name": EVALUATE, "started_at": T0,
                       "attributes": {}, "inputs": {"self": EVALUATION}}}
    if calls_complete == "true":
        client.call_processor.enqueue_start(StartBatchItem(req=start), eager_call_start=True)
    else:
        client.call_start(start)
    children = []
    for index in range(5):
        child = new_id()
        children.append(child)
        # The end is handed over first: the processor holds it until the start arrives.
        client.call_end({"end": {"project_id": PROJECT, "id": child, "trace_id": root, "ended_at": T0 + datetime.timedelta(seconds=index + 1.2),
                                 "output": {"n": index}, "summary": {"usage": {}}, "exception": None}})
        client.call_start({"start": {"project_id": PROJECT, "id": child, "trace_id": root, "parent_id": root, "op_name": PREDICT,
                                     "started_at": T0 + datetime.timedelta(seconds=index + 1), "attributes": {}, "inputs": {"i": index}}})
    client.call_end({"end": {"project_id": PROJECT, "id": root, "trace_id": root, "ended_at": T0 + datetime.timedelta(seconds=9),
                             "started_at": T0, "output": {"done": True}, "summary": {"status_counts": {"success": 5, "error": 0}}}})
    client.call_processor.stop_accepting_new_work_and_flush_queue()

    found = list(trace_server(evalmock).calls_query_stream({"project_id": PROJECT}))
    assert [c.id for c in found] == [root, *children]
    assert found[0].output == {"done": True} and found[0].summary["weave"]["latency_ms"] == 9000
    assert [c.output for c in found[1:]] == [{"n": i} for i in range(5)]
    assert {c.summary["weave"]["latency_ms"] for c in found[1:]} == {200}
    journal = requests.get(f"{evalmock.url}/_evalmock/journal", params={"api": "weave"}).json()
    paths = {entry["path"] for entry in (journal["entries"] if isinstance(journal, dict) else journal)}
    expected = {f"/v2/{PROJECT}/call/start", f"/v2/{PROJECT}/calls/complete", f"/v2/{PROJECT}/call/end"} \
        if calls_complete == "true" else {"/call/upsert_batch"}
    assert paths - {"/calls/stream_query"} == expected


def test_a_marked_call_that_failed_is_a_failed_evaluation_run(evalmock):
    run = new_id()
    item = complete(run, run, "Evaluation.evaluate", 0, 2, exception="RuntimeError('x')", inputs={"self": EVALUATION},
                    attributes={"weave": {"evaluation_run": "true", "evaluation": EVALUATION, "model": ref("object", "M")}})
    post(evalmock, f"/v2/{PROJECT}/calls/complete", {"batch": [item]})
    [listed] = json_lines(requests.get(url(evalmock, "/evaluation_runs"), headers=basic()))
    assert (listed["evaluation_run_id"], listed["status"], listed["finished_at"]) == (run, "failed", "2025-03-01T12:00:02Z")
