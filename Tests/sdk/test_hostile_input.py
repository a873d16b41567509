"""Issue 9, hostile input: whatever a client sends, evalmock answers in the API's own dialect
without a server error, stores nothing it rejected, and stores verbatim what it accepted."""
from __future__ import annotations

import json
import socket
import sqlite3
import urllib.parse

import pytest
import requests

from reliability_support import SCALE_GP, SCORECARD_V1, SCORECARD_V2, WEAVE, API, raw_exchange, read_response, request_bytes, scale_gp_item, weave_scorer


def writes(server) -> dict:
    """Where each API writes, with a valid body: (api, path, body)."""
    run = requests.post(server.url + "/v1/run", json={"testset_id": 1}, headers=SCORECARD_V1.auth).json()["id"]
    return {
        "scorecard-v2": (SCORECARD_V2, "/api/v2/runs/7/records", b'{"inputs":{"q":"x"},"expected":{},"outputs":{}}'),
        "scorecard-v1": (SCORECARD_V1, f"/v1/run/{run}/testrecord", b'{"user_query":"x"}'),
        "weave": (WEAVE, "/v2/team/proj/scores", b'{"prediction_id":"p","scorer":"' + weave_scorer().encode() + b'","value":1}'),
        "scale-gp": (SCALE_GP, "/v4/evaluations/e/test-case-results/batch",
                     b'[{"application_spec_id":"s","evaluation_dataset_version_num":"1","test_case_id":"t","test_case_evaluation_data":{"generation_output":"x"}}]'),
    }


def inventory(server) -> dict:
    return requests.get(server.url + "/_evalmock/health").json()["apis"]


def assert_error_in_dialect(api: API, response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    if api.dialect == "apierror":
        assert set(body) == {"code", "message", "details"}, body
    else:
        assert "detail" in body, body


HOSTILE_BODIES = {
    "malformed": lambda valid: b'{"a":',
    "truncated": lambda valid: valid[: len(valid) // 2],
    "trailing comma": lambda valid: b'{"a": 1,}',
    "garbage after value": lambda valid: valid + b" {}",
    "invalid UTF-8 in a string": lambda valid: valid.replace(b'"x"', b'"\xff\xfe"').replace(b'"p"', b'"\xc3\x28"'),
    "invalid UTF-8 outside strings": lambda valid: b"\xff" + valid,
    "NUL byte": lambda valid: valid[:1] + b"\x00" + valid[1:],
    "lone surrogate escape": lambda valid: valid.replace(b'"x"', b'"\\ud800"').replace(b'"p"', b'"\\udc00"'),
    "number with a huge exponent for a declared string": lambda valid: valid.replace(b'"x"', b"1e999999").replace(b'"p"', b"1e999999"),
    "empty array": lambda valid: b"[]",
    "string": lambda valid: b'"hello"',
    "number": lambda valid: b"42",
    "null": lambda valid: b"null",
    "true": lambda valid: b"true",
    "deeply nested": lambda valid: b"[" * 5000 + b"]" * 5000,
}


# Cases that are valid requests for one API, and where that is tested instead.
VALID_ELSEWHERE = {
    ("scorecard-v2", "number with a huge exponent for a declared string"):
        "the replaced value sits in free-form inputs: test_huge_numbers_and_duplicate_keys_in_free_form_data",
    ("scale-gp", "empty array"): "an empty batch is a valid list of items (200 [])",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
@pytest.mark.parametrize("api_name", ["scorecard-v2", "scorecard-v1", "weave", "scale-gp"])
def test_hostile_bodies_get_an_error_in_the_dialect_and_store_nothing(evalmock, api_name, name):
    api, path, valid = writes(evalmock)[api_name]
    before = inventory(evalmock)
    if (api_name, name) in VALID_ELSEWHERE:
        pytest.skip(VALID_ELSEWHERE[(api_name, name)])
    body = HOSTILE_BODIES[name](valid)
    response = requests.post(evalmock.url + path, data=body, headers={**api.auth, "Content-Type": "application/json"})
    assert_error_in_dialect(api, response)
    assert inventory(evalmock) == before


@pytest.mark.parametrize("api_name", ["scorecard-v1", "weave", "scale-gp"])
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/octet-stream", "text/json"])
def test_fastapi_services_validate_a_body_of_another_content_type_as_raw_text(evalmock, api_name, content_type):
    """FastAPI reads the body as JSON only for no Content-Type, application/json or
    application/*+json; otherwise the model is validated against the raw body and fails."""
    api, path, valid = writes(evalmock)[api_name]
    before = inventory(evalmock)
    response = requests.post(evalmock.url + path, data=valid, headers={**api.auth, "Content-Type": content_type})
    assert response.status_code == 422, response.text
    [error] = response.json()["detail"]
    assert error["loc"] == ["body"] and error["input"] == valid.decode()
    assert error["type"] == ("list_type" if api_name == "scale-gp" else "model_attributes_type")
    assert inventory(evalmock) == before
    for json_type in ("application/json; charset=utf-8", "application/vnd.evalmock+json", None):
        headers = {**api.auth, **({"Content-Type": json_type} if json_type else {})}
        assert requests.post(evalmock.url + path, data=valid, headers=headers).status_code == 200


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_scorecard_reads_the_body_as_json_whatever_the_content_type(evalmock, content_type):
    api, path, valid = writes(evalmock)["scorecard-v2"]
    headers = {**api.auth, **({"Content-Type": content_type} if content_type else {})}
    response = requests.post(evalmock.url + path, data=valid, headers=headers)
    assert response.status_code == 201 and response.json()["inputs"] == {"q": "x"}


SQL_LIKE = ["'; DROP TABLE scorecard_records; --", "1 OR 1=1", "\" OR \"\"=\"", "x'); DELETE FROM weave_calls; --", "%' --"]


def test_sql_looking_strings_are_stored_and_returned_verbatim(evalmock):
    for text in SQL_LIKE:
        run = urllib.parse.quote(text, safe="")
        created = requests.post(evalmock.url + f"/api/v2/runs/{run}/records", json={"inputs": {"q": text}, "expected": {text: text}, "outputs": {}},
                                headers=SCORECARD_V2.auth)
        assert created.status_code == 201, created.text
        assert created.json()["runId"] == text and created.json()["inputs"] == {"q": text}
        tag = requests.post(evalmock.url + f"/api/v2/records/{created.json()['id']}/tags", json={"text": text}, headers=SCORECARD_V2.auth)
        assert tag.status_code == 201 and tag.json()["text"] == text
        listed = requests.get(evalmock.url + f"/api/v2/runs/{run}/records", headers=SCORECARD_V2.auth).json()["data"]
        assert [(r["runId"], r["inputs"]) for r in listed] == [(text, {"q": text})]
        score = requests.post(evalmock.url + "/v2/team/proj/scores", json={"prediction_id": text, "scorer": weave_scorer(), "value": text},
                              headers=WEAVE.auth)
        assert score.status_code == 200, score.text
        read = requests.get(evalmock.url + f"/v2/team/proj/scores/{score.json()['score_id']}", headers=WEAVE.auth).json()
        assert read["value"] == text
        result = requests.post(evalmock.url + "/v4/evaluations/e/test-case-results/batch", json=[scale_gp_item(text)], headers=SCALE_GP.auth)
        assert result.status_code == 200 and result.json()[0]["test_case_id"] == text
    counts = inventory(evalmock)
    assert counts["scorecard-v2"]["records"] == len(SQL_LIKE) and counts["scorecard-v2"]["recordTags"] == len(SQL_LIKE)
    assert counts["weave"]["score"] == len(SQL_LIKE) and counts["scale-gp"]["testCaseResults"] == len(SQL_LIKE)
    evalmock.stop()
    with sqlite3.connect(evalmock.db) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_huge_numbers_and_duplicate_keys_in_free_form_data(evalmock):
    body = b'{"inputs":{"big":123456789012345678901234567890,"tiny":1e-999999,"huge":-1.5e999999,"dup":1,"dup":2},"expected":{},"outputs":{}}'
    created = requests.post(evalmock.url + "/api/v2/runs/9/records", data=body, headers={**SCORECARD_V2.auth, "Content-Type": "application/json"})
    assert created.status_code == 201
    # Numbers keep their text; a repeated key keeps its last value, as JSON.parse and Python's json do.
    assert b'"inputs":{"big":123456789012345678901234567890,"tiny":1e-999999,"huge":-1.5e999999,"dup":2}' in created.content
    listed = requests.get(evalmock.url + "/api/v2/runs/9/records", headers=SCORECARD_V2.auth)
    assert b'"big":123456789012345678901234567890,"tiny":1e-999999,"huge":-1.5e999999,"dup":2' in listed.content


@pytest.mark.parametrize("path, status", [
    ("/api/v2/records/%2e%2e%2f%2e%2e%2f_evalmock%2fhealth/tags", 404),
    ("/api/v2/records/..%2F..%2Fetc%2Fpasswd/tags", 404),
    ("/api/v2/runs/../../_evalmock/health", 404),
    ("/api/v2/records/%zz/tags", 404),
    ("/v1/run/..%2F1", 422),
    ("/v1/run/%00", 422),
    ("/v2/..%2F..%2Fteam/proj/scores/x", 404),
    ("/v4/evaluations/%2e%2e/test-case-results/%2F%2F", 404),
])
def test_percent_encoded_and_traversal_looking_path_ids_are_plain_ids(evalmock, path, status):
    api = {"/api": SCORECARD_V2, "/v1/": SCORECARD_V1, "/v2/": WEAVE, "/v4/": SCALE_GP}[next(p for p in ("/api", "/v1/", "/v2/", "/v4/") if path.startswith(p))]
    answer = raw_exchange(evalmock.port, request_bytes("GET", path, {**api.auth, "Connection": "close"}))
    assert answer.split(b"\r\n", 1)[0].split(b" ")[1] == str(status).encode(), answer[:300]
    assert b"application/json" in answer.split(b"\r\n\r\n", 1)[0]
    assert b'"status":"ok"' not in answer  # never the control endpoint


def test_very_long_ids_are_stored_and_found(evalmock):
    run = "r" * 20000
    created = requests.post(evalmock.url + f"/api/v2/runs/{run}/records", json={"inputs": {}, "expected": {}, "outputs": {}}, headers=SCORECARD_V2.auth)
    assert created.status_code == 201 and created.json()["runId"] == run
    assert len(requests.get(evalmock.url + f"/api/v2/runs/{run}/records", headers=SCORECARD_V2.auth).json()["data"]) == 1
    missing = requests.get(evalmock.url + "/v4/evaluations/e/test-case-results/" + "x" * 30000, headers=SCALE_GP.auth)
    assert missing.status_code == 404 and "detail" in missing.json()
    v1 = requests.get(evalmock.url + "/v1/run/" + "9" * 5000, headers=SCORECARD_V1.auth)
    assert v1.status_code in (404, 422) and "detail" in v1.json() or "error" in v1.json()


# What libevent 2.1 would answer with its own HTML page, answered in the API's dialect instead.
APIS_BY_NAME = {api.name: api for api in (SCORECARD_V2, SCORECARD_V1, WEAVE, SCALE_GP)}


def exchange(server, data: bytes) -> tuple[socket.socket, int, dict, dict]:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(data)
    status, headers, body = read_response(sock)
    assert headers["content-type"] == "application/json", headers
    return sock, status, headers, json.loads(body)


def assert_closed_and_serving(server, sock, headers) -> None:
    assert headers["connection"] == "close"
    assert sock.recv(1) == b""
    sock.close()
    assert requests.get(server.url + "/_evalmock/health").status_code == 200


@pytest.mark.parametrize("method", ["QUERY", "PROPFIND", "SEARCH"])
@pytest.mark.parametrize("api_name", ["scorecard-v2", "scorecard-v1", "weave", "scale-gp"])
def test_methods_libevent_does_not_know_get_405_with_allow_in_the_dialect(evalmock, api_name, method):
    api = APIS_BY_NAME[api_name]
    allow = requests.request("TRACE", evalmock.url + api.read_path, headers=api.auth).headers["allow"]
    sock, status, headers, body = exchange(evalmock, request_bytes(method, api.read_path, api.auth))
    assert status == 405 and headers["allow"] == allow, (status, headers, body)
    if api.dialect == "apierror":
        assert body == {"code": "METHOD_NOT_ALLOWED", "message": f"{method} is not allowed on {api.read_path}",
                        "details": {"allowed": [m.strip() for m in allow.split(",")]}}
    else:
        assert body == {"detail": "Method Not Allowed"}
    # The connection stays usable.
    sock.sendall(request_bytes("GET", api.read_path, api.auth))
    assert read_response(sock)[0] < 500
    sock.close()


def test_a_malformed_request_line_gets_the_control_apis_400(evalmock):
    sock, status, headers, body = exchange(evalmock, b"GARBAGE\r\nHost: x\r\n\r\n")
    assert status == 400 and body == {"error": "malformed_request_line", "message": "Malformed request line"}
    assert_closed_and_serving(evalmock, sock, headers)


@pytest.mark.parametrize("version", ["HTTP/2.0", "HTTP/3", "HTTQ/1.1"])
@pytest.mark.parametrize("api_name", ["scorecard-v2", "scale-gp"])
def test_an_unsupported_http_version_gets_400_in_the_dialect(evalmock, api_name, version):
    api = APIS_BY_NAME[api_name]
    sock, status, headers, body = exchange(evalmock, f"GET {api.read_path} {version}\r\nHost: x\r\n\r\n".encode())
    message = f"Unsupported HTTP version '{version}'"
    assert status == 400
    assert body == ({"code": "BAD_REQUEST", "message": message, "details": {}} if api.dialect == "apierror" else {"detail": message})
    assert_closed_and_serving(evalmock, sock, headers)


@pytest.mark.parametrize("api_name", ["scorecard-v2", "scorecard-v1", "weave", "scale-gp"])
def test_a_malformed_header_line_gets_400_in_the_dialect(evalmock, api_name):
    api = APIS_BY_NAME[api_name]
    data = request_bytes("GET", api.read_path, api.auth).replace(b"Host: 127.0.0.1", b"Host 127.0.0.1")
    sock, status, headers, body = exchange(evalmock, data)
    assert status == 400
    message = "Malformed header line"
    assert body == ({"code": "BAD_REQUEST", "message": message, "details": {}} if api.dialect == "apierror" else {"detail": message})
    assert_closed_and_serving(evalmock, sock, headers)
