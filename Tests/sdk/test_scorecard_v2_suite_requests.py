"""The requests of scorecard-ai 3.10.0's generated `tests/api_resources/test_records.py`, in the
default mode: they need no lenience because these are the service's documented behaviours."""
from __future__ import annotations

from scorecard_ai import Scorecard

from conftest import Spec

RECORDS = "/runs/{runId}/records"


def client(server) -> Scorecard:
    return Scorecard(api_key="My API Key", base_url=server.url, max_retries=0, _strict_response_validation=True)


def test_a_run_is_created_on_first_use_and_a_made_up_cursor_is_a_record_id(evalmock, scorecard_spec):
    sc = client(evalmock)
    assert sc.records.list(run_id="135", cursor="123", limit=20, tags=["x"]).data == []
    created = [sc.records.create(run_id="135", inputs={"n": i}, expected={}, outputs={}) for i in range(4)]
    for record in created[1::2]:
        sc.records.tags.create(record.id, text="x")
    # Ids are numbers in creation order; a cursor is the id the next page starts at.
    page = sc.records.list(run_id="135", cursor=created[1].id, limit=20)
    assert [r.id for r in page.data] == [r.id for r in created[1:]]
    assert [r.id for r in sc.records.list(run_id="135", cursor=created[1].id, tags=["x"]).data] == [created[1].id, created[3].id]
    assert sc.records.list(run_id="135", cursor="123").data == [], "past the last record: an empty page"
    raw = sc.records.with_raw_response.list(run_id="135", cursor="123", limit=20, tags=["x"])
    scorecard_spec.assert_valid(raw.http_response.json(), scorecard_spec.response_schema("/runs/{runId}/records", "get", 200))


def test_delete_is_idempotent_for_unknown_and_deleted_records(evalmock):
    sc = client(evalmock)
    assert sc.records.delete("777").success is True
    assert sc.records.delete("777").success is True
    created = sc.records.create(run_id="135", inputs={}, expected={}, outputs={})
    assert sc.records.delete(created.id).success is True
    assert sc.records.delete(created.id).success is True
    assert sc.records.list(run_id="135").data == []
