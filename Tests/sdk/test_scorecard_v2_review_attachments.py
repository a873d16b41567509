"""Scorecard v2 record annotations and assignees, and session attachments (initiate, PUT the
bytes to the upload URL evalmock serves, commit, get and download, list, delete), through the
real `scorecard-ai` SDK with strict response parsing; every body is checked against the document."""
from __future__ import annotations

import hashlib
import json
import uuid

import httpx
import pytest
from scorecard_ai import BadRequestError, NotFoundError, Scorecard

KEY = "ak_review"
AUTH = {"Authorization": f"Bearer {KEY}"}
ATTACHMENTS = "/attachments"
ATTACHMENT = "/attachments/{attachmentId}"
COMMIT = "/attachments/{attachmentId}/commit"
SESSION = "/sessions/{sessionId}/attachments"
ANNOTATIONS = "/records/{recordId}/annotations"
ASSIGNEES = "/records/{recordId}/assignees"
ASSIGNEE = "/records/{recordId}/assignees/{assigneeUserId}"


def client(server, key: str = KEY, prefix: str = "/api/v2") -> Scorecard:
    return Scorecard(api_key=key, base_url=server.url + prefix, max_retries=0, _strict_response_validation=True)


def checked(spec, path: str, method: str, call):
    """Calls an SDK `with_raw_response` method, checks the body against the document, parses it."""
    response = call()
    spec.assert_response(path, method, response.http_response)
    return response.parse()


def refused(spec, path: str, method: str, error: type, call) -> dict:
    with pytest.raises(error) as raised:
        call()
    spec.assert_response(path, method, raised.value.response)
    return raised.value.response.json()


def initiate(sc, spec, session: str, file_path: str, content: bytes, **extra):
    return checked(spec, ATTACHMENTS, "post", lambda: sc.attachments.with_raw_response.initiate(
        session_id=session, file_path=file_path, sha256=hashlib.sha256(content).hexdigest(),
        size_bytes=len(content), content_type=extra.pop("content_type", "text/plain"), **extra))


def upload(sc, spec, session: str, file_path: str, content: bytes, **extra):
    """The whole flow for new content: initiate, PUT the bytes (no credentials, as to a signed URL), commit."""
    started = initiate(sc, spec, session, file_path, content, **extra)
    assert started.already_exists is False and started.upload_method == "PUT"
    assert httpx.put(started.upload_url, content=content).status_code == 200
    return checked(spec, COMMIT, "post", lambda: sc.attachments.with_raw_response.commit(started.id))


def new_record(sc) -> str:
    return sc.records.create("review-run", inputs={"q": 1}, expected={}, outputs={}).id


# Attachments


def test_initiate_upload_commit_get_download_list_dedupe_delete(evalmock, scorecard_spec):
    sc = client(evalmock)
    content = b"%PDF-1.7\n" + bytes(range(256)) * 4
    session = str(uuid.uuid4())
    started = initiate(sc, scorecard_spec, session, "/tmp/report.pdf", content,
                       content_type="application/pdf", filename="report.pdf", metadata={"pages": 3})
    assert started.upload_url.startswith(f"{evalmock.url}/api/v2/") and started.expires_at
    pending = checked(scorecard_spec, ATTACHMENT, "get", lambda: sc.attachments.with_raw_response.get(started.id))
    assert (pending.status, pending.sha256, pending.download_url, pending.filename) == ("pending", None, None, "report.pdf")

    assert httpx.put(started.upload_url, content=content).status_code == 200
    committed = checked(scorecard_spec, COMMIT, "post", lambda: sc.attachments.with_raw_response.commit(started.id))
    assert committed.status == "uploaded" and committed.uploaded_at
    assert (committed.content_type, committed.size_bytes, committed.sha256) == ("application/pdf", len(content), hashlib.sha256(content).hexdigest())
    assert committed.metadata == {"pages": 3}

    got = checked(scorecard_spec, ATTACHMENT, "get", lambda: sc.attachments.with_raw_response.get(started.id))
    assert got.download_url and got.download_expires_at and got.uploaded_at == committed.uploaded_at
    download = httpx.get(got.download_url)
    assert download.status_code == 200 and download.content == content
    assert download.headers["content-type"] == "application/pdf"

    listed = checked(scorecard_spec, SESSION, "get", lambda: sc.attachments.with_raw_response.list(session))
    assert [a.id for a in listed.data] == [started.id] and listed.has_more is False

    again = initiate(sc, scorecard_spec, session, "/tmp/report.pdf", content, content_type="application/pdf")
    assert (again.id, again.already_exists, again.upload_url, again.upload_method, again.expires_at) == (started.id, True, None, None, None)

    deleted = checked(scorecard_spec, ATTACHMENT, "delete", lambda: sc.attachments.with_raw_response.delete(started.id))
    assert deleted.success is True
    refused(scorecard_spec, ATTACHMENT, "get", NotFoundError, lambda: sc.attachments.get(started.id))
    assert httpx.get(got.download_url).status_code == 404, "the stored file goes with its metadata"
    assert checked(scorecard_spec, SESSION, "get", lambda: sc.attachments.with_raw_response.list(session)).data == []


def test_commit_checks_the_uploaded_bytes_and_changes_nothing_when_they_are_wrong(evalmock, scorecard_spec):
    sc = client(evalmock)
    content = b"the real content"
    started = initiate(sc, scorecard_spec, "s-check", "/out.txt", content)
    body = refused(scorecard_spec, COMMIT, "post", BadRequestError, lambda: sc.attachments.commit(started.id))
    assert "no bytes were uploaded" in body["message"]

    httpx.put(started.upload_url, content=b"the fake content")  # same size, other bytes
    body = refused(scorecard_spec, COMMIT, "post", BadRequestError, lambda: sc.attachments.commit(started.id))
    assert body["details"]["errors"][0]["path"] == "sha256"
    httpx.put(started.upload_url, content=content + b"!")
    body = refused(scorecard_spec, COMMIT, "post", BadRequestError, lambda: sc.attachments.commit(started.id))
    assert body["details"]["errors"][0]["path"] == "sizeBytes"
    still = sc.attachments.get(started.id)
    assert (still.status, still.sha256, still.download_url) == ("pending", None, None)
    assert sc.attachments.list("s-check").data == [], "only committed attachments are listed"

    httpx.put(started.upload_url, content=content)
    first = sc.attachments.commit(started.id)
    second = checked(scorecard_spec, COMMIT, "post", lambda: sc.attachments.with_raw_response.commit(started.id))
    assert second == first, "committing a committed attachment is a no-op"
    assert httpx.put(started.upload_url, content=b"late").status_code == 404, "a committed upload's URL is spent"


def test_new_content_for_the_same_path_replaces_the_attachment_in_place_on_commit(evalmock, scorecard_spec):
    sc = client(evalmock)
    first = upload(sc, scorecard_spec, "s-edit", "/notes.md", b"# v1", filename="notes.md")
    old_download = sc.attachments.get(first.id).download_url

    started = initiate(sc, scorecard_spec, "s-edit", "/notes.md", b"# version 2", content_type="text/markdown", filename="notes-v2.md")
    assert started.id == first.id and started.already_exists is False
    before = sc.attachments.get(first.id)
    assert (before.sha256, before.filename, before.status) == (first.sha256, "notes.md", "uploaded")
    assert httpx.get(before.download_url).content == b"# v1", "the old content stays until the commit"

    httpx.put(started.upload_url, content=b"# version 2")
    after = sc.attachments.commit(first.id)
    assert (after.sha256, after.size_bytes, after.content_type, after.filename) == (
        hashlib.sha256(b"# version 2").hexdigest(), 11, "text/markdown", "notes-v2.md")
    assert after.uploaded_at >= first.uploaded_at
    assert httpx.get(sc.attachments.get(first.id).download_url).content == b"# version 2"
    assert httpx.get(old_download).status_code == 404
    assert [a.id for a in sc.attachments.list("s-edit")] == [first.id]
    assert initiate(sc, scorecard_spec, "s-edit", "/notes.md", b"# v1").already_exists is False, "v1 is no longer stored"


@pytest.mark.parametrize("size", [0, 1, 55, 56, 63, 64, 65, 1000, 70_000])
def test_the_sha256_check_agrees_with_hashlib_at_every_padding_length(evalmock, scorecard_spec, size):
    content = bytes((i * 7 + 3) % 256 for i in range(size))
    committed = upload(client(evalmock), scorecard_spec, "s-sizes", f"/f{size}", content, content_type="application/octet-stream")
    assert committed.size_bytes == size


def test_session_lists_page_through_committed_attachments_only(evalmock, scorecard_spec):
    sc = client(evalmock)
    ids = [upload(sc, scorecard_spec, "s-page", f"/{n}.txt", f"file {n}".encode()).id for n in range(3)]
    initiate(sc, scorecard_spec, "s-page", "/pending.txt", b"never uploaded")
    upload(sc, scorecard_spec, "s-other", "/0.txt", b"file 0")
    first = checked(scorecard_spec, SESSION, "get", lambda: sc.attachments.with_raw_response.list("s-page", limit=2))
    assert len(first.data) == 2 and first.has_more and first.next_cursor and first.total == 3
    assert [a.id for a in sc.attachments.list("s-page", limit=2)] == ids
    assert checked(scorecard_spec, SESSION, "get", lambda: sc.attachments.with_raw_response.list("nobody")).data == []


def test_the_upload_url_follows_the_prefix_the_client_uses(evalmock, scorecard_spec):
    sc = client(evalmock, prefix="")
    started = initiate(sc, scorecard_spec, "s-root", "/a", b"a")
    assert started.upload_url.startswith(f"{evalmock.url}/evalmock-storage/uploads/")
    httpx.put(started.upload_url, content=b"a")
    assert sc.attachments.commit(started.id).status == "uploaded"


def test_attachments_their_bytes_and_uploads_in_progress_survive_a_restart(evalmock, scorecard_spec):
    sc = client(evalmock)
    content = bytes(range(256)) * 50
    committed = upload(sc, scorecard_spec, "s-keep", "/blob.bin", content, content_type="application/octet-stream")
    pending = initiate(sc, scorecard_spec, "s-keep", "/later.bin", b"later")
    evalmock.restart()
    sc = client(evalmock)
    got = checked(scorecard_spec, ATTACHMENT, "get", lambda: sc.attachments.with_raw_response.get(committed.id))
    assert got.sha256 == committed.sha256 and httpx.get(got.download_url).content == content
    assert httpx.put(pending.upload_url.replace(pending.upload_url.split("/api/v2")[0], evalmock.url), content=b"later").status_code == 200
    assert sc.attachments.commit(pending.id).status == "uploaded"
    assert [a.file_path for a in sc.attachments.list("s-keep")] == ["/blob.bin", "/later.bin"]


def test_bad_attachment_requests_are_400_and_unknown_ids_404(evalmock, scorecard_spec):
    sc = client(evalmock)
    good = {"session_id": "s", "file_path": "/f", "sha256": "a" * 64, "size_bytes": 1, "content_type": "text/plain"}
    for bad in [{"sha256": "A" * 64}, {"sha256": "abc"}, {"size_bytes": -1}, {"content_type": ""}, {"session_id": ""}]:
        refused(scorecard_spec, ATTACHMENTS, "post", BadRequestError, lambda: sc.attachments.initiate(**{**good, **bad}))
    missing = httpx.post(f"{evalmock.url}/api/v2/attachments", headers=AUTH, json={"sessionId": "s", "filePath": "/f"})
    assert missing.status_code == 400
    scorecard_spec.assert_response(ATTACHMENTS, "post", missing)
    assert {e["path"] for e in missing.json()["details"]["errors"]} == {"sha256", "sizeBytes", "contentType"}
    refused(scorecard_spec, ATTACHMENT, "get", BadRequestError, lambda: sc.attachments.get("not-a-uuid"))

    unknown = str(uuid.uuid4())
    refused(scorecard_spec, ATTACHMENT, "get", NotFoundError, lambda: sc.attachments.get(unknown))
    refused(scorecard_spec, COMMIT, "post", NotFoundError, lambda: sc.attachments.commit(unknown))
    refused(scorecard_spec, ATTACHMENT, "delete", NotFoundError, lambda: sc.attachments.delete(unknown))
    for method in ("PUT", "GET"):
        kind = "uploads" if method == "PUT" else "downloads"
        answer = httpx.request(method, f"{evalmock.url}/api/v2/evalmock-storage/{kind}/{'0' * 32}", content=b"x" if method == "PUT" else None)
        assert answer.status_code == 404
        scorecard_spec.assert_valid(answer.json(), scorecard_spec.component("ApiError"))
    assert httpx.post(f"{evalmock.url}/api/v2/attachments", json=good).status_code == 401, "the API itself still needs a key"


# Assignees


def test_assigning_is_idempotent_and_names_the_caller(evalmock, scorecard_spec):
    sc = client(evalmock)
    record = new_record(sc)
    first = checked(scorecard_spec, ASSIGNEES, "post", lambda: sc.records.assignees.with_raw_response.create(record, assignee_user_id="user_2abc123"))
    assert (first.record_id, first.assignee_user_id) == (record, "user_2abc123")
    assert first.assigned_by_user_id == "user_" + hashlib.sha256(KEY.encode()).hexdigest()[:24]
    again = sc.records.assignees.create(record, assignee_user_id="user_2abc123")
    assert again == first
    other = client(evalmock, key="ak_other").records.assignees.create(record, assignee_user_id="user_9")
    assert other.assigned_by_user_id not in (first.assigned_by_user_id, "ak_other")

    listed = checked(scorecard_spec, ASSIGNEES, "get", lambda: sc.records.assignees.with_raw_response.list(record))
    assert [(a.assignee_user_id, a.id) for a in listed.data] == [("user_2abc123", first.id), ("user_9", other.id)]
    removed = checked(scorecard_spec, ASSIGNEE, "delete", lambda: sc.records.assignees.with_raw_response.delete("user_2abc123", record_id=record))
    assert removed.deleted == 1
    assert sc.records.assignees.delete("user_2abc123", record_id=record).deleted == 0
    assert sc.records.assignees.delete("user_9", record_id="no-such-record").deleted == 0
    assert [a.assignee_user_id for a in sc.records.assignees.list(record).data] == ["user_9"]

    evalmock.restart()
    sc = client(evalmock)
    assert [a.id for a in sc.records.assignees.list(record).data] == [other.id]
    sc.records.delete(record)
    refused(scorecard_spec, ASSIGNEES, "get", NotFoundError, lambda: sc.records.assignees.list(record))


def test_assignees_of_unknown_records_are_404_and_bad_bodies_400(evalmock, scorecard_spec):
    sc = client(evalmock)
    refused(scorecard_spec, ASSIGNEES, "get", NotFoundError, lambda: sc.records.assignees.list("404404"))
    refused(scorecard_spec, ASSIGNEES, "post", NotFoundError, lambda: sc.records.assignees.create("404404", assignee_user_id="u"))
    record = new_record(sc)
    for body in [{}, {"assigneeUserId": 7}]:
        answer = httpx.post(f"{evalmock.url}/api/v2/records/{record}/assignees", headers=AUTH, json=body)
        assert answer.status_code == 400
        scorecard_spec.assert_response(ASSIGNEES, "post", answer)
    assert sc.records.assignees.list(record).data == []


# Annotations


def annotation_row(record: str, **document) -> dict:
    return {"kind": "annotation", "id": document.pop("id"), "parent_kind": "record", "parent_id": record, "document": json.dumps(document)}


def test_annotations_are_empty_until_seeded_and_seeded_ones_read_back(evalmock, scorecard_spec):
    sc = client(evalmock)
    record = new_record(sc)
    empty = checked(scorecard_spec, ANNOTATIONS, "get", lambda: sc.records.annotations.with_raw_response.list(record))
    assert empty.data == []
    refused(scorecard_spec, ANNOTATIONS, "get", NotFoundError, lambda: sc.records.annotations.list("404404"))

    snapshot = httpx.get(f"{evalmock.url}/_evalmock/export").json()
    snapshot["apis"]["scorecard-v2"]["scorecard_resources"] += [
        annotation_row(record, id="a1", recordId=record, spanId=None, rating=True, comment="Great response!",
                       userId="user_abc123", createdAt="2026-03-01T12:00:00.000Z"),
        annotation_row(record, id="a2", recordId=record, spanId="span_xyz", rating=False, comment=None,
                       userId="user_def456", createdAt="2026-03-02T15:30:00.000Z"),
    ]
    assert httpx.post(f"{evalmock.url}/_evalmock/import", json=snapshot).status_code == 200
    listed = checked(scorecard_spec, ANNOTATIONS, "get", lambda: sc.records.annotations.with_raw_response.list(record))
    assert [(a.id, a.rating, a.comment, a.span_id) for a in listed.data] == [("a1", True, "Great response!", None), ("a2", False, None, "span_xyz")]

    evalmock.restart()
    assert [a.id for a in client(evalmock).records.annotations.list(record).data] == ["a1", "a2"]
    client(evalmock).records.delete(record)
    with httpx.Client() as http:
        assert "annotation" not in json.dumps(http.get(f"{evalmock.url}/_evalmock/export").json()), "they go with their record"


def test_annotations_can_be_seeded_from_a_fixtures_snapshot(start_evalmock, tmp_path, scorecard_spec):
    fixtures = tmp_path / "fixtures" / "scorecard-v2"
    fixtures.mkdir(parents=True)
    rows = [
        {"kind": "run", "id": "135", "document": json.dumps({"testsetId": None, "status": "pending"})},
        {"kind": "record", "id": "777", "parent_kind": "run", "parent_id": "135",
         "document": json.dumps({"runId": "135", "inputs": {}, "expected": {}, "outputs": {}})},
        annotation_row("777", id="1", recordId="777", spanId=None, rating=None, comment="Needs a source.",
                       userId="user_abc123", createdAt="2026-03-01T12:00:00.000Z"),
    ]
    (fixtures / "annotations.json").write_text(json.dumps(
        {"format": "evalmock-state", "version": 1, "apis": {"scorecard-v2": {"scorecard_resources": rows}}}))
    server = start_evalmock("--fixtures", str(tmp_path / "fixtures"))
    sc = client(server)
    listed = checked(scorecard_spec, ANNOTATIONS, "get", lambda: sc.records.annotations.with_raw_response.list("777"))
    assert [(a.id, a.rating, a.comment) for a in listed.data] == [("1", None, "Needs a source.")]
