"""Every enumeration a Scale GP request can carry, against pydantic v2 itself.

pydantic checks an Enum class or a `Literal` by membership alone, so any input that is not a
member (null, a number, a boolean, an object, a list, another string) gets the enumeration's
error: `enum` for a class (a component of the document), `literal_error` for a `Literal` (a
list or `const` in place), the tag errors for a discriminator. Each site below puts such an
input into an otherwise valid body; evalmock's 422 `detail` must equal pydantic's errors for
the batch create, the single create and the PATCH, entry for entry, and where pydantic finds
nothing wrong evalmock must accept the body. The sites are checked
against the document, so an enumeration added to it without a site here fails the suite.
"""
from __future__ import annotations

import json
from typing import Any, Callable

import httpx
import pytest

from scale_gp_models import BATCH, CREATE, PATCH, VIEWS, errors

HEADERS = {"x-api-key": "k"}
RESULTS = "/v4/evaluations/e/test-case-results"

NOT_MEMBERS: list[Any] = [None, 0, 1, -2, 1.5, 1.0, True, False, {}, {"k": "v"}, [], ["PENDING"], "x", "", "pending", " PENDING "]


def item(**extra: Any) -> dict:
    return {"application_spec_id": "spec-1", "evaluation_dataset_version_num": "1", "test_case_id": "tc", **extra}


def flexible(output: dict) -> dict:
    return {"test_case_evaluation_data": {"generation_output": output}}


def chat(message: dict) -> dict:
    return flexible({"conversation": [message]})


def user_part(part: dict) -> dict:
    return chat({"role": "user", "content": [part]})


# `Schema.property` → the members of a request body that put `value` there.
SITES: dict[str, Callable[[Any], dict]] = {
    **{f"{model}.{field}": (lambda field: lambda value: {field: value})(field)
       for model in ["TestCaseResultRequest", "PartialTestCaseResultRequest"]
       for field in ["label_status", "audit_status", "annotated_by_identity_type", "edited_by_identity_type"]},
    "ChunkExtraInfoSchema.schema_type": lambda value: {"test_case_evaluation_data": {
        "generation_output": "x", "generation_extra_info": {"schema_type": value, "chunks": []}}},
    "StringExtraInfoSchema.schema_type": lambda value: {"test_case_evaluation_data": {
        "generation_output": "x", "generation_extra_info": {"schema_type": value, "info": "i"}}},
    "UserMessage.role": lambda value: chat({"role": value, "content": [{"type": "text", "text": "t"}]}),
    "AssistantMessage.role": lambda value: chat({"role": value, "content": "c"}),
    "SystemMessage.role": lambda value: chat({"role": value, "content": "c"}),
    "TextUserMessageContentParts.type": lambda value: user_part({"type": value, "text": "t"}),
    "ImageUrlUserMessageContentParts.type": lambda value: user_part({"type": value, "image_url": {"url": "u"}}),
    "ImageDataUserMessageContentParts.type": lambda value: user_part({"type": value, "image_data": {"media_type": "m", "data": "d"}}),
    "ImageUrlSubPart.detail": lambda value: user_part({"type": "image_url", "image_url": {"url": "u", "detail": value}}),
    "ImageDataSubPart.type": lambda value: user_part({"type": "image_data", "image_data": {"type": value, "media_type": "m", "data": "d"}}),
    "ImageDataSubPart.detail": lambda value: user_part({"type": "image_data", "image_data": {"media_type": "m", "data": "d", "detail": value}}),
    "ExternalFile.file_type": lambda value: flexible({"file": {"uri": "s3://b/k", "file_type": value}}),
    "InternalFile.file_type": lambda value: flexible({"file": {"file_id": "f-1", "file_type": value}}),
}

CASES = [(site, value) for site in SITES for value in NOT_MEMBERS]


def request_enumerations() -> set[str]:
    """`Schema.property` of every enumeration reachable from a request body, with the deeper
    rule's `TestCaseEvaluationData` in place of the published free-form object."""
    document = json.load(open("openapi/scale-gp.json"))
    schemas = document["components"]["schemas"]
    found: set[str] = set()
    seen: set[str] = set()

    def is_enumeration(schema: dict) -> bool:
        if "enum" in schema or "const" in schema:
            return True
        refs = [schema.get("$ref")] + [part.get("$ref") for part in schema.get("allOf", []) + schema.get("anyOf", [])]
        return any(ref and is_enumeration(schemas[ref.split("/")[-1]]) for ref in refs)

    def visit(schema: Any, owner: str | None = None) -> None:
        if isinstance(schema, dict):
            if "$ref" in schema:
                name = schema["$ref"].split("/")[-1]
                if name not in seen:
                    seen.add(name)
                    visit(schemas[name], name)
                return
            for field, member in schema.get("properties", {}).items():
                if is_enumeration(member):
                    found.add(f"{owner}.{field}")
                visit(member)
            for key, value in schema.items():
                if key != "properties":
                    visit(value)
        elif isinstance(schema, list):
            for value in schema:
                visit(value)

    for name in ["TestCaseResultRequest", "PartialTestCaseResultRequest", "TestCaseEvaluationData"]:
        visit({"$ref": f"#/components/schemas/{name}"})
    return found


def test_every_enumeration_of_the_request_bodies_has_a_site():
    assert set(SITES) == request_enumerations()


def test_the_enumerations_inside_a_flexible_output_never_fail_in_pydantic():
    # `generation_output` of ResultSchemaFlexible maps names to a union that ends in `List[Any]`
    # and `Dict[str, Any]`, so a chat message or a file with a wrong member is still a list or a
    # dict: the service takes it. evalmock must take it too (checked below).
    nested = {site for site in SITES if "test_case_evaluation_data" in json.dumps(SITES[site]("v"))
              and "generation_extra_info" not in json.dumps(SITES[site]("v"))}
    assert {site for site, value in CASES if not errors(PATCH, SITES[site](value))} == nested


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from conftest import Evalmock
    running = Evalmock(tmp_path_factory.mktemp("enums") / "evalmock.db")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def stored_id(server) -> str:
    created = httpx.post(server.url + RESULTS, headers=HEADERS, json=item(test_case_evaluation_data={"generation_output": "x"}))
    assert created.status_code == 200, created.text
    return created.json()["id"]


def case_id(case: Any) -> str:
    return json.dumps(case)[:40]


def answers_as_pydantic(response: httpx.Response, expected: list[dict]) -> None:
    if expected:
        assert (response.status_code, response.json()) == (422, {"detail": expected})
    else:
        assert response.status_code == 200, response.text


@pytest.mark.parametrize("site, value", CASES, ids=case_id)
def test_batch_create_and_patch_answer_as_pydantic(server, stored_id, site, value):
    body = SITES[site](value)
    batch = [item(test_case_evaluation_data={"generation_output": "ok"}), item(**{"test_case_evaluation_data": {"generation_output": "x"}, **body})]
    answers_as_pydantic(httpx.post(server.url + RESULTS + "/batch", headers=HEADERS, json=batch), errors(BATCH, batch))
    answers_as_pydantic(httpx.post(server.url + RESULTS, headers=HEADERS, json=batch[1]), errors(CREATE, batch[1]))
    answers_as_pydantic(httpx.patch(f"{server.url}{RESULTS}/{stored_id}", headers=HEADERS, json=body), errors(PATCH, body))


@pytest.mark.parametrize("views", [["x"], ["Trace", "trace"], [""], ["Metrics", "1"]], ids=case_id)
def test_an_unknown_view_answers_as_pydantic(server, stored_id, views):
    # A query parameter is always a string: only other strings can miss the enumeration.
    for path in [RESULTS, f"{RESULTS}/{stored_id}"]:
        answered = httpx.get(server.url + path, headers=HEADERS, params={"view": views})
        assert (answered.status_code, answered.json()) == (422, {"detail": errors(VIEWS, views, ("query", "view"))})
