#!/usr/bin/env python3
"""Derive the W&B Weave trace-server routes that the `weave` 0.54.0 client calls and merge them
into openapi/weave.json.

The trace server's own OpenAPI document is not public (the vendored client's
`weave/vendor/weave_server_sdk.origin.json` names it in a private repository), so it is rebuilt
from two public packages:

* routes, methods, tags and summaries: the installed weave 0.54.0. Each route is checked against
  the vendored Stainless client (`weave/vendor/weave_server_sdk/resources/*.py`: the path literal,
  the `self._get`/`self._post` that sends it, the docstring's first line, which Stainless copies from
  the document's `summary`); the routes hidden from the document (`v2 call/start`, `call/end`) are
  checked against `weave/trace_server_bindings/remote_http_trace_server.py`, which posts them by
  hand.
* schemas: weave 0.54.0 no longer ships `weave/trace_server/` (its client is built on the Stainless
  types only). The request and response models are those of the last release that ships the
  interface, weave 0.53.13 (`weave/shared/trace_server_interface.py`, re-exported as
  `weave/trace_server/trace_server_interface.py`), fetched with pip (`pip download --no-deps`,
  sha256 pinned below) and imported in a subprocess of its own, so the installed 0.54.0 is not
  mixed with it. Schemas come from pydantic's own generator exactly as FastAPI calls it:
  `pydantic.json_schema.models_json_schema` with request bodies in `validation` mode and responses
  in `serialization` mode, so a model that differs between the two gets FastAPI's `-Input` /
  `-Output` names, and `ref_template="#/components/schemas/{model}"`.

Operations follow the document's existing v2 routes: FastAPI's generated operationId
(`{function}{path with non-word characters as _}_{method}`, the function being the
`TraceServerInterface` method), summary as the Stainless docstring gives it, HTTPBasic (and
Bearer) security, 401 `HTTPError`, 422 `HTTPValidationError`, the trace server's `{reason}`
errors (`TraceServerError`) for 400, on reads and deletes of stored things 404, on writes that
take an `expected_digest` 409, and 500 where valid input meets an exception its error registry
does not map. `file/create` is `multipart/form-data` (FastAPI's
`Body_file_create_file_create_post`), `file/content` answers raw bytes
(`application/octet-stream`), `calls/stream_query` answers JSON lines (`application/jsonl`, one
`CallSchema` a line, like the document's v2 list routes).

A generated schema whose name the document already has is reused by $ref when it is the same
schema; a different one stops the script. Everything derived carries `x-evalmock-derived`, and a
second run replaces what the first derived, so running twice changes nothing; `--check` exits 1
when the document is stale. The file is written back as it is formatted (indent 2, UTF-8,
trailing newline), so the diff only adds.

`POST /graphql` is not the trace server's: it is W&B's GraphQL API, which `weave.init` asks
before any trace route (`compat/wandb/wandb_thin/internal_api.py`: gql's HTTPXTransport posts
`{"query", "variables"}` to `WANDB_BASE_URL + "/graphql"`, no `operationName`). Its request and
answer follow GraphQL over HTTP; the script checks that the installed client still posts there
and names the operations it sends in the description. It carries a mark of its own.

Usage: python3 openapi/derive/weave_trace_server.py [--check] [--wheel PATH] [--routes] [path/to/weave.json]
"""
from __future__ import annotations

import argparse
import ast
import copy
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from derived_document import MARK_KEY, insert_after, is_derived, write_or_check, read_document, render

CLIENT_VERSION = "0.54.0"
MODELS_VERSION = "0.53.13"
MODELS_WHEEL = f"weave-{MODELS_VERSION}-py3-none-any.whl"
MODELS_WHEEL_SHA256 = "baf7f1dfdee8d5c28dc554fa905eaf0ff81a4b4dee257d054c9778c3b042ab19"
MARK = (f"weave {CLIENT_VERSION} routes (vendored Stainless client), weave {MODELS_VERSION} "
        "trace_server_interface (pydantic JSON Schema)")
REF = "#/components/schemas/{model}"
DOCUMENT = Path(__file__).resolve().parents[1] / "weave.json"
ANCHOR_PATH = "/v2/{entity}/{project}/scores/{score_id}"
GRAPHQL_MARK = (f"W&B GraphQL over HTTP as weave {CLIENT_VERSION} sends it "
                "(compat/wandb/wandb_thin/internal_api.py, gql HTTPXTransport)")
GRAPHQL_OPERATIONS = ["Project", "UpsertModel", "DefaultEntity"]
ANCHOR_SCHEMA = "ScoreReadRes"

# (tag, method, path, interface method, request model, response model, Stainless resource, client
# functions that send it). Request model None: no body. "multipart": the form of file/create.
# Response "jsonl:M": JSON lines of M; "bytes": raw bytes.
ROUTES = [
    ("Service", "get", "/server_info", "server_info", None, "ServerInfoRes", "services",
     "weave_init.init_weave -> RemoteHTTPTraceServer.server_info"),
    ("Calls", "post", "/call/start", "call_start", "CallStartReq", "CallStartRes", "calls",
     "RemoteHTTPTraceServer.call_start without batching"),
    ("Calls", "post", "/call/end", "call_end", "CallEndReq", "CallEndRes", "calls",
     "RemoteHTTPTraceServer.call_end without batching"),
    ("Calls", "post", "/call/upsert_batch", "call_start_batch", "CallCreateBatchReq", "CallCreateBatchRes",
     "calls", "RemoteHTTPTraceServer._flush_calls (WEAVE_USE_CALLS_COMPLETE=false)"),
    ("Calls", "post", "/call/read", "call_read", "CallReadReq", "CallReadRes", "calls",
     "RemoteHTTPTraceServer.call_read"),
    ("Calls", "post", "/calls/stream_query", "calls_query_stream", "CallsQueryReq", "jsonl:CallSchema", "calls",
     "WeaveClient.get_calls/get_call, Call.children, Evaluation.get_evaluate_calls"),
    ("Calls", "post", "/calls/query_stats", "calls_query_stats", "CallsQueryStatsReq", "CallsQueryStatsRes",
     "calls", "CallsIter len() (weave/trace/call.py)"),
    ("Calls", "post", "/call/update", "call_update", "CallUpdateReq", "CallUpdateRes", "calls",
     "Call.set_display_name / remove_display_name"),
    ("Calls", "post", "/calls/delete", "calls_delete", "CallsDeleteReq", "CallsDeleteRes", "calls",
     "Call.delete / WeaveClient.delete_calls"),
    ("Calls", "post", "/v2/{entity}/{project}/call/start", "call_start_v2", "CallStartV2Req", "CallStartV2Res",
     None, "RemoteHTTPTraceServer._send_call_start_v2 (eager starts: Evaluation.evaluate)"),
    ("Calls", "post", "/v2/{entity}/{project}/call/end", "call_end_v2", "CallEndV2Req", "CallEndV2Res",
     None, "RemoteHTTPTraceServer._send_call_end_v2 (eager ends, unpaired items at flush)"),
    ("Calls", "post", "/v2/{entity}/{project}/calls/complete", "calls_complete", "CallsUpsertCompleteReq",
     "CallsUpsertCompleteRes", "v2_calls", "RemoteHTTPTraceServer._flush_calls_complete / calls_complete"),
    ("Objects", "post", "/obj/create", "obj_create", "ObjCreateReq", "ObjCreateRes", "objects/objects",
     "WeaveClient._save_object_basic (weave.publish, ops, Evaluation, Model, Dataset, scorers)"),
    ("Objects", "post", "/obj/read", "obj_read", "ObjReadReq", "ObjReadRes", "objects/objects",
     "CachingMiddlewareTraceServer.obj_read (not reached by the read-back scripts: refs/read_batch is)"),
    ("Objects", "post", "/objs/query", "objs_query", "ObjQueryReq", "ObjQueryRes", "objects/objects",
     "WeaveClient._objects (list objects, get_evaluations)"),
    ("Objects", "post", "/obj/delete", "obj_delete", "ObjDeleteReq", "ObjDeleteRes", "objects/objects",
     "WeaveClient.delete_object_version(s) / delete_op_version"),
    ("Tables", "post", "/table/create", "table_create", "TableCreateReq", "TableCreateRes", "tables",
     "WeaveClient._save_table_basic (Dataset rows, evaluation results)"),
    ("Tables", "post", "/table/create_from_digests", "table_create_from_digests", "TableCreateFromDigestsReq",
     "TableCreateFromDigestsRes", "tables", "WeaveClient._save_table_chunked (tables over the request limit)"),
    ("Tables", "post", "/table/update", "table_update", "TableUpdateReq", "TableUpdateRes", "tables",
     "WeaveClient._save_table_incremental / Table appends"),
    ("Tables", "post", "/table/query", "table_query", "TableQueryReq", "TableQueryRes", "tables",
     "WeaveTable rows (weave/trace/vals.py), Dataset.rows"),
    ("Tables", "post", "/table/query_stats", "table_query_stats", "TableQueryStatsReq", "TableQueryStatsRes",
     "tables", "WeaveTable len() (weave/trace/vals.py)"),
    ("Tables", "post", "/table/query_stats_batch", "table_query_stats_batch", "TableQueryStatsBatchReq",
     "TableQueryStatsBatchRes", "tables", "RemoteHTTPTraceServer.table_query_stats_batch"),
    ("Refs", "post", "/refs/read_batch", "refs_read_batch", "RefsReadBatchReq", "RefsReadBatchRes", "refs",
     "WeaveClient.get(ref) (weave.ref(...).get(), publish(...).get(), refs in calls)"),
    ("Files", "post", "/file/create", "file_create", "multipart", "FileCreateRes", "files",
     "WeaveClient._save_file (op source, custom objects' files)"),
    ("Files", "post", "/file/content", "file_content_read", "FileContentReadReq", "bytes", "files",
     "custom_objs.decode_custom_obj (reloading an op from its source)"),
    ("Feedback", "post", "/feedback/create", "feedback_create", "FeedbackCreateReq", "FeedbackCreateRes",
     "feedback", "RemoteHTTPTraceServer.feedback_create / the batch's 404 fallback"),
    ("Feedback", "post", "/feedback/batch/create", "feedback_create_batch", "FeedbackCreateBatchReq",
     "FeedbackCreateBatchRes", "feedback", "RemoteHTTPTraceServer._flush_feedback (scores of evaluate)"),
    ("Feedback", "post", "/feedback/query", "feedback_query", "FeedbackQueryReq", "FeedbackQueryRes", "feedback",
     "Call.feedback, WeaveClient.get_feedback"),
    ("Feedback", "post", "/feedback/purge", "feedback_purge", "FeedbackPurgeReq", "FeedbackPurgeRes", "feedback",
     "Feedbacks.purge / RefFeedbackQuery.purge"),
]
NOT_FOUND = {"/obj/read", "/obj/delete", "/file/content", "/refs/read_batch", "/table/update", "/table/create_from_digests"}
# The writes that take a client-computed `expected_digest`: a mismatch is the server's
# `DigestMismatchError`, which its error registry answers with 409.
DIGEST_CHECKED = {"/obj/create", "/table/create", "/table/create_from_digests", "/file/create"}
# Inputs the request models accept but the handlers fail on with exceptions the error registry
# does not map (500 `{"reason": "Internal server error"}`, or "Internal backend error" for a
# KeyError): a ref that does not parse (`InvalidInternalRef`, `IndexError`) or names a row its
# table lacks, a `table/update` base the project does not have, an object whose `_bases` mark
# a weave Object but which has no `_class_name`.
SERVER_ERROR = {"/refs/read_batch", "/table/update", "/obj/create"}
# The form FastAPI declares for `file/create`: an UploadFile and form fields (the vendored client
# sends `file`, `project_id`, `expected_digest` as multipart/form-data).
FILE_FORM = "Body_file_create_file_create_post"
V2_PATH_PARAMETERS = ["entity", "project"]


# ---------------------------------------------------------------------------------------------
# Schemas: generated in a subprocess that imports weave 0.53.13's interface.

GENERATOR = r"""
import json, sys, warnings
warnings.simplefilter("ignore")
from pydantic.json_schema import models_json_schema
import weave
assert weave.__version__ == sys.argv[1], weave.__version__
from weave.shared import trace_server_interface as tsi
from weave.shared import service_interface as si
requests, responses = json.loads(sys.argv[2]), json.loads(sys.argv[3])
def model(name):
    return getattr(tsi, name, None) or getattr(si, name)
keys = [(model(n), "validation") for n in requests] + [(model(n), "serialization") for n in responses]
refs, top = models_json_schema(keys, ref_template=sys.argv[4])
out = {"defs": top.get("$defs", {}),
       "requests": {n: refs[(model(n), "validation")] for n in requests},
       "responses": {n: refs[(model(n), "serialization")] for n in responses},
       "docs": {}}
for n in requests + responses:
    out["docs"][n] = sorted(model(n).model_fields)
print(json.dumps(out))
"""


def models_wheel(explicit: Path | None) -> Path:
    if explicit:
        path = explicit
    else:
        cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "evalmock" / "wheels"
        path = cache / MODELS_WHEEL
        if not path.exists():
            cache.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                            "-d", str(cache), f"weave=={MODELS_VERSION}"], check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != MODELS_WHEEL_SHA256:
        raise SystemExit(f"{path}: sha256 {digest}, expected {MODELS_WHEEL_SHA256}")
    return path


def generate_schemas(wheel: Path) -> dict:
    requests = sorted({r[4] for r in ROUTES if r[4] not in (None, "multipart")})
    responses = sorted({r[5].split(":")[-1] for r in ROUTES if r[5] != "bytes"})
    with tempfile.TemporaryDirectory() as tree:
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(tree)
        env = {**os.environ, "PYTHONPATH": tree, "WANDB_ERROR_REPORTING": "false", "WEAVE_DISABLED": "true"}
        result = subprocess.run([sys.executable, "-c", GENERATOR, MODELS_VERSION, json.dumps(requests),
                                 json.dumps(responses), REF], env=env, capture_output=True, text=True, cwd=tree)
    if result.returncode:
        raise SystemExit(f"generating schemas with weave {MODELS_VERSION} failed:\n{result.stderr}")
    return json.loads(result.stdout)


# ---------------------------------------------------------------------------------------------
# Routes: checked against the installed 0.54.0 client's source.

def client_sources() -> tuple[Path, str]:
    import weave
    if weave.__version__ != CLIENT_VERSION:
        raise SystemExit(f"weave {CLIENT_VERSION} is required, {weave.__version__} is installed")
    root = Path(weave.__file__).parent
    return root, (root / "trace_server_bindings" / "remote_http_trace_server.py").read_text()


def stainless_route(root: Path, resource: str, method: str, path: str) -> str:
    """The docstring (up to `Args:`) of the first Stainless method that sends `method path`:
    a `self._get`/`self._post` whose first argument is the path literal (or `path_template` of it)."""
    source = (root / "vendor" / "weave_server_sdk" / "resources" / f"{resource}.py").read_text()
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef):
            continue
        for node in ast.walk(function):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == f"_{method}" and node.args):
                continue
            first = node.args[0]
            if isinstance(first, ast.Call) and first.args:
                first = first.args[0]
            if isinstance(first, ast.Constant) and first.value == path:
                text = (ast.get_docstring(function) or "").split("\nArgs:")[0].strip()
                return re.sub(r"\s*\n\s*", " ", text) if "\n\n" not in text else text
    raise SystemExit(f"the vendored client's {resource}.py does not send {method.upper()} {path}")


def summary_and_description(docstring: str, function: str) -> tuple[str, str | None, str]:
    """Stainless writes the operation's description when it has one, else its summary (FastAPI's
    title-cased function name, which then names the server's function for the operationId)."""
    if re.fullmatch(r"[A-Z][A-Za-z0-9]*( [A-Z0-9][A-Za-z0-9]*)*", docstring):
        return docstring, None, docstring.lower().replace(" ", "_")
    return summary_of(function), docstring, function


def operation_id(function: str, path: str, method: str) -> str:
    return re.sub(r"\W", "_", f"{function}{path}") + f"_{method}"


def summary_of(function: str) -> str:
    return function.replace("_", " ").title()


def response_content(status_description: str, schema: dict) -> dict:
    return {"description": status_description, "content": {"application/json": {"schema": schema}}}


def build(document: dict, generated: dict, root: Path, bindings: str) -> tuple[dict, dict]:
    schemas = document["components"]["schemas"]
    components: dict[str, dict] = {}
    for name, schema in generated["defs"].items():
        schema = {**schema, MARK_KEY: MARK}
        if name in schemas:
            existing = {k: v for k, v in schemas[name].items() if k != MARK_KEY}
            if existing != generated["defs"][name]:
                raise SystemExit(f"the document's schema {name} differs from weave {MODELS_VERSION}'s model")
            continue
        components[name] = schema
    components[FILE_FORM] = {
        "properties": {
            "project_id": {"type": "string", "title": "Project Id"},
            "file": {"type": "string", "format": "binary", "title": "File"},
            "expected_digest": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Expected Digest",
                                "description": "Client-computed file digest for server-side validation."},
        },
        "type": "object",
        "required": ["project_id", "file"],
        "title": FILE_FORM,
        "description": "The form the vendored client sends (`FileCreateParams`: file, project_id, expected_digest); "
                       "`FileCreateReq` of the interface is what the server builds from it (name = the upload's "
                       "filename, content = its bytes).",
        MARK_KEY: MARK,
    }
    paths: dict[str, dict] = {}
    for tag, method, path, function, request, response, resource, callers in ROUTES:
        description = None
        if resource:
            summary, description, function = summary_and_description(
                stainless_route(root, resource, method, path), function)
        else:
            template = path  # posted as an f-string with the same placeholders
            if f'f"{template}"' not in bindings:
                raise SystemExit(f"remote_http_trace_server.py does not post {path}")
            summary = summary_of(function)
        operation = {
            "tags": [tag],
            "summary": summary,
            **({"description": description} if description else {}),
            "operationId": operation_id(function, path, method),
            "security": [{"HTTPBasic": []}, {"HTTPBearer": []}],
        }
        if path.startswith("/v2/"):
            operation["parameters"] = [
                {"name": p, "in": "path", "required": True, "schema": {"type": "string", "title": p.title()}}
                for p in V2_PATH_PARAMETERS]
        if request == "multipart":
            operation["requestBody"] = {"required": True, "content": {
                "multipart/form-data": {"schema": {"$ref": REF.format(model=FILE_FORM)}}}}
        elif request:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": generated["requests"][request]}}}
        responses: dict[str, dict] = {}
        if response == "bytes":
            responses["200"] = {"description": "Successful Response: the file's bytes",
                                "content": {"application/octet-stream": {
                                    "schema": {"type": "string", "format": "binary"}}}}
        elif response.startswith("jsonl:"):
            responses["200"] = {"description": "Successful Response: one JSON object per line",
                                "content": {"application/jsonl": {
                                    "schema": generated["responses"][response.split(":")[1]]}}}
        else:
            responses["200"] = response_content("Successful Response", generated["responses"][response])
        if request:
            responses["400"] = response_content("Invalid request or ref", {"$ref": REF.format(model="TraceServerError")})
        responses["401"] = response_content("Not authenticated", {"$ref": REF.format(model="HTTPError")})
        if path in NOT_FOUND:
            responses["404"] = response_content("Not found", {"$ref": REF.format(model="TraceServerError")})
        if path in SERVER_ERROR:
            responses["500"] = response_content("An exception the trace server's error registry does not map",
                                                {"$ref": REF.format(model="TraceServerError")})
        if path in DIGEST_CHECKED:
            responses["409"] = response_content("expected_digest differs from the server's digest",
                                                {"$ref": REF.format(model="TraceServerError")})
        if request:
            responses["422"] = response_content("Validation Error", {"$ref": REF.format(model="HTTPValidationError")})
        operation["responses"] = responses
        operation["x-evalmock-client"] = callers
        operation[MARK_KEY] = MARK
        paths.setdefault(path, {})[method] = operation
    return components, paths


# ---------------------------------------------------------------------------------------------
# W&B's GraphQL endpoint, beside the trace server.

def graphql_operations(root: Path) -> dict[str, str]:
    """The operations the client's thin W&B API defines (the `gql.gql(...)` class attributes), by
    name, after checking that it posts them to `WANDB_BASE_URL + "/graphql"`."""
    source = (root / "compat" / "wandb" / "wandb_thin" / "internal_api.py").read_text()
    if 'url_base + "/graphql"' not in source:
        raise SystemExit("internal_api.py no longer posts to WANDB_BASE_URL + /graphql")
    operations = {}
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "gql"
                and node.args and isinstance(node.args[0], ast.Constant)):
            match = re.search(r"\b(query|mutation)\s+(\w+)", node.args[0].value)
            if match:
                operations[match.group(2)] = match.group(1)
    missing = [name for name in GRAPHQL_OPERATIONS if name not in operations]
    if missing:
        raise SystemExit(f"internal_api.py does not define the GraphQL operations {missing}")
    return operations


def graphql_route(root: Path) -> tuple[dict, dict]:
    operations = graphql_operations(root)
    sent = ", ".join(f"`{operations[name]} {name}`" for name in GRAPHQL_OPERATIONS)
    nullable_object = {"anyOf": [{"type": "object", "additionalProperties": True}, {"type": "null"}]}
    components = {
        "GraphQLRequest": {
            "properties": {
                "query": {"type": "string", "title": "Query", "description": "The GraphQL document."},
                "variables": {**nullable_object, "title": "Variables"},
                "operationName": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Operationname",
                                  "description": "Which operation of the document to run; needed only when it has several."},
            },
            "type": "object",
            "required": ["query"],
            "title": "GraphQLRequest",
        },
        "GraphQLResponse": {
            "properties": {
                "data": {**nullable_object, "title": "Data"},
                "errors": {"type": "array", "items": {"$ref": REF.format(model="GraphQLError")}, "title": "Errors"},
            },
            "type": "object",
            "title": "GraphQLResponse",
            "description": "`data` when the operation ran (a field that failed is null in it), `errors` when "
                           "anything failed; a document that does not parse or fit the schema has `errors` only.",
        },
        "GraphQLError": {
            "properties": {
                "message": {"type": "string", "title": "Message"},
                "locations": {"type": "array", "title": "Locations", "items": {
                    "type": "object", "required": ["line", "column"],
                    "properties": {"line": {"type": "integer"}, "column": {"type": "integer"}}}},
                "path": {"type": "array", "title": "Path", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                "extensions": {"type": "object", "additionalProperties": True, "title": "Extensions"},
            },
            "type": "object",
            "required": ["message"],
            "title": "GraphQLError",
        },
    }
    for schema in components.values():
        schema[MARK_KEY] = GRAPHQL_MARK
    operation = {
        "tags": ["W&B GraphQL"],
        "summary": "Graphql",
        "description": f"W&B's GraphQL API, the part `weave.init` asks: {sent}. Any other field is a GraphQL "
                       "error (status 200, which gql raises as `TransportQueryError`).",
        "operationId": "graphql_graphql_post",
        "security": [{"HTTPBasic": []}, {"HTTPBearer": []}],
        "requestBody": {"required": True, "content": {
            "application/json": {"schema": {"$ref": REF.format(model="GraphQLRequest")}}}},
        "responses": {
            "200": response_content("The operation's result or its GraphQL errors",
                                    {"$ref": REF.format(model="GraphQLResponse")}),
            "401": response_content("Not authenticated", {"$ref": REF.format(model="HTTPError")}),
            "422": response_content("Validation Error", {"$ref": REF.format(model="HTTPValidationError")}),
        },
        "x-evalmock-client": "weave_init.init_weave -> project_creator.ensure_project_exists, get_username",
        MARK_KEY: GRAPHQL_MARK,
    }
    return components, {"/graphql": {"post": operation}}


# ---------------------------------------------------------------------------------------------
# Merge, idempotently.

def merge(document: dict, generated: dict, root: Path, bindings: str) -> dict:
    document = copy.deepcopy(document)
    schemas = document["components"]["schemas"]
    for mark in (MARK, GRAPHQL_MARK):
        for key in [k for k, v in schemas.items() if is_derived(v, mark)]:
            del schemas[key]
        for key in [k for k, v in document["paths"].items() if is_derived(v, mark)]:
            del document["paths"][key]
    components, paths = build(document, generated, root, bindings)
    graphql_components, graphql_paths = graphql_route(root)
    components.update(graphql_components)
    paths.update(graphql_paths)
    for key in paths:
        if key in document["paths"]:
            raise SystemExit(f"the document already has a path {key} not derived by this script")
    document["components"]["schemas"] = insert_after(schemas, ANCHOR_SCHEMA, components)
    document["paths"] = insert_after(document["paths"], ANCHOR_PATH, paths)
    return document


def print_routes() -> None:
    for tag, method, path, function, request, response, resource, callers in ROUTES:
        print(f"{method.upper():5} {path:42} {function:26} {callers}")
    print(f"{'POST':5} {'/graphql':42} {'(W&B GraphQL)':26} project_creator.ensure_project_exists, get_username")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("document", nargs="?", type=Path, default=DOCUMENT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the document is not up to date")
    parser.add_argument("--wheel", type=Path, help=f"{MODELS_WHEEL} (default: pip download into ~/.cache/evalmock)")
    parser.add_argument("--routes", action="store_true", help="list the routes and the client functions that call them")
    args = parser.parse_args()
    if args.routes:
        print_routes()
        return 0
    root, bindings = client_sources()
    original = read_document(args.document)
    generated = generate_schemas(models_wheel(args.wheel))
    updated = render(merge(json.loads(original), generated, root, bindings))
    return write_or_check(args.document, original, updated, args.check, Path(__file__).name)


if __name__ == "__main__":
    sys.exit(main())
