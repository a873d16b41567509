"""Scorecard v1 (runs and testrecords) through the real v1 client, `scorecard-ai==1.1.1`, and
raw HTTP where the exact bytes matter. The contract: create a run, create testrecords in it, get
each back; errors in the service's own bodies; fixtures that come back exactly as written."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections import OrderedDict
from pathlib import Path

from enum import Enum

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from conftest import BINARY, OPENAPI, REPO
from scorecard_v1_client import V1ClientError

FIXTURES = REPO / "fixtures"
RUN = "/v1/run"
RUN_BY_ID = "/v1/run/{run_id}"
RUN_STATUS = "/v1/run/{run_id}/status"
TESTRECORDS = "/v1/run/{run_id}/testrecord"
TESTRECORD = "/v1/run/{run_id}/testrecord/{testrecord_id}"
KEY = {"X-API-Key": "ak_test"}
# The v1 client parses `model_params` and `model_debug_info` values as Union[int, float, str]
# with `construct_type`, which tries int first and truncates floats (0.9 -> 0). Those two maps
# are compared on the raw HTTP body; the client's view of every other field is compared as is.
TRUNCATED_BY_THE_CLIENT = {"model_params", "model_debug_info"}
TESTRECORD_KEYS = ["id", "created_at", "run_id", "testset_id", "testcase_id", "user_query", "context",
                   "model_response", "ideal", "custom_inputs", "custom_labels", "custom_outputs", "status",
                   "prompt", "model_params", "model_debug_info", "error_message"]

# The example of the published "Read Testrecord" page (docs.scorecard.io, api-reference/v1),
# byte for byte: fixtures/scorecard-v1/moon-facts.json holds it as run 334 / testrecord 15.
SEED_EXAMPLE = """{
  "id": 15,
  "created_at": "2025-02-06T00:05:50.146678",
  "run_id": 334,
  "testset_id": 13,
  "testcase_id": 124,
  "user_query": "What is the moon made of?",
  "context": "After the Apollo missions, we know the moon is made of cheese.",
  "model_response": "The moon is made of cheese.",
  "ideal": "The moon is made of rock.",
  "custom_inputs": {},
  "custom_labels": {},
  "custom_outputs": {},
  "status": "awaiting_scoring",
  "prompt": "You are a helpful assistant. Use the provided context to answer the user query.",
  "model_params": {
    "isCustom": false,
    "maxTokens": 2048,
    "modelName": "gpt-4-1106-preview",
    "temperature": 0,
    "topP": 0.9
  },
  "model_debug_info": {
    "completion_token_count": 92,
    "latency_seconds": 3.23607873916626,
    "prompt_token_count": 28,
    "total_cost": 0.00304,
    "total_token_count": 120
  },
  "error_message": "Error generating a model response."
}"""

UNAUTHENTICATED = {"error": "unauthenticated", "error_description": "The request is not authenticated", "status_code": 401}
FORBIDDEN = {"error": "unauthorized", "error_description": "The user is not authorized to view the requsted resource", "status_code": 403}
NOT_FOUND = {"error": "not found", "error_description": "The requested resource was not found", "status_code": 404}


def ordered(text: str) -> list:
    """JSON with object key order kept, to compare order as well as values."""
    return json.loads(text, object_pairs_hook=lambda pairs: list(pairs))


def get(server, path: str, headers=KEY) -> httpx.Response:
    return httpx.get(server.url + path, headers=headers)


def counts(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as connection:
        return (connection.execute("SELECT COUNT(*) FROM scorecard_v1_runs").fetchone()[0],
                connection.execute("SELECT COUNT(*) FROM scorecard_v1_testrecords").fetchone()[0])


def test_create_a_run_and_testrecords_then_get_each_back(evalmock, scorecard_v1, scorecard_v1_spec):
    v1 = scorecard_v1(evalmock)
    run = v1.run.create(testset_id=13, scoring_config_id=3345, status="running_execution",
                        model_params={"modelName": "gpt-4o", "temperature": 0.2}, source="api",
                        notes="nightly", prompt_template="Answer: {{user_query}}", metrics=[1, 2, 3])
    assert run.type == "Run" and isinstance(run.value["id"], int)
    assert {k: run.value[k] for k in ("testset_id", "scoring_config_id", "status", "source", "notes", "prompt_template")} == {
        "testset_id": 13, "scoring_config_id": 3345, "status": "running_execution", "source": "api",
        "notes": "nightly", "prompt_template": "Answer: {{user_query}}"}
    assert run.value["model_params"] == {"modelName": "gpt-4o", "temperature": 0.2}
    assert run.field_types["created_at"] == "datetime"
    scorecard_v1_spec.assert_response(RUN_BY_ID, "get", get(evalmock, f"/v1/run/{run.value['id']}"))

    sent = [
        dict(testset_id=13, testcase_id=124, user_query="What is the moon made of?", context="Apollo samples.",
             response="Mostly silicate rock.", ideal="Rock.", prompt="Be brief.",
             custom_inputs={"topic": "astronomy", "source": {"url": "https://example.com/moon.pdf", "name": "moon.pdf"}},
             custom_outputs={"trace": {"value": {"steps": [1, 2]}}}, custom_labels={"difficulty": "easy"},
             model_params={"modelName": "gpt-4o", "maxTokens": 256, "temperature": 0.2},
             model_debug_info={"latency_seconds": 1.25, "total_token_count": 120}),
        dict(testset_id=13, testcase_id=125, user_query="Is the moon made of cheese?", response="Não, é rocha. 🌕"),
        dict(testcase_id=126, user_query="Does the moon have air?", response=None, error_message="The model timed out."),
    ]
    for fields in sent:
        created = v1.testrecord.create(run_id=run.value["id"], **fields)
        assert created.type == "Testrecord"
        assert created.value["run_id"] == run.value["id"] and created.value["status"] == "awaiting_scoring"
        got = v1.testrecord.get(testrecord_id=created.value["id"], run_id=run.value["id"])
        assert got.value == created.value
        assert got.value["model_response"] == fields.get("response")
        assert got.field_types["created_at"] == "datetime"
        raw = get(evalmock, f"/v1/run/{run.value['id']}/testrecord/{created.value['id']}")
        assert [key for key, _ in ordered(raw.text)] == TESTRECORD_KEYS
        scorecard_v1_spec.assert_response(TESTRECORD, "get", raw)
        for name, value in fields.items():
            if name != "response":
                assert (raw.json() if name in TRUNCATED_BY_THE_CLIENT else got.value)[name] == value, name

    with sqlite3.connect(evalmock.db) as db:
        stored = db.execute("SELECT model_response, custom_inputs FROM scorecard_v1_testrecords ORDER BY id").fetchall()
    assert stored[0] == ("Mostly silicate rock.", '{"topic":"astronomy","source":{"url":"https://example.com/moon.pdf","name":"moon.pdf"}}')
    assert [row[0] for row in stored] == ["Mostly silicate rock.", "Não, é rocha. 🌕", None]


def test_raw_create_answers_match_the_document(evalmock, scorecard_v1_spec):
    created = httpx.post(evalmock.url + RUN, headers=KEY, json={"testset_id": 1})
    assert created.status_code == 200
    scorecard_v1_spec.assert_response(RUN, "post", created)
    body = created.json()
    # The document's defaults, as pydantic fills them in.
    assert (body["status"], body["source"]) == ("awaiting_execution", "api")
    assert body["created_at"] == body["updated_at"]
    record = httpx.post(f"{evalmock.url}/v1/run/{body['id']}/testrecord", headers=KEY, json={"response": "x", "testset_id": "7"})
    assert record.status_code == 200
    scorecard_v1_spec.assert_response(TESTRECORDS, "post", record)
    # pydantic's lax mode reads "7" as the integer 7.
    assert record.json()["testset_id"] == 7 and record.json()["model_response"] == "x"
    status = httpx.patch(f"{evalmock.url}/v1/run/{body['id']}/status", headers=KEY, json={"status": "completed"})
    scorecard_v1_spec.assert_response(RUN_STATUS, "patch", status)


def test_run_status_moves_through_every_status_and_stamps_the_phases(evalmock, scorecard_v1):
    v1 = scorecard_v1(evalmock)
    run_id = v1.run.create(testset_id=13).value["id"]
    assert v1.run.get(run_id=run_id).value["status"] == "awaiting_execution"
    statuses = ["pending", "awaiting_execution", "running_execution", "awaiting_scoring", "running_scoring",
                "awaiting_human_scoring", "completed"]
    for status in statuses:
        assert v1.run.update_status(run_id=run_id, status=status).value["status"] == status
    run = v1.run.get(run_id=run_id).value
    assert run["status"] == "completed"
    assert run["execution_start_time"] < run["execution_end_time"] <= run["scoring_start_time"] < run["scoring_end_time"]
    assert run["updated_at"] > run["created_at"]
    # An empty body takes the document's default status.
    default = httpx.patch(f"{evalmock.url}/v1/run/{run_id}/status", headers=KEY, json={})
    assert default.json()["status"] == "awaiting_execution"
    # The client sends no body at all when no status is given: the body is required, so 422.
    with pytest.raises(V1ClientError) as raised:
        v1.run.update_status(run_id=run_id)
    assert raised.value.body == {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]}


def test_the_seed_example_loaded_from_fixtures_comes_back_field_for_field(start_evalmock, scorecard_v1, scorecard_v1_spec):
    server = start_evalmock("--fixtures", str(FIXTURES))
    raw = get(server, "/v1/run/334/testrecord/15")
    assert raw.status_code == 200
    assert ordered(raw.text) == ordered(SEED_EXAMPLE)
    assert raw.content == json.dumps(json.loads(SEED_EXAMPLE), separators=(",", ":"), ensure_ascii=False).encode()
    scorecard_v1_spec.assert_response(TESTRECORD, "get", raw)
    got = scorecard_v1(server).testrecord.get(testrecord_id=15, run_id=334)
    assert got.type == "Testrecord"
    seed = json.loads(SEED_EXAMPLE)
    assert {k: v for k, v in got.value.items() if k not in TRUNCATED_BY_THE_CLIENT} == {
        k: v for k, v in seed.items() if k not in TRUNCATED_BY_THE_CLIENT}
    assert got.field_types["created_at"] == "datetime"


def test_every_fixture_comes_back_as_written_and_validates(start_evalmock, scorecard_v1_spec):
    server = start_evalmock("--fixtures", str(FIXTURES))
    testrecords, runs = [], []
    for file in sorted((FIXTURES / "scorecard-v1").glob("*.json")):
        content = json.loads(file.read_text())
        runs += content["runs"]
        testrecords += content["testrecords"]
    assert len({t["status"] for t in testrecords}) >= 3 and any(t["error_message"] for t in testrecords)
    for run in runs:
        raw = get(server, f"/v1/run/{run['id']}")
        assert raw.json() == run
        scorecard_v1_spec.assert_response(RUN_BY_ID, "get", raw)
    for testrecord in testrecords:
        raw = get(server, f"/v1/run/{testrecord['run_id']}/testrecord/{testrecord['id']}")
        assert raw.json() == testrecord
        scorecard_v1_spec.assert_response(TESTRECORD, "get", raw)


def test_loading_fixtures_twice_does_not_duplicate(start_evalmock, tmp_path, scorecard_v1):
    db = tmp_path / "twice.db"
    first = start_evalmock("--fixtures", str(FIXTURES), db=db)
    assert counts(db) == (2, 6)
    first.stop()
    second = start_evalmock("--fixtures", str(FIXTURES), db=db)
    assert counts(db) == (2, 6)
    assert ordered(get(second, "/v1/run/334/testrecord/15").text) == ordered(SEED_EXAMPLE)
    # New ids continue above the fixtures' ids.
    run = scorecard_v1(second).run.create(testset_id=13).value
    assert run["id"] > 335


def test_environment_variable_names_the_fixtures(tmp_path):
    process = subprocess.Popen(
        [str(BINARY), "serve", "--port", "0", "--db", str(tmp_path / "env.db"), "--openapi-dir", str(OPENAPI)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={"EVALMOCK_FIXTURES": str(FIXTURES)},
    )
    try:
        port = process.stdout.readline().split("http://127.0.0.1:")[1].split(" ")[0]
        assert httpx.get(f"http://127.0.0.1:{port}/v1/run/334/testrecord/15", headers=KEY).json()["id"] == 15
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("content, message", [
    ({"testrecords": [{"id": 1, "run_id": 999}]}, "run_id 999 is not a run of the fixtures or the database"),
    ({"runs": [{"id": 1, "colour": "red"}]}, 'runs[0] has no field "colour"'),
    ({"runs": [{"id": "one"}]}, "runs[0].id must be of type integer"),
    ({"runs": [{"status": "pending"}]}, "runs[0].id is required"),
    ({"records": []}, 'unknown member "records"'),
])
def test_a_bad_fixture_stops_start_up_and_stores_nothing(tmp_path, content, message):
    (tmp_path / "fixtures" / "scorecard-v1").mkdir(parents=True)
    (tmp_path / "fixtures" / "scorecard-v1" / "bad.json").write_text(json.dumps(content))
    db = tmp_path / "bad.db"
    result = subprocess.run(
        [str(BINARY), "serve", "--port", "0", "--db", str(db), "--openapi-dir", str(OPENAPI), "--fixtures", str(tmp_path / "fixtures")],
        capture_output=True, text=True, timeout=20,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: fixture ") and message in result.stderr
    assert counts(db) == (0, 0)


def test_testrecords_persist_across_a_restart(evalmock, scorecard_v1):
    run_id = scorecard_v1(evalmock).run.create(testset_id=2).value["id"]
    created = scorecard_v1(evalmock).testrecord.create(run_id=run_id, response="kept").value
    evalmock.restart()
    assert scorecard_v1(evalmock).testrecord.get(testrecord_id=created["id"], run_id=run_id).value == created


# --- errors, with the exact bodies -----------------------------------------------------------

def test_no_api_key_is_a_401_with_the_unauthenticated_body(evalmock, scorecard_v1, scorecard_v1_spec):
    raw = get(evalmock, "/v1/run/1/testrecord/1", headers={})
    assert (raw.status_code, raw.json()) == (401, UNAUTHENTICATED)
    scorecard_v1_spec.assert_response(TESTRECORD, "get", raw)
    with pytest.raises(V1ClientError) as raised:
        scorecard_v1(evalmock, api_key="").testrecord.get(testrecord_id=1, run_id=1)
    assert (raised.value.name, raised.value.body_type, raised.value.body) == ("UnauthorizedError", "UnauthenticatedError", UNAUTHENTICATED)


def test_a_key_that_is_not_configured_is_a_403(start_evalmock, scorecard_v1, scorecard_v1_spec):
    server = start_evalmock("--api-key", "ak_good", "--fixtures", str(FIXTURES))
    with pytest.raises(V1ClientError) as raised:
        scorecard_v1(server, api_key="ak_other").testrecord.get(testrecord_id=15, run_id=334)
    assert (raised.value.name, raised.value.status_code, raised.value.body_type, raised.value.body) == (
        "ForbiddenError", 403, "UnauthorizedErrorBody", FORBIDDEN)
    raw = httpx.post(server.url + RUN, headers={"X-API-Key": "ak_other"}, json={})
    assert (raw.status_code, raw.json()) == (403, FORBIDDEN)
    scorecard_v1_spec.assert_response(RUN, "post", raw)
    assert scorecard_v1(server, api_key="ak_good").testrecord.get(testrecord_id=15, run_id=334).value["id"] == 15


@pytest.mark.parametrize("method, kwargs", [
    ("testrecord.get", {"testrecord_id": 15, "run_id": 999}),
    ("testrecord.get", {"testrecord_id": 999, "run_id": 334}),
    # Testrecord 18 exists, but in run 335: it is not visible under run 334.
    ("testrecord.get", {"testrecord_id": 18, "run_id": 334}),
    ("run.get", {"run_id": 999}),
    ("run.update_status", {"run_id": 999, "status": "completed"}),
    ("testrecord.create", {"run_id": 999, "response": "orphan"}),
])
def test_unknown_runs_and_testrecords_raise_the_clients_not_found_error(start_evalmock, scorecard_v1, method, kwargs):
    server = start_evalmock("--fixtures", str(FIXTURES))
    target = scorecard_v1(server)
    for part in method.split("."):
        target = getattr(target, part)
    with pytest.raises(V1ClientError) as raised:
        target(**kwargs)
    assert (raised.value.name, raised.value.status_code, raised.value.body_type, raised.value.body) == (
        "NotFoundError", 404, "NotFoundErrorBody", NOT_FOUND)
    assert counts(server.db) == (2, 6)


def test_the_not_found_body_is_the_documents(start_evalmock, scorecard_v1_spec):
    server = start_evalmock("--fixtures", str(FIXTURES))
    raw = get(server, "/v1/run/335/testrecord/15")
    assert (raw.status_code, raw.json()) == (404, NOT_FOUND)
    scorecard_v1_spec.assert_response(TESTRECORD, "get", raw)


def test_a_non_integer_path_id_is_a_422(evalmock, scorecard_v1, scorecard_v1_spec):
    raw = get(evalmock, "/v1/run/abc/testrecord/15")
    assert (raw.status_code, raw.json()) == (422, {"detail": [{
        "type": "int_parsing", "loc": ["path", "run_id"],
        "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "abc"}]})
    scorecard_v1_spec.assert_response(TESTRECORD, "get", raw)
    with pytest.raises(V1ClientError) as raised:
        scorecard_v1(evalmock).testrecord.get(testrecord_id="x1", run_id=334)
    assert (raised.value.name, raised.value.body_type) == ("UnprocessableEntityError", "HttpValidationError")
    assert raised.value.body == {"detail": [{
        "type": "int_parsing", "loc": ["path", "testrecord_id"],
        "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "x1"}]}


@pytest.mark.parametrize("path, body, detail", [
    (RUN, {"testset_id": "abc"}, [{"type": "int_parsing", "loc": ["body", "testset_id"],
                                   "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "abc"}]),
    (RUN, {"notes": 5, "metrics": [1, "x"]}, [
        {"type": "string_type", "loc": ["body", "notes"], "msg": "Input should be a valid string", "input": 5},
        {"type": "int_parsing", "loc": ["body", "metrics", 1], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "x"}]),
    (RUN, {"prompt_id": "p-1"}, [{"type": "extra_forbidden", "loc": ["body", "prompt_id"], "msg": "Extra inputs are not permitted", "input": "p-1"}]),
    ("/v1/run/{run}/testrecord", {"response": ["not", "text"]}, [
        {"type": "string_type", "loc": ["body", "response"], "msg": "Input should be a valid string", "input": ["not", "text"]}]),
    ("/v1/run/{run}/testrecord", {"model_response": "x"}, [
        {"type": "extra_forbidden", "loc": ["body", "model_response"], "msg": "Extra inputs are not permitted", "input": "x"}]),
])
def test_an_invalid_body_is_a_422_and_stores_nothing(evalmock, path, body, detail):
    run_id = httpx.post(evalmock.url + RUN, headers=KEY, json={}).json()["id"]
    before = counts(evalmock.db)
    raw = httpx.post(evalmock.url + path.format(run=run_id), headers=KEY, json=body)
    assert (raw.status_code, raw.json()) == (422, {"detail": detail})
    assert counts(evalmock.db) == before


def test_an_unknown_status_is_a_422_through_the_client(evalmock, scorecard_v1):
    v1 = scorecard_v1(evalmock)
    run_id = v1.run.create(testset_id=1).value["id"]
    with pytest.raises(V1ClientError) as raised:
        v1.run.update_status(run_id=run_id, status="finished")
    expected = ("'pending', 'awaiting_execution', 'running_execution', 'awaiting_scoring', 'running_scoring', "
                "'awaiting_human_scoring' or 'completed'")
    assert raised.value.name == "UnprocessableEntityError"
    assert raised.value.body == {"detail": [{"type": "enum", "loc": ["body", "status"], "msg": f"Input should be {expected}",
                                             "input": "finished", "ctx": {"expected": expected}}]}
    assert v1.run.get(run_id=run_id).value["status"] == "awaiting_execution"


class RunStatus(str, Enum):
    pending = "pending"
    awaiting_execution = "awaiting_execution"
    running_execution = "running_execution"
    awaiting_scoring = "awaiting_scoring"
    running_scoring = "running_scoring"
    awaiting_human_scoring = "awaiting_human_scoring"
    completed = "completed"


class UpdateStatusParams(BaseModel):
    """The PATCH body as the service declares it (the document's only enumeration)."""
    status: RunStatus = RunStatus.awaiting_execution


def update_status_errors(body) -> list[dict]:
    try:
        UpdateStatusParams.model_validate(body, from_attributes=True)
    except ValidationError as error:
        return json.loads(json.dumps([{**e, "loc": ["body", *e["loc"]]} for e in error.errors(include_url=False)]))
    return []


def test_a_status_that_is_no_run_status_gets_pydantics_enum_error_whatever_its_type(evalmock):
    run_id = httpx.post(evalmock.url + RUN, headers=KEY, json={}).json()["id"]
    for status in [None, 0, 1, 2.5, 1.0, True, False, {}, {"status": "completed"}, [], ["completed"], "finished", "", "Completed", " completed"]:
        expected = update_status_errors({"status": status})
        assert expected and expected[0]["type"] == "enum"
        raw = httpx.patch(evalmock.url + RUN_STATUS.format(run_id=run_id), headers=KEY, json={"status": status})
        assert (raw.status_code, raw.json()) == (422, {"detail": expected}), status
    assert get(evalmock, RUN_BY_ID.format(run_id=run_id)).json()["status"] == "awaiting_execution"


def test_a_missing_or_malformed_body_is_a_422(evalmock):
    missing = httpx.post(evalmock.url + RUN, headers=KEY)
    assert (missing.status_code, missing.json()) == (422, {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]})
    malformed = httpx.post(evalmock.url + RUN, headers={**KEY, "Content-Type": "application/json"}, content=b'{"testset_id": ')
    assert malformed.status_code == 422 and malformed.json()["detail"][0]["type"] == "json_invalid"
    assert counts(evalmock.db) == (0, 0)


def test_unknown_v1_routes_answer_as_fastapi_does(evalmock):
    assert (get(evalmock, "/v1/testsets").status_code, get(evalmock, "/v1/testsets").json()) == (404, {"detail": "Not Found"})
    deleted = httpx.delete(evalmock.url + "/v1/run/1", headers=KEY)
    assert (deleted.status_code, deleted.json()) == (405, {"detail": "Method Not Allowed"})
