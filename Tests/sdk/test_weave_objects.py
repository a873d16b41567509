"""W&B Weave's object, table, file and ref routes over HTTP, read as the trace server's contract:
digests byte-identical to weave's own `digest.py`, versions, dedup, refs, paging, files."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from weave_support import KEY, PROJECT, basic  # sets WANDB_ERROR_REPORTING

from weave.trace.serialization.digest import (  # noqa: E402
    bytes_digest, compute_object_digest, compute_row_digest, compute_table_digest,
)
from weave.trace_server_bindings.remote_http_trace_server import RemoteHTTPTraceServer  # noqa: E402

OTHER = "my-team/other-project"
TRICKY_VALUES = [
    {"b": 1, "a": [1.0, 1e-05, 1e100, 0.1, -0.0, 2.5e-7, 123456789012345678901234567890]},
    {"text": "naïve ☃ 😀 \u007f \u0000 \"quoted\" \\ \n\t", "é": 1, "e": 2, "Z": 3},
    {"nested": {"z": [{"y": None, "x": True, "w": False}], "a": {}}, "list": []},
    {"float": 3.0, "neg": -1.5e-10, "big": 1.7976931348623157e308, "small": 5e-324, "i": -12},
    [1, "two", {"three": 3.14159}],
    "a plain string",
    42,
    None,
]


def post(server, path, body, headers=None):
    return requests.post(f"{server.url}{path}", json=body, headers=headers or basic())


def create(server, object_id, val, project=PROJECT, **extra):
    response = post(server, "/obj/create", {"obj": {"project_id": project, "object_id": object_id, "val": val, **extra}})
    assert response.status_code == 200, response.text
    return response.json()["digest"]


def read(server, object_id, digest, project=PROJECT):
    return post(server, "/obj/read", {"project_id": project, "object_id": object_id, "digest": digest})


# ---------------------------------------------------------------------------------------------
# Digests

@pytest.mark.parametrize("val", TRICKY_VALUES)
def test_object_digests_are_weaves_own(evalmock, val):
    # The body carries the exact JSON text Python writes, so number lexemes arrive as Python has them.
    response = requests.post(f"{evalmock.url}/obj/create", data=json.dumps(
        {"obj": {"project_id": PROJECT, "object_id": "tricky", "val": val}}), headers={**basic(), "Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    assert response.json() == {"digest": compute_object_digest(val), "object_id": "tricky"}


def test_row_and_table_digests_are_weaves_own(evalmock):
    rows = [v for v in TRICKY_VALUES if isinstance(v, dict)] + [{"a": 1}, {"a": 1}]
    response = post(evalmock, "/table/create", {"table": {"project_id": PROJECT, "rows": rows}})
    assert response.status_code == 200, response.text
    row_digests = [compute_row_digest(row) for row in rows]
    assert response.json() == {"digest": compute_table_digest(row_digests), "row_digests": row_digests}

    empty = post(evalmock, "/table/create", {"table": {"project_id": PROJECT, "rows": []}}).json()
    assert empty == {"digest": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "row_digests": []}


# ---------------------------------------------------------------------------------------------
# Objects

def test_versions_dedup_latest_and_reads_by_digest_latest_and_index(evalmock):
    first = create(evalmock, "model", {"temperature": 0.1})
    again = create(evalmock, "model", {"temperature": 0.1})
    second = create(evalmock, "model", {"temperature": 0.7})
    assert first == again != second

    by_digest = read(evalmock, "model", first).json()["obj"]
    assert (by_digest["version_index"], by_digest["is_latest"], by_digest["val"]) == (0, 0, {"temperature": 0.1})
    assert by_digest["kind"] == "object" and by_digest["project_id"] == PROJECT and by_digest["deleted_at"] is None
    assert by_digest["wb_user_id"] and by_digest["created_at"].endswith("Z")
    latest = read(evalmock, "model", "latest").json()["obj"]
    assert (latest["digest"], latest["version_index"], latest["is_latest"]) == (second, 1, 1)
    assert read(evalmock, "model", "v0").json()["obj"]["digest"] == first
    assert read(evalmock, "model", "v1").json()["obj"]["digest"] == second

    # Creating an existing value again makes it the latest, without a new version.
    create(evalmock, "model", {"temperature": 0.1})
    latest = read(evalmock, "model", "latest").json()["obj"]
    assert (latest["digest"], latest["version_index"]) == (first, 0)


def test_read_back_has_sorted_keys_as_the_server_stores_canonical_json(evalmock):
    digest = create(evalmock, "ordered", {"b": 1, "a": {"d": 2, "c": 3}})
    assert list(read(evalmock, "ordered", digest).json()["obj"]["val"]) == ["a", "b"]
    text = read(evalmock, "ordered", digest).text
    assert text.index('"a"') < text.index('"b"') and text.index('"c"') < text.index('"d"')


def test_unknown_versions_are_404_in_the_servers_words(evalmock):
    create(evalmock, "thing", {"x": 1})
    for digest in ["nope", "v7"]:
        response = read(evalmock, "thing", digest)
        assert (response.status_code, response.json()) == (404, {"reason": f"Obj thing:{digest} not found"})
    assert read(evalmock, "thing", "latest", project=OTHER).status_code == 404


def test_ops_and_object_classes(evalmock):
    op = {"_type": "CustomWeaveType", "weave_type": {"type": "Op"}, "files": {"obj.py": "abc"}}
    dataset = {"_type": "Dataset", "name": None, "rows": "weave:///my-team/my-project/table/abc",
               "_class_name": "Dataset", "_bases": ["Object", "BaseModel"]}
    scorer = {"_type": "MyScorer", "_class_name": "MyScorer", "_bases": ["Scorer", "Object", "BaseModel"]}
    create(evalmock, "predict", op)
    create(evalmock, "data", dataset)
    create(evalmock, "judge", scorer)
    objs = {o["object_id"]: o for o in post(evalmock, "/objs/query", {"project_id": PROJECT}).json()["objs"]}
    assert objs["predict"]["kind"] == "op" and objs["data"]["kind"] == objs["judge"]["kind"] == "object"
    assert (objs["data"]["base_object_class"], objs["data"]["leaf_object_class"]) == ("Dataset", "Dataset")
    assert (objs["judge"]["base_object_class"], objs["judge"]["leaf_object_class"]) == ("Scorer", "MyScorer")
    assert objs["predict"]["base_object_class"] is None

    def ids(filter_, **extra):
        return [o["object_id"] for o in post(evalmock, "/objs/query", {"project_id": PROJECT, "filter": filter_, **extra}).json()["objs"]]
    assert ids({"is_op": True}) == ["predict"]
    assert ids({"is_op": False}) == ["data", "judge"]
    assert ids({"base_object_classes": ["Scorer"]}) == ["judge"]
    assert ids({"object_ids": ["data", "predict"]}) == ["predict", "data"]
    assert ids({}, sort_by=[{"field": "object_id", "direction": "desc"}]) == ["predict", "judge", "data"]
    assert ids({}, limit=1, offset=1) == ["data"]
    meta = post(evalmock, "/objs/query", {"project_id": PROJECT, "metadata_only": True}).json()["objs"]
    assert all(o["val"] == {} for o in meta)
    assert all((o["size_bytes"], o["tags"], o["aliases"]) == (None, None, None) for o in meta)
    sized = post(evalmock, "/objs/query", {"project_id": PROJECT, "include_storage_size": True, "include_tags_and_aliases": True,
                                           "filter": {"object_ids": ["data"]}}).json()["objs"][0]
    assert sized["size_bytes"] == len(json.dumps(dataset, sort_keys=True))
    assert (sized["tags"], sized["aliases"]) == ([], ["latest"])

    # One type per name.
    response = post(evalmock, "/obj/create", {"obj": {"project_id": PROJECT, "object_id": "judge", "val": {"plain": 1}}})
    assert response.status_code == 400
    assert response.json()["reason"].startswith("Cannot publish 'judge' as a generic (untyped) object: that name is already used by a Scorer")


def test_latest_only_and_delete(evalmock):
    v0 = create(evalmock, "doc", {"n": 0})
    v1 = create(evalmock, "doc", {"n": 1})
    latest = post(evalmock, "/objs/query", {"project_id": PROJECT, "filter": {"latest_only": True}}).json()["objs"]
    assert [o["digest"] for o in latest] == [v1]

    response = post(evalmock, "/obj/delete", {"project_id": PROJECT, "object_id": "doc", "digests": [v1]})
    assert response.json() == {"num_deleted": 1}
    deleted = read(evalmock, "doc", v1)
    assert deleted.status_code == 404
    assert deleted.json()["reason"].startswith("doc:v1 was deleted at ") and deleted.json()["deleted_at"].endswith("+00:00")
    assert read(evalmock, "doc", "latest").json()["obj"]["digest"] == v0

    missing = post(evalmock, "/obj/delete", {"project_id": PROJECT, "object_id": "doc", "digests": [v0, "nope"]})
    assert missing.status_code == 404
    assert missing.json() == {"reason": "Delete request contains 2 digests, but found 1 objects to delete. Diff digests: {'nope'}"}
    none = post(evalmock, "/obj/delete", {"project_id": PROJECT, "object_id": "ghost"})
    assert none.json() == {"reason": "Object ghost (None) not found when deleting."}

    # A new version after a deletion still counts the deleted one.
    assert read(evalmock, "doc", create(evalmock, "doc", {"n": 2})).json()["obj"]["version_index"] == 2


def test_expected_digest_mismatch_is_409_and_stores_nothing(evalmock):
    val = {"k": "v"}
    response = post(evalmock, "/obj/create", {"obj": {"project_id": PROJECT, "object_id": "x", "val": val, "expected_digest": "wrong"}})
    assert response.status_code == 409
    assert response.json() == {"reason": f"Client obj 'x' digest wrong != server digest {compute_object_digest(val)}"}
    assert read(evalmock, "x", "latest").status_code == 404
    ok = post(evalmock, "/obj/create", {"obj": {"project_id": PROJECT, "object_id": "x", "val": val,
                                                "expected_digest": compute_object_digest(val)}})
    assert ok.status_code == 200

    table = post(evalmock, "/table/create", {"table": {"project_id": PROJECT, "rows": [{"a": 1}], "expected_digest": "wrong"}})
    assert table.status_code == 409 and table.json()["reason"].startswith("Client table (1 rows) digest wrong != server digest ")


def test_object_names_are_checked(evalmock):
    bad = post(evalmock, "/obj/create", {"obj": {"project_id": PROJECT, "object_id": "has space", "val": 1}})
    assert bad.status_code == 422 and bad.json()["reason"].startswith("Invalid object name: has space. Contains invalid characters: [' ']")
    long = post(evalmock, "/obj/create", {"obj": {"project_id": PROJECT, "object_id": "n" * 129, "val": 1}})
    assert long.status_code == 400 and long.json()["reason"].endswith("Max length is 128")


def test_missing_fields_are_fastapis_422(evalmock):
    response = post(evalmock, "/obj/create", {"obj": {"project_id": PROJECT, "val": 1}})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "obj", "object_id"]


# ---------------------------------------------------------------------------------------------
# Tables

def make_table(server, rows):
    response = post(server, "/table/create", {"table": {"project_id": PROJECT, "rows": rows}})
    assert response.status_code == 200, response.text
    return response.json()


def test_table_query_pages_filters_and_sorts(evalmock):
    rows = [{"i": i, "name": f"row {i}", "score": (i * 7) % 5} for i in range(10)]
    table = make_table(evalmock, rows)

    def query(**extra):
        response = post(evalmock, "/table/query", {"project_id": PROJECT, "digest": table["digest"], **extra})
        assert response.status_code == 200, response.text
        return response.json()["rows"]

    everything = query()
    assert [r["val"] for r in everything] == rows
    assert [r["original_index"] for r in everything] == list(range(10))
    assert [r["digest"] for r in everything] == table["row_digests"]
    assert [r["val"]["i"] for r in query(limit=3, offset=4)] == [4, 5, 6]
    wanted = table["row_digests"][7:9]
    assert [r["original_index"] for r in query(filter={"row_digests": wanted})] == [7, 8]
    by_score = query(sort_by=[{"field": "score", "direction": "desc"}, {"field": "i", "direction": "asc"}])
    assert [(r["val"]["score"], r["val"]["i"]) for r in by_score][:3] == [(4, 2), (4, 7), (3, 4)]
    bad = post(evalmock, "/table/query", {"project_id": PROJECT, "digest": table["digest"], "sort_by": [{"field": "a..b", "direction": "asc"}]})
    assert (bad.status_code, bad.json()["reason"]) == (400, "Invalid sort field 'a..b': field names cannot start/end with dots or contain consecutive dots")

    stats = post(evalmock, "/table/query_stats", {"project_id": PROJECT, "digest": table["digest"]}).json()
    assert stats == {"count": 10}
    batch = post(evalmock, "/table/query_stats_batch", {"project_id": PROJECT, "digests": [table["digest"], "unknown"]}).json()
    assert batch == {"tables": [{"count": 10, "digest": table["digest"], "storage_size_bytes": None}]}
    sized = post(evalmock, "/table/query_stats_batch", {"project_id": PROJECT, "digests": [table["digest"]],
                                                        "include_storage_size": True}).json()["tables"][0]
    assert sized["storage_size_bytes"] == sum(len(json.dumps(row)) for row in rows)
    assert post(evalmock, "/table/query", {"project_id": OTHER, "digest": table["digest"]}).json() == {"rows": []}


def test_table_update_and_create_from_digests(evalmock):
    table = make_table(evalmock, [{"a": 1}, {"a": 2}])
    response = post(evalmock, "/table/update", {"project_id": PROJECT, "base_digest": table["digest"], "updates": [
        {"append": {"row": {"a": 3}}}, {"pop": {"index": 0}}, {"insert": {"index": 0, "row": {"a": 0}}}]})
    assert response.status_code == 200, response.text
    a1, a2 = table["row_digests"]
    a3, a0 = compute_row_digest({"a": 3}), compute_row_digest({"a": 0})
    assert response.json() == {"digest": compute_table_digest([a0, a2, a3]), "updated_row_digests": [a3, a1, a0]}
    rows = post(evalmock, "/table/query", {"project_id": PROJECT, "digest": response.json()["digest"]}).json()["rows"]
    assert [r["val"] for r in rows] == [{"a": 0}, {"a": 2}, {"a": 3}]

    out_of_range = post(evalmock, "/table/update", {"project_id": PROJECT, "base_digest": table["digest"],
                                                    "updates": [{"pop": {"index": 5}}]})
    assert (out_of_range.status_code, out_of_range.json()) == (400, {"reason": "Index out of range"})

    combined = post(evalmock, "/table/create_from_digests", {"project_id": PROJECT, "row_digests": [a3, a1]}).json()
    assert combined == {"digest": compute_table_digest([a3, a1])}
    rows = post(evalmock, "/table/query", {"project_id": PROJECT, "digest": combined["digest"]}).json()["rows"]
    assert [r["val"] for r in rows] == [{"a": 3}, {"a": 1}]


def test_a_row_that_is_not_an_object_is_refused_by_the_request_model(evalmock):
    # `rows: list[dict]` in the request model: pydantic refuses it before the handler's own check.
    response = post(evalmock, "/table/create", {"table": {"project_id": PROJECT, "rows": [{"a": 1}, [1, 2]]}})
    assert response.status_code == 422
    assert [(d["type"], d["loc"]) for d in response.json()["detail"]] == [("dict_type", ["body", "table", "rows", 1])]
    assert post(evalmock, "/table/query_stats", {"project_id": PROJECT, "digest": compute_table_digest([compute_row_digest({"a": 1})])}).json() \
        == {"count": 0}


# ---------------------------------------------------------------------------------------------
# Refs

def test_refs_read_batch_walks_objects_tables_and_rows(evalmock):
    table = make_table(evalmock, [{"q": "2+2", "a": "4"}, {"q": "3+3", "a": "6"}])
    inner = create(evalmock, "inner", {"deep": {"list": [10, 20, 30]}})
    dataset = create(evalmock, "dataset", {
        "_type": "Dataset", "_class_name": "Dataset", "_bases": ["Object", "BaseModel"],
        "rows": f"weave:///{PROJECT}/table/{table['digest']}",
        "child": f"weave:///{PROJECT}/object/inner:{inner}"})
    base = f"weave:///{PROJECT}/object/dataset:{dataset}"
    row = table["row_digests"][1]
    response = post(evalmock, "/refs/read_batch", {"refs": [
        base,
        f"{base}/attr/rows/id/{row}",
        f"{base}/attr/rows/id/{row}/key/a",
        f"{base}/attr/child/key/deep/key/list/index/1",
        f"{base}/attr/child/key/deep/key/list/index/-1",
        f"{base}/attr/child/key/deep/key/list/index/9",
        f"{base}/attr/missing",
        f"weave:///{PROJECT}/object/inner:{inner}",
    ]})
    assert response.status_code == 200, response.text
    vals = response.json()["vals"]
    assert vals[0]["rows"] == f"weave:///{PROJECT}/table/{table['digest']}"
    assert vals[1:] == [{"q": "3+3", "a": "6"}, "6", 20, 30, None, None, {"deep": {"list": [10, 20, 30]}}]


def test_refs_read_batch_errors_are_the_servers(evalmock):
    digest = create(evalmock, "obj", {"x": 1})

    def refs(*uris):
        return post(evalmock, "/refs/read_batch", {"refs": list(uris)})
    latest = refs(f"weave:///{PROJECT}/object/obj:latest")
    assert (latest.status_code, latest.json()) == (400, {"reason": "Reading refs with `latest` is not supported"})
    table = refs(f"weave:///{PROJECT}/table/abc")
    assert (table.status_code, table.json()) == (400, {"reason": "Table refs not supported"})
    missing = refs(f"weave:///{PROJECT}/object/obj:{digest}", f"weave:///{PROJECT}/object/obj:nope")
    assert (missing.status_code, missing.json()) == (404, {"reason": "Ref read contains 2 digests, but found 1 objects. Diff digests: {'nope'}"})
    unpack = refs(f"weave:///{PROJECT}/object/obj")
    assert (unpack.status_code, unpack.json()) == (400, {"reason": "not enough values to unpack (expected 2, got 1)"})
    unknown_edge = refs(f"weave:///{PROJECT}/object/obj:{digest}/id/x")
    assert (unknown_edge.status_code, unknown_edge.json()) == (400, {"reason": "Unknown ref type: id"})
    assert refs(*[f"weave:///{PROJECT}/object/obj:{digest}"] * 1001).json() == {"reason": "Too many refs"}

    post(evalmock, "/obj/delete", {"project_id": PROJECT, "object_id": "obj"})
    assert refs(f"weave:///{PROJECT}/object/obj:{digest}").json() == {"vals": [None]}


# ---------------------------------------------------------------------------------------------
# Files

def test_file_round_trip_is_byte_exact(evalmock):
    content = bytes(range(256)) * 3 + b"\r\n--not-a-boundary\r\n" + "def f():\n    return 'é'\n".encode()
    response = requests.post(f"{evalmock.url}/file/create", data={"project_id": PROJECT},
                             files={"file": ("obj.py", content, "text/x-python")}, headers=basic())
    assert response.status_code == 200, response.text
    assert response.json() == {"digest": bytes_digest(content)}

    read_back = post(evalmock, "/file/content", {"project_id": PROJECT, "digest": bytes_digest(content)})
    assert read_back.status_code == 200
    assert read_back.headers["content-type"] == "application/octet-stream"
    assert read_back.content == content

    missing = post(evalmock, "/file/content", {"project_id": OTHER, "digest": bytes_digest(content)})
    assert (missing.status_code, missing.json()) == (404, {"reason": f"File {bytes_digest(content)} not found"})


def test_file_create_checks_the_form(evalmock):
    mismatch = requests.post(f"{evalmock.url}/file/create", data={"project_id": PROJECT, "expected_digest": "wrong"},
                             files={"file": ("a.txt", b"abc")}, headers=basic())
    assert (mismatch.status_code, mismatch.json()) == (409, {"reason": f"Client file digest wrong != server digest {bytes_digest(b'abc')}"})

    no_file = requests.post(f"{evalmock.url}/file/create", data={"project_id": PROJECT}, files={"other": ("a", b"x")}, headers=basic())
    assert no_file.status_code == 422
    assert [d["loc"] for d in no_file.json()["detail"]] == [["body", "file"]]

    as_json = post(evalmock, "/file/create", {"project_id": PROJECT})
    assert as_json.status_code == 422
    assert sorted(d["loc"][-1] for d in as_json.json()["detail"]) == ["file", "project_id"]

    text_file = requests.post(f"{evalmock.url}/file/create", files={"project_id": (None, PROJECT), "file": (None, "just text")},
                              headers=basic())
    assert text_file.status_code == 422
    assert text_file.json()["detail"][0]["msg"] == "Value error, Expected UploadFile, received: <class 'str'>"

    # An empty text field is absent, as FastAPI reads forms: no expected_digest to check.
    empty = requests.post(f"{evalmock.url}/file/create", data={"project_id": PROJECT, "expected_digest": ""},
                          files={"file": ("a.txt", b"abc")}, headers=basic())
    assert (empty.status_code, empty.json()) == (200, {"digest": bytes_digest(b"abc")})

    broken = requests.post(f"{evalmock.url}/file/create", data=b"--xyz\r\nno headers end",
                           headers={**basic(), "Content-Type": "multipart/form-data; boundary=xyz"})
    assert (broken.status_code, broken.json()) == (400, {"detail": "There was an error parsing the body"})


# ---------------------------------------------------------------------------------------------
# The real client's bindings

def test_the_real_clients_http_bindings_save_and_read(evalmock):
    client = RemoteHTTPTraceServer(evalmock.url, username="api", password=KEY)
    val = {"name": "m", "params": {"t": 0.5, "tags": ["x", "ÿ"]}}
    created = client.obj_create({"obj": {"project_id": PROJECT, "object_id": "m", "val": val}})
    assert created.digest == compute_object_digest(val)
    assert client.obj_read({"project_id": PROJECT, "object_id": "m", "digest": "latest"}).obj.val == val
    table = client.table_create({"table": {"project_id": PROJECT, "rows": [{"q": 1}, {"q": 2}]}})
    assert table.row_digests == [compute_row_digest({"q": 1}), compute_row_digest({"q": 2})]
    assert [r.val for r in client.table_query({"project_id": PROJECT, "digest": table.digest}).rows] == [{"q": 1}, {"q": 2}]
    assert client.table_query_stats({"project_id": PROJECT, "digest": table.digest}).count == 2
    source = b"import weave\n\n@weave.op\ndef f(x):\n    return x\n"
    # As `WeaveClient._send_file_create` sends an op's source: `file` is (name, bytes).
    file = client.file_create({"project_id": PROJECT, "file": ("obj.py", source)})
    assert file.digest == bytes_digest(source)
    assert client.file_content_read({"project_id": PROJECT, "digest": file.digest}).content == source
    ref = f"weave:///{PROJECT}/object/m:{created.digest}/key/params/key/t"
    assert client.refs_read_batch({"refs": [ref]}).vals == [0.5]


# ---------------------------------------------------------------------------------------------
# State: reset by project, export and import, restart

def control(server, method, path, **kwargs):
    return requests.request(method, f"{server.url}/_evalmock/{path}", timeout=10, **kwargs)


def save_everything(server, project):
    digest = create(server, "thing", {"p": project}, project=project)
    table = post(server, "/table/create", {"table": {"project_id": project, "rows": [{"p": project}]}}).json()
    content = bytes(range(256))
    file = requests.post(f"{server.url}/file/create", data={"project_id": project}, files={"file": ("b.bin", content)},
                         headers=basic()).json()
    return digest, table["digest"], file["digest"], content


def test_reset_of_one_project_export_import_and_restart_keep_objects_tables_and_files(evalmock, start_evalmock):
    gone = save_everything(evalmock, OTHER)
    kept_digest, kept_table, kept_file, content = save_everything(evalmock, PROJECT)
    health = control(evalmock, "GET", "health").json()["apis"]["weave"]
    assert (health["objects"], health["tables"], health["table_rows"], health["files"]) == (2, 2, 2, 2)

    assert control(evalmock, "POST", "reset", json={"api": "weave", "project": OTHER}).status_code == 200
    assert read(evalmock, "thing", gone[0], project=OTHER).status_code == 404
    assert post(evalmock, "/table/query_stats", {"project_id": OTHER, "digest": gone[1]}).json() == {"count": 0}
    assert post(evalmock, "/file/content", {"project_id": OTHER, "digest": gone[2]}).status_code == 404

    snapshot = control(evalmock, "GET", "export").json()
    other = start_evalmock()
    assert control(other, "POST", "import", json=snapshot).json() == {"imported": True}
    for server in (evalmock, other):
        assert read(server, "thing", kept_digest).json()["obj"]["val"] == {"p": PROJECT}
        assert post(server, "/table/query", {"project_id": PROJECT, "digest": kept_table}).json()["rows"][0]["val"] == {"p": PROJECT}
        assert post(server, "/file/content", {"project_id": PROJECT, "digest": kept_file}).content == content

    evalmock.restart()
    assert post(evalmock, "/file/content", {"project_id": PROJECT, "digest": kept_file}).content == content
    assert read(evalmock, "thing", "latest").json()["obj"]["digest"] == kept_digest


# ---------------------------------------------------------------------------------------------
# The real client, end to end for objects

def test_the_real_weave_client_publishes_a_dataset_and_an_op_and_reads_them_back(evalmock):
    script = Path(__file__).with_name("weave_publish_script.py")
    # Outside hosts unreachable: anything but evalmock would fail fast through a closed proxy.
    env = {**os.environ, "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "NO_PROXY": "127.0.0.1,localhost"}
    result = subprocess.run([sys.executable, str(script), evalmock.url], capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 0, result.stderr[-4000:]
    read = json.loads(result.stdout.strip().splitlines()[-1])
    rows = [{"a": 1, "b": 2}, {"a": 3, "b": 4, "note": "é"}]
    assert read == {"first": rows, "latest": rows[:1], "v0": rows, "row": rows[1], "op": 7}
