#!/usr/bin/env python3
"""A do-nothing stand-in for W&B and its Weave trace server: the least the `weave` 0.54.0 client
needs to run `weave.init` and `Evaluation.evaluate` (and `EvaluationLogger`), so that
bench/weave_evaluate.py can tell the client's own time from evalmock's.

It stores nothing and validates nothing. Digests are faked (sha256 of the request's bytes, in the
client's alphabet) — only the client's need for *some* digest is met, which is fine here and
nowhere else. Answers: `server_info`, W&B GraphQL (`Project`, `UpsertModel`, `DefaultEntity` by
their root field), `obj/create`, `table/create` (a digest per row), `table/create_from_digests`,
`table/update`, `file/create`, v2 `call/start`/`call/end`/`calls/complete`, `call/upsert_batch`,
`feedback/batch/create`, `feedback/create`; any other route is FastAPI's 404. Served at the
root and under `/traces`.

With `--log FILE`, every call item it receives is appended as one JSON line
`{"route", "op_name", "id", "parent_id", "exception"}` (for reading what the client sends).

    python3 bench/weave_standin.py --port 0      # prints "listening on http://127.0.0.1:PORT"
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
import threading
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def fake_digest(data: bytes) -> str:
    encoded = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode()
    return encoded.replace("-", "X").replace("_", "Y").rstrip("=")


def now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class StandIn(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log_file = None
    log_lock = threading.Lock()

    def log_message(self, format: str, *args) -> None:  # quiet: the benchmark measures, not logs
        pass

    def answer(self, status: int, value) -> None:
        body = json.dumps(value).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route(self) -> str:
        path = self.path.split("?")[0]
        return path[len("/traces"):] if path.startswith("/traces/") else path

    def do_GET(self) -> None:
        if self.route() == "/server_info":
            self.answer(200, {"min_required_weave_python_version": "0.0.1", "trace_server_version": None})
        else:
            self.answer(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        route = self.route()
        if route == "/graphql" and self.path.startswith("/graphql"):
            self.answer(200, self.graphql(json.loads(raw)))
            return
        is_json = (self.headers.get("Content-Type") or "").startswith("application/json")
        body = json.loads(raw) if is_json and raw else {}
        if route == "/obj/create" or route == "/file/create" or route == "/table/create_from_digests":
            self.answer(200, {"digest": fake_digest(raw)})
        elif route == "/table/create":
            rows = body["table"]["rows"]
            self.answer(200, {"digest": fake_digest(raw),
                              "row_digests": [fake_digest(json.dumps(row, sort_keys=True).encode()) for row in rows]})
        elif route == "/table/update":
            self.answer(200, {"digest": fake_digest(raw), "updated_row_digests": []})
        elif route.endswith("/call/start") and route.startswith("/v2/"):
            start = body["start"]
            self.record(route, [start])
            self.answer(200, {"id": start.get("id") or str(uuid.uuid4()), "trace_id": start.get("trace_id") or str(uuid.uuid4())})
        elif route.endswith("/call/end") and route.startswith("/v2/"):
            self.record(route, [body["end"]])
            self.answer(200, {})
        elif route.endswith("/calls/complete") and route.startswith("/v2/"):
            self.record(route, body["batch"])
            self.answer(200, {})
        elif route == "/call/upsert_batch":
            self.record(route, [item["req"].get("start") or item["req"].get("end") for item in body["batch"]])
            self.answer(200, {"res": [{"id": "", "trace_id": ""} for _ in body["batch"]]})
        elif route == "/feedback/batch/create":
            self.answer(200, {"res": [self.feedback(item) for item in body["batch"]]})
        elif route == "/feedback/create":
            self.answer(200, self.feedback(body))
        else:
            self.answer(404, {"detail": "Not Found"})

    @staticmethod
    def feedback(item: dict) -> dict:
        return {"id": item.get("id") or str(uuid.uuid4()), "created_at": now(), "wb_user_id": "standin",
                "payload": item.get("payload") or {}}

    @staticmethod
    def graphql(request: dict) -> dict:
        query = request.get("query", "")
        variables = request.get("variables") or {}
        if "upsertModel" in query:
            return {"data": {"upsertModel": {"model": {"name": variables.get("name"), "description": None}}}}
        if "project(" in query:
            return {"data": {"project": {"name": variables.get("name")}}}
        if "viewer" in query:
            return {"data": {"viewer": {"username": "standin", "defaultEntity": {"name": "standin"}}}}
        return {"errors": [{"message": "not answered by the stand-in"}]}

    def record(self, route: str, items: list) -> None:
        if not self.log_file:
            return
        with self.log_lock, open(self.log_file, "a") as out:
            for item in items:
                out.write(json.dumps({"route": route, "op_name": item.get("op_name"), "id": item.get("id"),
                                      "parent_id": item.get("parent_id"), "exception": item.get("exception")}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--log", help="append each received call item here as a JSON line")
    args = parser.parse_args()
    StandIn.log_file = args.log
    server = ThreadingHTTPServer(("127.0.0.1", args.port), StandIn)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
