"""Issue 9, limits: each configurable, each answered in the API's own error dialect (also past
the point where libevent stops reading, see the README's limits table), and none of them a
crash."""
from __future__ import annotations

import json
import socket
import time

import pytest
import requests

from reliability_support import APIS, SCALE_GP, SCORECARD_V2, assert_dialect, assert_dialect_body, raw_exchange, read_response, request_bytes, scale_gp_item

LIMITS = ("--max-header-bytes", "2048", "--max-uri-bytes", "1024", "--max-body-bytes", "4096",
          "--max-json-depth", "8", "--max-batch-items", "3")


@pytest.fixture
def limited(start_evalmock):
    return start_evalmock(*LIMITS, "--log-level", "warning")


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_header_fields_over_the_limit_get_431_in_the_dialect(limited, api):
    response = requests.get(limited.url + api.read_path, headers={**api.auth, "X-Padding": "a" * 2100})
    assert_dialect(api, response, 431, "header fields are larger than 2048 bytes")
    assert response.headers["connection"] == "close"
    # Just under the limit is an ordinary request.
    assert requests.get(limited.url + api.read_path, headers={**api.auth, "X-Padding": "a" * 1500}).status_code < 500


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_uri_over_the_limit_gets_414_in_the_dialect(limited, api):
    response = requests.get(limited.url + api.read_path + "?pad=" + "x" * 1100, headers=api.auth)
    assert_dialect(api, response, 414, "URI is longer than 1024 bytes")


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_unknown_routes_get_the_limit_answer_of_the_api_owning_the_prefix(limited, api):
    prefix = api.read_path.rsplit("/", 1)[0]
    response = requests.get(limited.url + prefix + "/nowhere/" + "y" * 1100, headers=api.auth)
    assert_dialect(api, response, 414, "URI is longer")


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_beyond_four_times_the_header_limit_libevent_stops_reading_and_the_answer_is_431_in_the_dialect(limited, api):
    """Above 4x max(header, URI) limit libevent stops reading the head; the answer is still the API's."""
    with socket.create_connection(("127.0.0.1", limited.port), timeout=5) as sock:
        sock.sendall(request_bytes("GET", api.read_path, {**api.auth, "X-Padding": "a" * 9000}))
        status, headers, body = read_response(sock)
        assert status == 431 and headers["connection"] == "close", (status, body)
        assert headers["content-type"] == "application/json"
        assert_dialect_body(api, json.loads(body), "header fields are larger than 2048 bytes")
        assert sock.recv(1) == b""  # closed
    assert requests.get(limited.url + api.read_path, headers=api.auth).status_code < 500


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_a_request_line_beyond_four_times_the_uri_limit_gets_414_in_the_dialect(limited, api):
    answer = raw_exchange(limited.port, request_bytes("GET", api.read_path + "?pad=" + "x" * 9000, api.auth))
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 URI Too Long"), answer[:200]
    assert_dialect_body(api, json.loads(body), "URI is longer than 1024 bytes")


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_a_body_far_beyond_the_limit_gets_413_in_the_dialect_before_it_is_read(limited, api):
    """Above 4x the body limit libevent stops reading at the Content-Length; nothing is stored."""
    before = requests.get(limited.url + "/_evalmock/health").json()["apis"]
    head = request_bytes("POST", api.read_path, {**api.auth, "Content-Type": "application/json"}, b"").replace(
        b"Content-Length: 0", b"Content-Length: 1000000000")
    answer = raw_exchange(limited.port, head + b'{"a":' + b" " * 1000)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413 Payload Too Large") and b"Connection: close" in head, answer[:300]
    assert_dialect_body(api, json.loads(body), "Request body is larger than 4096 bytes")
    assert requests.get(limited.url + "/_evalmock/health").json()["apis"] == before


@pytest.mark.parametrize("api", APIS, ids=lambda api: api.name)
def test_body_over_the_limit_gets_413_in_the_dialect(limited, api):
    response = requests.post(limited.url + api.read_path, data=b"[" + b"1," * 3000 + b"1]",
                             headers={**api.auth, "Content-Type": "application/json"})
    if response.status_code == 405:  # a read-only route (Scorecard v1's run): the size check comes after routing
        return
    assert_dialect(api, response, 413, "larger than 4096 bytes")


def test_json_nested_deeper_than_the_limit_is_malformed_in_each_dialect(limited):
    deep = "[" * 9 + "]" * 9
    v2 = requests.post(limited.url + "/api/v2/runs/1/records", data='{"inputs":{"a":' + deep + '}}',
                       headers={**SCORECARD_V2.auth, "Content-Type": "application/json"})
    assert v2.status_code == 400 and v2.json()["code"] == "BAD_REQUEST" and "deep" in v2.json()["message"].lower(), v2.text
    sgp = requests.post(limited.url + "/v4/evaluations/e/test-case-results/batch", data=deep,
                        headers={**SCALE_GP.auth, "Content-Type": "application/json"})
    assert sgp.status_code == 422 and sgp.json()["detail"][0]["type"] == "json_invalid", sgp.text
    shallow = requests.post(limited.url + "/api/v2/runs/1/records", json={"inputs": {"a": [[[[1]]]]}, "expected": {}, "outputs": {}},
                            headers=SCORECARD_V2.auth)
    assert shallow.status_code == 201, shallow.text


def test_batches_over_the_item_limit_get_413_and_store_nothing(limited):
    url = limited.url + "/v4/evaluations/eval-batch/test-case-results"
    too_many = requests.post(url + "/batch", json=[scale_gp_item(f"tc-{i}") for i in range(4)], headers=SCALE_GP.auth)
    assert_dialect(SCALE_GP, too_many, 413, "Batch of 4 items is larger than the limit of 3 items")
    assert requests.get(url, headers=SCALE_GP.auth).status_code == 404  # the evaluation never came into being
    accepted = requests.post(url + "/batch", json=[scale_gp_item(f"tc-{i}") for i in range(3)], headers=SCALE_GP.auth)
    assert accepted.status_code == 200 and len(accepted.json()) == 3


def test_connections_beyond_the_limit_get_503_in_the_dialect_and_are_closed(start_evalmock):
    server = start_evalmock("--max-connections", "2", "--log-level", "warning")
    held = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(2)]
    for sock in held:
        sock.sendall(request_bytes("GET", SCORECARD_V2.read_path, SCORECARD_V2.auth))
        assert read_response(sock)[0] == 200
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as third:
        third.sendall(request_bytes("GET", SCORECARD_V2.read_path, SCORECARD_V2.auth))
        status, headers, body = read_response(third)
        assert status == 503 and headers["connection"] == "close"
        assert json.loads(body)["code"] == "SERVICE_UNAVAILABLE"
        assert third.recv(100) == b""  # closed by the server
    held.pop().close()
    deadline = time.monotonic() + 5
    while True:  # the server notices the close on its next loop turn
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as again:
            again.sendall(request_bytes("GET", SCORECARD_V2.read_path, SCORECARD_V2.auth))
            if read_response(again)[0] == 200:
                break
        assert time.monotonic() < deadline, "a freed connection slot was never reused"
        time.sleep(0.1)
    for sock in held:
        sock.close()


def test_a_slowloris_client_is_cut_off_by_the_request_deadline_while_others_are_served(start_evalmock):
    server = start_evalmock("--request-timeout", "1", "--log-level", "warning")
    slow = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    slow.sendall(b"GET /api/v2/runs/1/records HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    cut_after = None
    while time.monotonic() - started < 6:
        # A header line every 0.3 s keeps an idle timeout from ever firing; the deadline does not care.
        try:
            slow.sendall(b"X-Trickle: 1\r\n")
            assert requests.get(server.url + SCORECARD_V2.read_path, headers=SCORECARD_V2.auth, timeout=2).status_code == 200
            time.sleep(0.3)
            slow.settimeout(0.01)
            if slow.recv(1) == b"":
                cut_after = time.monotonic() - started
                break
        except socket.timeout:
            continue
        except (BrokenPipeError, ConnectionResetError):
            cut_after = time.monotonic() - started
            break
    slow.close()
    assert cut_after is not None and cut_after < 4, cut_after
    assert server.process.poll() is None


def test_an_idle_keep_alive_connection_is_closed_after_the_timeout(start_evalmock):
    server = start_evalmock("--request-timeout", "1", "--log-level", "warning")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(request_bytes("GET", SCORECARD_V2.read_path, SCORECARD_V2.auth))
        assert read_response(sock)[0] == 200
        started = time.monotonic()
        assert sock.recv(100) == b""
        assert time.monotonic() - started < 4
