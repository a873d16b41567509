#!/usr/bin/env python3
"""Derive the Scale GP v4 operations of a user's whole evaluation from the scale-gp 0.1.0a62 SDK
and merge them into openapi/scale-gp.json.

No public OpenAPI document exists for these v4 operations (issue 22); the SDK's types are the best
source. This script rebuilds them from the INSTALLED SDK:

* operations: every public method of the resources in RESOURCES (api.md's sections
  EvaluationDatasets, EvaluationDatasetVersions, TestCases, TestCases/History, Questions,
  QuestionSets, EvaluationConfigs, ApplicationSpecs, ApplicationVariants, Evaluations,
  EvaluationMetrics). HTTP method and path are read from the method's source (`self._post(
  path_template("/v4/..."))`), the request body and query parameters from the params type the
  source hands to `maybe_transform(..., <module>_params.<Type>)`, the response type from the
  method's return annotation (`SyncPageResponse[X]` is a page of X), the description from the
  docstring.
* component schemas: pydantic's own JSON Schema generator (`TypeAdapter.json_schemas`, which is
  `TypeAdapter(X).json_schema` for many types sharing one `$defs`), mode "serialization" for
  responses and "validation" for request bodies, `ref_template="#/components/schemas/{model}"`.
  Stainless keeps wire names and union tags in `PropertyInfo(alias=..., discriminator=...)`, which
  pydantic does not read; before the SDK is imported `PropertyInfo(...)` is made to build the
  equivalent `pydantic.Field(alias=..., discriminator=...)`, so TypedDict members come out under
  their wire names and the SDK's tagged unions (test case `schema_type`, application variant
  `version`, ...) come out as pydantic's discriminated unions (`oneOf` + `discriminator`), i.e.
  validated as pydantic validates a tagged union. Unions without a tag in the SDK (e.g. the
  evaluation create body, `type` "builder" or "default") stay pydantic's `anyOf`.
* conventions copied from the document's 7 test-case-result operations: operationId
  `"<METHOD>-V4-/<path after /v4>"`, path parameters `{"type": "string", "title": ...}`, the list
  parameters `account_id`, `include_archived`, `limit` (default 100, 1..10000) and `page` (default
  1, from 1) copied verbatim from `GET /v4/evaluations/{evaluation_id}/test-case-results`,
  `200 Successful Response`, `422 HTTPValidationError`, `401`/`404` `HTTPError`, a required JSON
  request body, the list envelope `PaginationResponse_<Item>_` (items, total_item_count,
  current_page, items_per_page, as the SDK's `Paginated*` models and the document's own
  `PaginationResponse_TestCaseResultResponse_` have it).
* a generated schema whose name the document already uses for a schema it did not derive (the
  published ones, e.g. `ResultSchemaGeneration`) is not redefined: the reference points at the
  document's schema (REUSED lists them; any other clash stops the script).

Everything derived carries `x-evalmock-derived`. Running the script again replaces what it derived
before, so a second run changes nothing; the existing operations and schemas are never touched.
The file is written back as it is formatted (json.dumps indent 2, UTF-8, trailing newline).

Usage: python3 openapi/derive/scale_gp_v4.py [--check] [path/to/scale-gp.json]
"""
from __future__ import annotations

import argparse
import copy
import importlib
import importlib.abc
import importlib.util
import inspect
import json
import re
import sys
import typing
from pathlib import Path

import pydantic

SDK_VERSION = "0.1.0a62"
MARK = f"scale-gp {SDK_VERSION} SDK types (pydantic JSON Schema)"
REF = "#/components/schemas/{model}"
DOCUMENT = Path(__file__).resolve().parents[1] / "scale-gp.json"
LIST_NEIGHBOUR = ("/v4/evaluations/{evaluation_id}/test-case-results", "get")

# (resource module under scale_gp.resources, resource class, tag)
RESOURCES = [
    ("evaluation_datasets.evaluation_datasets", "EvaluationDatasetsResource", "Evaluation Datasets"),
    ("evaluation_datasets.evaluation_dataset_versions", "EvaluationDatasetVersionsResource", "Evaluation Datasets"),
    ("evaluation_datasets.test_cases.test_cases", "TestCasesResource", "Evaluation Datasets"),
    ("evaluation_datasets.test_cases.history", "HistoryResource", "Evaluation Datasets"),
    ("questions", "QuestionsResource", "Questions"),
    ("question_sets", "QuestionSetsResource", "Question Sets"),
    ("evaluation_configs", "EvaluationConfigsResource", "Evaluation Configs"),
    ("application_specs", "ApplicationSpecsResource", "Application Specs"),
    ("application_variants", "ApplicationVariantsResource", "Application Variants"),
    ("evaluations.evaluations", "EvaluationsResource", "Evaluations"),
    ("evaluations.evaluation_metrics", "EvaluationMetricsResource", "Evaluations"),
]
# Schemas of the published document that the SDK's types name alike and mean the same.
REUSED = {"ResultSchemaGeneration", "ResultSchemaFlexible", "ChunkExtraInfoSchema", "StringExtraInfoSchema",
          "ChunkData", "ExternalFile", "InternalFile", "FlexibleIOChunk", "UserMessage", "AssistantMessage",
          "SystemMessage", "GenerationTestCaseResultResponse", "FlexibleTestCaseResultResponse"}


# --- PropertyInfo -> pydantic.Field, installed before scale_gp is imported --------------------------------------
def _property_info(cls, *, alias=None, format=None, format_template=None, discriminator=None):  # noqa: A002
    kwargs = {}
    if alias is not None:
        kwargs["alias"] = alias
    if discriminator is not None:
        kwargs["discriminator"] = discriminator
    return pydantic.Field(**kwargs)


class _PatchPropertyInfo(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name != "scale_gp._utils._transform":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            module.PropertyInfo.__new__ = _property_info

        spec.loader.exec_module = exec_module
        return spec


# A tag pydantic cannot use (a member whose tag is not a Literal, e.g. `Optional[Literal["CHUNKS"]]`) leaves the
# union a plain (smart) union, as pydantic validates a union without `discriminator`; FALLBACKS records them.
FALLBACKS: set[str] = set()
from pydantic._internal import _discriminated_union  # noqa: E402

_apply_discriminator = _discriminated_union.apply_discriminator


def _apply_discriminator_or_keep(schema, discriminator, definitions=None):
    try:
        return _apply_discriminator(schema, discriminator, definitions)
    except pydantic.PydanticUserError as error:
        FALLBACKS.add(f"{discriminator}: {str(error).splitlines()[0]}")
        return schema


_discriminated_union.apply_discriminator = _apply_discriminator_or_keep

if "scale_gp" in sys.modules:
    raise SystemExit("scale_gp must be imported by this script (it patches PropertyInfo first)")
sys.meta_path.insert(0, _PatchPropertyInfo())
import scale_gp  # noqa: E402
from scale_gp.pagination import SyncPageResponse  # noqa: E402,F401
from derived_document import MARK_KEY, is_derived, write_or_check, read_document, render  # noqa: E402


# --- reading the SDK -----------------------------------------------------------------------------------------------
def camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def title(snake: str) -> str:
    return " ".join(part[:1].upper() + part[1:] for part in snake.split("_"))


def clean_doc(doc: str) -> str:
    """A method docstring without its Args, laid out like the document's descriptions."""
    text = doc.split("\nArgs:")[0].strip()
    paragraphs = [re.sub(r"\s*\n\s*", " ", p.strip()) for p in re.split(r"\n\s*\n", text) if p.strip()]
    out = ""
    for paragraph in paragraphs:
        if out:
            out += "\n" if out.split("\n")[-1].startswith("#") else "\n\n"  # "### Description\nText"
        out += paragraph
    return out


def transformed(source: str, keyword: str):
    """The type expression handed to maybe_transform after `keyword=` (body= or query=)."""
    at = source.find(keyword + "=maybe_transform(")
    if at < 0:
        return None
    depth, i = 0, at + len(keyword + "=maybe_transform(")
    start = i
    last_comma = None
    while True:
        ch = source[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            last_comma = i
        i += 1
    expression = source[last_comma + 1:i].strip().rstrip(",").strip()
    if last_comma == i - 1 or not expression:  # trailing comma
        expression = source[start:i].rstrip().rstrip(",")
        expression = expression[expression.rfind(",", 0, len(expression)) + 1:].strip()
    return expression


def resolve(tp):
    """The type with the forward references of Stainless's aliases (`Union[A, "B"]`) evaluated in the
    types module that declares them."""
    if isinstance(tp, type):
        return tp
    candidates = [m for n, m in sorted(sys.modules.items()) if n.startswith("scale_gp.types") and m is not None
                  and any(v is tp for v in vars(m).values())]
    for module in candidates:
        try:
            return typing._eval_type(tp, vars(module), None)  # noqa: SLF001 - what get_type_hints does
        except NameError:
            continue
    return tp


def transformed_keys(source: str, keyword: str):
    """The members of the dict literal handed to maybe_transform after `keyword=` (None if not a literal)."""
    at = source.find(keyword + "=maybe_transform(")
    if at < 0:
        return None
    rest = source[at + len(keyword + "=maybe_transform("):].lstrip()
    if not rest.startswith("{"):
        return None
    depth = 0
    for i, ch in enumerate(rest):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0:
            return re.findall(r'"(\w+)":', rest[:i])
    return None


def operation_facts(module, cls, name):
    function = vars(cls)[name]
    source = inspect.getsource(function)
    call = re.search(r"self\._(get_api_list|get|post|patch|put|delete)\(\s*(?:path_template\(\s*)?\"([^\"]+)\"", source)
    method = {"get_api_list": "get"}.get(call.group(1), call.group(1))
    path = call.group(2)
    namespace = dict(vars(module))
    namespace.update(typing.__dict__)
    body = transformed(source, "body")
    query = transformed(source, "query")
    page = call.group(1) == "get_api_list"
    if page:
        raw_returns = eval(re.search(r"model=(?:cast\(Any, )?([\w.\[\]]+)", source).group(1), namespace)  # noqa: S307
    else:
        raw_returns = eval(function.__annotations__["return"], namespace)  # noqa: S307
    returns = resolve(raw_returns)
    return {
        "name": name, "method": method, "path": path, "doc": inspect.getdoc(function) or "",
        "body": (body, resolve(eval(body, namespace))) if body else None,  # noqa: S307
        "query": resolve(eval(query, namespace)) if query else None,  # noqa: S307
        "body_keys": transformed_keys(source, "body"), "query_keys": transformed_keys(source, "query"),
        "class": cls.__name__[: -len("Resource")], "returns": returns, "raw_returns": raw_returns, "page": page, "module": module,
    }


def type_name(tp) -> str:
    """Component name of a top-level type that pydantic inlines (a union alias): its name in the types
    module that declares it, `Item` qualified by that module (`EvaluationDatasetListResponseItem`)."""
    found = []
    for module_name, module in sorted(sys.modules.items()):
        if module is None or not module_name.startswith("scale_gp.types"):
            continue
        for key, value in vars(module).items():
            if value is tp and key[:1].isupper():
                found.append(key if key != "Item" else camel(module_name.rsplit(".", 1)[-1]) + "Item")
    named = [name for name in found if not name.endswith("Item")] or found
    if not named:
        raise SystemExit(f"no name for {tp!r}")
    return named[0]


# --- building ------------------------------------------------------------------------------------------------------
def build(document: dict):
    existing = set(document["components"]["schemas"])
    neighbour = document["paths"][LIST_NEIGHBOUR[0]][LIST_NEIGHBOUR[1]]
    shared_query = {p["name"]: p for p in neighbour["parameters"] if p["in"] == "query" and p["name"] != "view"}
    envelope_model = document["components"]["schemas"]["PaginationResponse_TestCaseResultResponse_"]

    operations = []
    for module_name, class_name, tag in RESOURCES:
        module = importlib.import_module(f"scale_gp.resources.{module_name}")
        cls = getattr(module, class_name)
        for name, value in vars(cls).items():
            if inspect.isfunction(value) and not name.startswith("_"):
                facts = operation_facts(module, cls, name)
                facts["tag"] = tag
                operations.append(facts)

    # One pydantic run for every top-level type, so that all share one $defs.
    inputs, keys = [], {}
    for op in operations:
        op_id = f"{op['method'].upper()}-V4-{op['path'][len('/v4'):]}"
        op["operationId"] = op_id
        if op["body"]:
            expression, body_type = op["body"]
            key = (op_id, "body")
            inputs.append((key, "validation", pydantic.TypeAdapter(body_type)))
            keys[key] = expression
        response = op["returns"]
        key = (op_id, "response")
        inputs.append((key, "serialization", pydantic.TypeAdapter(response)))
    generated, definitions = pydantic.TypeAdapter.json_schemas(inputs, by_alias=True, ref_template=REF)
    definitions = definitions.get("$defs", {})

    components: dict[str, dict] = {}
    renames: dict[str, str] = {}
    for name in definitions:
        short = name
        if "__" in name:  # pydantic's module-qualified name for a clash: Module path + class
            parts = name.split("__")
            short = camel(parts[-2]) + parts[-1] if parts[-1] in ("Item",) or parts[-1].startswith("Item") else (
                camel(parts[-2]) + parts[-1])
        renames[name] = short

    def rewrite(value):
        if isinstance(value, dict):
            out = {}
            for key, sub in value.items():
                if key == "$ref" and isinstance(sub, str) and sub.startswith("#/components/schemas/"):
                    target = sub.split("/")[-1]
                    out[key] = REF.format(model=renames.get(target, target))
                elif key == "mapping" and isinstance(sub, dict):
                    out[key] = {tag: REF.format(model=renames.get(ref.split("/")[-1], ref.split("/")[-1]))
                                for tag, ref in sub.items()}
                else:
                    out[key] = rewrite(sub)
            return out
        if isinstance(value, list):
            return [rewrite(v) for v in value]
        return value

    clashes = []
    for name, schema in definitions.items():
        short = renames[name]
        if short in existing:
            if short not in REUSED:
                clashes.append(short)
            continue
        if short in components:
            raise SystemExit(f"two SDK types are named {short}")
        components[short] = {**rewrite(schema), MARK_KEY: MARK}
    # The SDK's TestCaseResult union is the document's TestCaseResultResponse: point at it.
    result_members = [{"$ref": REF.format(model=m)} for m in
                      ("GenerationTestCaseResultResponse", "FlexibleTestCaseResultResponse")]

    def reuse_result(value):
        if isinstance(value, dict):
            if "anyOf" in value and value["anyOf"][:2] == result_members:
                value["anyOf"] = [{"$ref": REF.format(model="TestCaseResultResponse")}] + value["anyOf"][2:]
            for sub in value.values():
                reuse_result(sub)
        elif isinstance(value, list):
            for sub in value:
                reuse_result(sub)

    reuse_result(components)
    if clashes:
        raise SystemExit(f"SDK types would clash with the document's schemas: {', '.join(clashes)}")

    def component_for(op, kind, schema, fallback):
        """A $ref to the component holding a generated top-level schema (made one if pydantic inlined it)."""
        schema = rewrite(schema)
        if set(schema) == {"$ref"} or schema == {}:
            return schema
        if set(schema) == {"anyOf"} and len(schema["anyOf"]) == 2 and {"type": "null"} in schema["anyOf"]:
            return schema  # Optional[Model]
        if schema.get("type") == "array" and set(schema) <= {"type", "items"} and set(schema["items"]) == {"$ref"}:
            return schema
        name = fallback if isinstance(fallback, str) else fallback()
        if name in components and components[name] != {**schema, MARK_KEY: MARK}:
            raise SystemExit(f"two different top-level schemas are named {name}")
        components[name] = {**schema, MARK_KEY: MARK}
        return {"$ref": REF.format(model=name)}

    def body_members(components: dict, schema: dict) -> list[str]:
        """The member names of a body schema, its union members' included, in order."""
        if "$ref" in schema:
            schema = components.get(schema["$ref"].split("/")[-1], {})
        names = list(schema.get("properties", {}))
        for member in schema.get("anyOf", []) + schema.get("oneOf", []) + ([schema["items"]] if "items" in schema else []):
            names += [n for n in body_members(components, member) if n not in names]
        return names

    def strip_path_members(components: dict, schema: dict, path_names: set[str]) -> None:
        """A params TypedDict also lists the path parameters (test cases' `evaluation_dataset_id`);
        the SDK puts them in the URL, never in the body, so the body schemas leave them out."""
        if set(schema) != {"$ref"}:
            return
        component = components[schema["$ref"].split("/")[-1]]
        for member in component.get("anyOf", []) + component.get("oneOf", []):
            strip_path_members(components, member, path_names)
        if path_names & set(component.get("properties", {})):
            component["properties"] = {k: v for k, v in component["properties"].items() if k not in path_names}
            if "required" in component:
                component["required"] = [k for k in component["required"] if k not in path_names]
                if not component["required"]:
                    del component["required"]

    paths: dict[str, dict] = {}
    for op in operations:
        op_id = op["operationId"]
        module = op["module"]
        operation = {
            "tags": [op["tag"]],
            "summary": title(op["name"]) + " " + re.sub(r"(?<!^)([A-Z])", r" \1", op["class"]),
            "description": clean_doc(op["doc"]),
            "operationId": op_id,
        }
        parameters = []
        for parameter in re.findall(r"\{(\w+)\}", op["path"]):
            parameters.append({"name": parameter, "in": "path", "required": True,
                               "schema": {"type": "string", "title": title(parameter)}})
        if op["query"] is not None:
            query_type = op["query"]
            required = getattr(query_type, "__required_keys__", frozenset())
            properties = pydantic.TypeAdapter(query_type).json_schema(by_alias=True, ref_template=REF)["properties"]
            path_names = set(re.findall(r"\{(\w+)\}", op["path"]))
            for query_name, schema in properties.items():
                if query_name in path_names or (op["query_keys"] is not None and query_name not in op["query_keys"]):
                    continue
                if query_name in shared_query and op["page"]:
                    parameters.append(copy.deepcopy(shared_query[query_name]))
                    continue
                schema = {**{k: v for k, v in schema.items() if k != "title"}, "title": title(query_name)}
                parameters.append({"name": query_name, "in": "query", "required": query_name in required,
                                   "schema": schema})
        operation["parameters"] = parameters
        if op["body"]:
            expression = op["body"][0]
            fallback = expression.split(".")[-1].rstrip("]")
            if fallback == "Item" or expression.startswith("Iterable["):
                fallback = camel(expression.split(".")[0].split("[")[-1]) + fallback
            generated_body = generated[((op_id, "body"), "validation")]
            if expression.startswith("Iterable[") and set(generated_body.get("items", {})) == {"$ref"}:
                # pydantic names a lone `Item` TypedDict "Item": qualify it by its params module
                item = rewrite(generated_body)["items"]["$ref"].split("/")[-1]
                renamed = fallback
                components[renamed] = components.pop(item)
                generated_body = {**generated_body, "items": {"$ref": REF.format(model=renamed)}}
                rename_refs(components, item, renamed)
            schema = component_for(op, "body", generated_body, fallback)
            if op["body_keys"] is not None and set(schema) == {"$ref"}:
                body_component = components[schema["$ref"].split("/")[-1]]
                extra = set(body_component.get("properties", {})) - set(op["body_keys"])
                if extra:  # a params type shared by body and query (claim_task): the body's members only
                    body_component["properties"] = {k: v for k, v in body_component["properties"].items()
                                                    if k not in extra}
                    if "required" in body_component:
                        body_component["required"] = [k for k in body_component["required"] if k not in extra]
            strip_path_members(components, schema, set(re.findall(r"\{(\w+)\}", op["path"])))
            if expression.startswith("Iterable["):
                schema = {**schema, "title": "Request"} if "items" in schema else schema
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
        response_schema = generated[((op_id, "response"), "serialization")]
        returns = op["returns"]
        schema = component_for(op, "response", response_schema, lambda: type_name(op["raw_returns"]))
        if op["page"]:
            item = schema["$ref"].split("/")[-1]
            envelope_name = f"PaginationResponse_{item}_"
            envelope = copy.deepcopy(envelope_model)
            envelope["properties"]["items"]["items"] = {"$ref": REF.format(model=item)}
            envelope["title"] = f"PaginationResponse[{item}]"
            components[envelope_name] = {**envelope, MARK_KEY: MARK}
            schema = {"$ref": REF.format(model=envelope_name)}
        responses = {"200": {"description": "Successful Response", "content": {"application/json": {"schema": schema}}},
                     "422": copy.deepcopy(neighbour["responses"]["422"]),
                     "401": copy.deepcopy(neighbour["responses"]["401"])}
        # 404 names what the path names, and what the body refers to by id (an evaluation's
        # application spec, a question set's questions): the service answers an unknown one 404.
        named = re.findall(r"\{(\w+)\}", op["path"])
        named += [m for m in body_members(components, operation.get("requestBody", {}).get("content", {})
                                          .get("application/json", {}).get("schema", {}))
                  if re.search(r"_ids?$", m) and m != "account_id" and m not in named]
        if named:
            responses["404"] = {"description": "Unknown " + " or ".join(
                title(re.sub(r"_ids?$", "", p)).lower() for p in named),
                "content": {"application/json": {"schema": {"$ref": REF.format(model="HTTPError")}}}}
        operation["responses"] = responses
        operation[MARK_KEY] = MARK
        paths.setdefault(op["path"], {})[op["method"]] = operation
    return components, paths


def rename_refs(value, old: str, new: str):
    """Point every reference to component `old` at `new`, in place."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "$ref" and sub == REF.format(model=old):
                value[key] = REF.format(model=new)
            elif key == "mapping" and isinstance(sub, dict):
                for tag, ref in sub.items():
                    if ref == REF.format(model=old):
                        sub[tag] = REF.format(model=new)
            else:
                rename_refs(sub, old, new)
    elif isinstance(value, list):
        for sub in value:
            rename_refs(sub, old, new)


# --- merging -------------------------------------------------------------------------------------------------------
def merge(document: dict) -> dict:
    document = copy.deepcopy(document)
    schemas = document["components"]["schemas"]
    for key in [k for k, v in schemas.items() if is_derived(v, MARK)]:
        del schemas[key]
    for path, item in list(document["paths"].items()):
        for method in [m for m, op in item.items() if isinstance(op, dict) and op.get(MARK_KEY) == MARK]:
            del item[method]
        if not item:
            del document["paths"][path]
    components, paths = build(document)
    for key in components:
        if key in schemas:
            raise SystemExit(f"the document already has a schema {key} not derived by this script")
    for path, item in paths.items():
        for method in item:
            if method in document["paths"].get(path, {}):
                raise SystemExit(f"the document already has {method.upper()} {path} not derived by this script")
        document["paths"].setdefault(path, {}).update(item)
    schemas.update(dict(sorted(components.items())))
    return document


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("document", nargs="?", type=Path, default=DOCUMENT)
    parser.add_argument("--check", action="store_true", help="exit 1 if the document is not up to date")
    args = parser.parse_args()
    if scale_gp.__version__.replace("-alpha.", "a") != SDK_VERSION:
        raise SystemExit(f"scale-gp {SDK_VERSION} is required, {scale_gp.__version__} is installed")
    original = read_document(args.document)
    updated = render(merge(json.loads(original)))
    return write_or_check(args.document, original, updated, args.check, Path(__file__).name)


if __name__ == "__main__":
    sys.exit(main())
