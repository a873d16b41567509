"""What the reliability tests share: one representative route per API, raw sockets for what
HTTP client libraries will not send, and valid write bodies for the load tests."""
from __future__ import annotations

import base64
import socket
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class API:
    name: str
    read_path: str
    auth: dict
    dialect: str  # "apierror" (Scorecard v2's {code, message, details}) or "fastapi" ({"detail": ...})


SCORECARD_V2 = API("scorecard-v2", "/api/v2/runs/1/records", {"Authorization": "Bearer ak_test"}, "apierror")
SCORECARD_V1 = API("scorecard-v1", "/v1/run/1", {"X-API-Key": "ak_test"}, "fastapi")
WEAVE = API("weave", "/v2/team/proj/scores", {"Authorization": "Basic " + base64.b64encode(b"api:key").decode()}, "fastapi")
SCALE_GP = API("scale-gp", "/v4/evaluations/eval-1/test-case-results", {"x-api-key": "sgp_test"}, "fastapi")
APIS = [SCORECARD_V2, SCORECARD_V1, WEAVE, SCALE_GP]


def assert_dialect(api: API, response, status: int, message_part: str) -> None:
    """The error is in the API's own shape, with the status and a message naming the limit."""
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    assert_dialect_body(api, response.json(), message_part)


def assert_dialect_body(api: API, body: dict, message_part: str) -> None:
    if api.dialect == "apierror":
        assert set(body) == {"code", "message", "details"}, body
        assert message_part in body["message"], body
    else:
        assert set(body) == {"detail"}, body
        assert isinstance(body["detail"], str) and message_part in body["detail"], body


def raw_exchange(port: int, data: bytes, timeout: float = 5.0) -> bytes:
    """Sends bytes as they are and reads until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (socket.timeout, ConnectionResetError):
            pass
        return received


def read_response(sock: socket.socket) -> tuple[int, dict, bytes]:
    """One HTTP/1.1 response with Content-Length from a keep-alive socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length]


def request_bytes(method: str, path: str, headers: dict, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"] + [f"{k}: {v}" for k, v in headers.items()]
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def scale_gp_item(test_case_id: str) -> dict:
    return {"application_spec_id": "spec", "evaluation_dataset_version_num": "1", "test_case_id": test_case_id,
            "test_case_evaluation_data": {"generation_output": f"answer {test_case_id}"}}


def weave_scorer() -> str:
    return "weave:///team/proj/object/Accuracy:abc123"


def new_uuid() -> str:
    return str(uuid.uuid4())
