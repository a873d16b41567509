#!/usr/bin/env python3
"""Derive the Scorecard v2 Metric Group operations from the scorecard-ai 3.10.0 SDK and merge
them into openapi/scorecard-v2.json.

The published document lacks the five `client.metric_groups.*` operations that the SDK calls
(api.md, "# MetricGroups"). This script rebuilds them from the installed SDK:

* component schemas: pydantic's own JSON Schema generator run on the SDK's response models
  (`MetricGroup`, `MetricGroupDeleteResponse`) and request-params TypedDicts
  (`MetricGroupCreateParams`, `MetricGroupUpdateParams`). Post-processing only: property
  names become the wire names (Stainless keeps them in `PropertyInfo(alias=...)`, which pydantic
  does not read), the attributes' docstrings become `description` (as
  `use_attribute_docstrings=True` would), pydantic's generated property titles are dropped and
  keys are ordered like the document's (type, properties, items, required, description, ...).
* query parameters of `list`: names and types from `MetricGroupListParams`; their constraints
  (exclusiveMinimum, default, example) are those of the same parameters of `listMetrics`, so
  paging behaves like every other list of the document.
* operations: method and path from the resource (`resources/metric_groups.py`), summary from the
  method name, description from the method's docstring; everything else (path-parameter and
  response descriptions, the 201 of create, the list envelope `data`/`nextCursor`/`hasMore`/
  `total`, the 401/500 answers) is copied from the matching Metric operation of the document with
  "Metric" renamed "Metric Group"; 400 and 404 are the document's `BadRequestError` and
  `NotFoundError` answers, declared last as on the record operations evalmock implements.

Everything derived carries `x-evalmock-derived`. Running the script again replaces what it
derived before, so a second run changes nothing. The file is written back as it is formatted
(indent 2, UTF-8, trailing newline), so the diff only adds.

Usage: python3 openapi/derive/scorecard_metric_groups.py [--check] [path/to/scorecard-v2.json]
"""
from __future__ import annotations

import argparse
import ast
import copy
import inspect
import json
import re
import sys
import textwrap
import typing
from pathlib import Path

import pydantic
import scorecard_ai
from scorecard_ai.resources import metric_groups as resource
from scorecard_ai.types import MetricGroup, MetricGroupDeleteResponse
from scorecard_ai.types import metric_group_create_params, metric_group_list_params, metric_group_update_params
from derived_document import MARK_KEY, insert_after, is_derived, write_or_check, read_document, render

SDK_VERSION = "3.10.0"
MARK = f"scorecard-ai {SDK_VERSION} SDK types (pydantic JSON Schema)"
REF = "#/components/schemas/{model}"
DOCUMENT = Path(__file__).resolve().parents[1] / "scorecard-v2.json"

# (method, path, SDK method, document neighbour (path, method)) in api.md order.
OPERATIONS = [
    ("post", "/projects/{projectId}/metric-groups", "create", ("/projects/{projectId}/metrics", "post")),
    ("patch", "/metric-groups/{metricGroupId}", "update", ("/metrics/{metricId}", "patch")),
    ("get", "/projects/{projectId}/metric-groups", "list", ("/projects/{projectId}/metrics", "get")),
    ("delete", "/metric-groups/{metricGroupId}", "delete", ("/metrics/{metricId}", "delete")),
    ("get", "/metric-groups/{metricGroupId}", "get", ("/metrics/{metricId}", "get")),
]
OPERATION_IDS = {"create": "createMetricGroup", "update": "updateMetricGroup", "list": "listMetricGroups",
                 "delete": "deleteMetricGroup", "get": "getMetricGroup"}
SUMMARIES = {"create": "Create Metric Group", "update": "Update Metric Group", "list": "List Metric Groups",
             "delete": "Delete Metric Group", "get": "Get Metric Group"}
REQUEST_PARAMS = {"create": metric_group_create_params.MetricGroupCreateParams,
                  "update": metric_group_update_params.MetricGroupUpdateParams}
RESPONSE_MODELS = {"create": MetricGroup, "update": MetricGroup, "get": MetricGroup,
                   "delete": MetricGroupDeleteResponse}
LIST_ITEM_MODEL = MetricGroup
LIST_PARAMS = metric_group_list_params.MetricGroupListParams
KEY_ORDER = ["$ref", "type", "const", "enum", "properties", "items", "required", "additionalProperties",
             "description", "default", "minimum", "maximum", "exclusiveMinimum", "example"]


def attribute_docstrings(cls: type) -> dict[str, str]:
    """The string literal after each annotated attribute of the class body (PEP 257 attribute
    docstrings), cleaned like pydantic's `use_attribute_docstrings`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body
    docs = {}
    for statement, following in zip(body, body[1:]):
        if (isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
                and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)):
            docs[statement.target.id] = inspect.cleandoc(following.value.value)
    return docs


def wire_names(cls: type) -> dict[str, str]:
    """Python attribute name -> JSON member name."""
    if isinstance(cls, type) and issubclass(cls, pydantic.BaseModel):
        return {name: field.alias or name for name, field in cls.model_fields.items()}
    names = {}
    for name, hint in typing.get_type_hints(cls, include_extras=True).items():
        alias = None
        for layer in (hint, *typing.get_args(hint)):
            for meta in getattr(layer, "__metadata__", ()):
                alias = getattr(meta, "alias", None) or alias
        names[name] = alias or name
    return names


def ordered(schema):
    if isinstance(schema, list):
        return [ordered(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    keys = sorted(schema, key=lambda k: (KEY_ORDER.index(k) if k in KEY_ORDER else len(KEY_ORDER), 0))
    out = {}
    for key in keys:
        value = schema[key]
        if key == "properties":
            out[key] = {name: ordered(sub) for name, sub in value.items()}
        else:
            out[key] = ordered(value)
    return out


def pydantic_schema(cls: type) -> dict:
    """pydantic's JSON Schema of an SDK model or params TypedDict, with wire names and docstrings."""
    if isinstance(cls, type) and issubclass(cls, pydantic.BaseModel):
        schema = cls.model_json_schema(by_alias=True, ref_template=REF)
    else:
        schema = pydantic.TypeAdapter(cls).json_schema(by_alias=True, ref_template=REF)
    if "$defs" in schema:
        raise SystemExit(f"{cls.__name__} references other models; reuse the document's components for them")
    names = wire_names(cls)  # python name -> wire name
    python_name_of = {wire: python for python, wire in names.items()}
    docs = attribute_docstrings(cls)
    properties = {}
    for generated, sub in schema.get("properties", {}).items():
        # Models are generated with their aliases already; TypedDicts with their Python names.
        python_name = python_name_of.get(generated, generated)
        sub = {k: v for k, v in sub.items() if k != "title"}
        if python_name in docs:
            sub["description"] = docs[python_name]
        properties[names.get(python_name, python_name)] = sub
    if "properties" in schema:
        schema["properties"] = properties
    if "required" in schema:
        schema["required"] = [names.get(python_name_of.get(name, name), name) for name in schema["required"]]
    schema.pop("title", None)
    schema[MARK_KEY] = MARK
    return ordered(schema)


def method_description(name: str) -> str:
    doc = inspect.getdoc(getattr(resource.MetricGroupsResource, name)) or ""
    text = doc.split("\nArgs:")[0].strip()
    return re.sub(r"\s*\n\s*", " ", re.sub(r"\n\s*\n", "\n", text))


def rename(value, mapping):
    """Deep copy of a document fragment with "Metric" wording and ids renamed for Metric Groups."""
    if isinstance(value, dict):
        return {k: rename(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [rename(v, mapping) for v in value]
    if isinstance(value, str):
        if value in mapping:
            return mapping[value]
        return re.sub(r"\bMetric(s?)\b", lambda m: "Metric Group" + ("s" if m.group(1) else ""), value)
    return value


def sdk_path(name: str) -> str:
    """The path the SDK method requests, with the document's camelCase parameter names."""
    source = inspect.getsource(getattr(resource.MetricGroupsResource, name))
    template = re.search(r'path_template\("([^"]+)"', source).group(1)
    return re.sub(r"\{(\w+)\}", lambda m: "{" + re.sub(r"_(\w)", lambda c: c.group(1).upper(), m.group(1)) + "}",
                  template)


def build(document: dict) -> tuple[dict, dict]:
    components = {
        "MetricGroup": pydantic_schema(MetricGroup),
        "MetricGroupCreateParams": pydantic_schema(REQUEST_PARAMS["create"]),
        "MetricGroupUpdateParams": pydantic_schema(REQUEST_PARAMS["update"]),
        "MetricGroupDeleteResponse": pydantic_schema(MetricGroupDeleteResponse),
    }
    component_of = {MetricGroup: "MetricGroup", MetricGroupDeleteResponse: "MetricGroupDeleteResponse",
                    REQUEST_PARAMS["create"]: "MetricGroupCreateParams",
                    REQUEST_PARAMS["update"]: "MetricGroupUpdateParams"}
    ref = lambda cls: {"$ref": REF.format(model=component_of[cls])}
    paths: dict[str, dict] = {}
    for method, path, name, (neighbour_path, neighbour_method) in OPERATIONS:
        if sdk_path(name) != path:
            raise SystemExit(f"{name}: the SDK requests {sdk_path(name)}, expected {path}")
        neighbour = document["paths"][neighbour_path][neighbour_method]
        mapping = {"metricId": "metricGroupId"}
        operation = {
            "operationId": OPERATION_IDS[name],
            "summary": SUMMARIES[name],
            "description": method_description(name),
        }
        parameters = [rename(p, mapping) for p in neighbour["parameters"] if p["in"] == "path"]
        if name == "list":
            sdk_query = pydantic.TypeAdapter(LIST_PARAMS).json_schema()["properties"]
            docs = attribute_docstrings(LIST_PARAMS)
            neighbour_query = {p["name"]: p for p in neighbour["parameters"] if p["in"] == "query"}
            for query_name, sub in sdk_query.items():
                parameter = copy.deepcopy(neighbour_query[query_name])
                if parameter["schema"]["type"] != sub["type"]:
                    raise SystemExit(f"query {query_name}: SDK type {sub['type']} differs from listMetrics")
                parameter["description"] = re.sub(r"\s*\n\s*", " ", docs[query_name])
                parameters.append(parameter)
        operation["parameters"] = parameters
        if name in REQUEST_PARAMS:
            body = {k: copy.deepcopy(v) for k, v in neighbour["requestBody"].items() if k != "content"}
            operation["requestBody"] = {"content": {"application/json": {"schema": ref(REQUEST_PARAMS[name])}}, **body}
        responses = {}
        for status, answer in neighbour["responses"].items():
            if "$ref" in answer:
                responses[status] = copy.deepcopy(answer)
                continue
            success = {"description": rename(answer["description"], mapping)}
            if name == "list":
                envelope = copy.deepcopy(answer["content"]["application/json"]["schema"])
                envelope["properties"]["data"]["items"] = ref(LIST_ITEM_MODEL)
                success["content"] = {"application/json": {"schema": envelope}}
            else:
                success["content"] = {"application/json": {"schema": ref(RESPONSE_MODELS[name])}}
            responses[status] = success
        responses["400"] = {"$ref": "#/components/responses/BadRequestError"}
        responses["404"] = {"$ref": "#/components/responses/NotFoundError"}
        operation["responses"] = responses
        operation[MARK_KEY] = MARK
        paths.setdefault(path, {})[method] = operation
    # Methods in the order of the neighbouring Metric path items.
    for path, item in paths.items():
        neighbour_path = next(n for _, p, _, (n, _) in OPERATIONS if p == path)
        order = list(document["paths"][neighbour_path])
        paths[path] = {m: item[m] for m in sorted(item, key=order.index)}
    return components, paths


def merge(document: dict) -> dict:
    document = copy.deepcopy(document)
    schemas = document["components"]["schemas"]
    for key in [k for k, v in schemas.items() if is_derived(v)]:
        del schemas[key]
    for key in [k for k, v in document["paths"].items() if is_derived(v)]:
        del document["paths"][key]
    components, paths = build(document)
    for key in components:
        if key in schemas:
            raise SystemExit(f"the document already has a schema {key} not derived by this script")
    for key in paths:
        if key in document["paths"]:
            raise SystemExit(f"the document already has a path {key} not derived by this script")
    document["components"]["schemas"] = insert_after(schemas, "Metric", components)
    document["paths"] = insert_after(document["paths"], "/metrics/{metricId}", paths)
    return document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("document", nargs="?", type=Path, default=DOCUMENT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the document is not up to date")
    args = parser.parse_args()
    if scorecard_ai.__version__ != SDK_VERSION:
        raise SystemExit(f"scorecard-ai {SDK_VERSION} is required, {scorecard_ai.__version__} is installed")
    original = read_document(args.document)
    updated = render(merge(json.loads(original)))
    return write_or_check(args.document, original, updated, args.check, Path(__file__).name)


if __name__ == "__main__":
    sys.exit(main())
