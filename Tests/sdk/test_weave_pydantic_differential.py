"""evalmock's 422 `detail` for `POST /v2/{entity}/{project}/scores` against pydantic v2 itself.

`ScoreCreateBody` is declared here as the trace server declares it (fields in its order); each
bad body goes to evalmock and to pydantic, whose `errors()` (with `loc` under `body`, as FastAPI
reports it) must equal evalmock's `detail` entry for entry. Bodies that are not objects go
through FastAPI's own request handling too, since FastAPI, not pydantic, decides those.
"""
from __future__ import annotations

import json
import random
from typing import Any, Optional

import pytest
import requests
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field, ValidationError

from weave_support import SCORER_REF, basic, url


class ScoreCreateBody(BaseModel):
    prediction_id: str = Field(..., description="The prediction ID")
    scorer: str = Field(..., description="The scorer reference (weave:// URI)")
    value: Any = Field(..., description="The raw output of the scorer")
    evaluation_run_id: Optional[str] = Field(None, description="Optional evaluation run ID to link this score as a child call")


def pydantic_detail(body: Any) -> list[dict]:
    try:
        # FastAPI validates a body with from_attributes=True; the same for JSON input.
        ScoreCreateBody.model_validate(body, from_attributes=True)
    except ValidationError as error:
        return json.loads(json.dumps([{**e, "loc": ["body", *e["loc"]]} for e in error.errors(include_url=False)]))
    return []


HAND_WRITTEN = [
    {},
    {"prediction_id": "p"},
    {"scorer": SCORER_REF, "value": 1},
    {"value": None},
    {"prediction_id": 1, "scorer": SCORER_REF, "value": 1},
    {"prediction_id": "p", "scorer": 2.5, "value": 1},
    {"prediction_id": True, "scorer": False, "value": 1},
    {"prediction_id": None, "scorer": None, "value": None},
    {"prediction_id": [], "scorer": {}, "value": []},
    {"prediction_id": "p", "scorer": SCORER_REF, "value": 1, "evaluation_run_id": 7},
    {"prediction_id": "p", "scorer": SCORER_REF, "value": 1, "evaluation_run_id": ["r"]},
    {"prediction_id": "p", "scorer": SCORER_REF, "value": 1, "evaluation_run_id": {"id": "r"}},
    {"prediction_id": "p", "scorer": SCORER_REF, "value": 1, "evaluation_run_id": False},
    # Client key order is not the error order: the model's field order is.
    {"evaluation_run_id": 1, "value": 1, "scorer": 1, "prediction_id": 1},
    {"evaluation_run_id": 1, "extra": "ignored"},
    {"value": {"nested": [1, 2]}, "prediction_id": {"a": 1}},
    {"prediction_id": "p", "scorer": 12345678901234567890, "value": 1},
    {"prediction_id": "p", "scorer": -0.0, "value": "x"},
]

WRONG_STRINGS = [1, -3, 2.5, True, False, None, [], ["x"], {}, {"k": "v"}]
ANY_VALUES = [0, "s", None, [1], {"a": None}, True, 1.5]


def generated_bodies(count: int, seed: int = 15) -> list[dict]:
    """Bodies that mix, per field, absent / valid / a value of a wrong type, in random key order."""
    rng = random.Random(seed)
    bodies = []
    while len(bodies) < count:
        body: dict[str, Any] = {}
        for field in ["prediction_id", "scorer", "value", "evaluation_run_id"]:
            choice = rng.random()
            if choice < 0.25:
                continue
            if field == "value":
                body[field] = rng.choice(ANY_VALUES)
            elif choice < 0.55:
                body[field] = "weave:///e/p/object/S:1" if field == "scorer" else "id-" + str(rng.randint(0, 99))
            else:
                body[field] = rng.choice(WRONG_STRINGS if field != "evaluation_run_id" else [v for v in WRONG_STRINGS if v is not None])
        keys = list(body)
        rng.shuffle(keys)
        body = {k: body[k] for k in keys}
        if pydantic_detail(body):
            bodies.append(body)
    return bodies


BAD_BODIES = HAND_WRITTEN + generated_bodies(40)


def test_there_are_a_few_dozen_distinct_bad_bodies():
    assert all(pydantic_detail(body) for body in BAD_BODIES)
    assert len({json.dumps(body, sort_keys=False) for body in BAD_BODIES}) >= 50


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from conftest import Evalmock
    running = Evalmock(tmp_path_factory.mktemp("differential") / "evalmock.db")
    yield running
    running.stop()


@pytest.mark.parametrize("body", BAD_BODIES, ids=lambda body: json.dumps(body)[:60])
def test_the_422_detail_equals_pydantics_errors(server, body):
    response = requests.post(url(server, "/scores"), json=body, headers=basic())
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": pydantic_detail(body)}


def fastapi_app() -> TestClient:
    app = FastAPI()

    @app.post("/v2/{entity}/{project}/scores")
    def score_create(entity: str, project: str, body: ScoreCreateBody) -> dict:
        return {"score_id": "unused"}

    return TestClient(app)


@pytest.mark.parametrize("raw", [
    b"", b"[]", b"null", b"5", b'"text"', b"true", b"[1, 2]",
    b'{"prediction_id": ', b'{"a" 1}', b"{", b'{"a": 1,}', b"[1,]", b'{"a": 1} x', b"nul", b'{"a": "b\x01"}',
    '{"é": x}'.encode(), b'{"a": "abc', b'{"a": "\\q"}', b'{"a": -}', b'  \n {"a": tru}', b'{"a": "\xff"}',
])
def test_bodies_that_are_not_objects_match_fastapi(server, raw):
    headers = {"Content-Type": "application/json"}
    reference = fastapi_app().post("/v2/e/p/scores", content=raw, headers=headers)
    response = requests.post(url(server, "/scores", "e/p"), data=raw, headers={**basic(), **headers})
    assert (response.status_code, response.json()) == (reference.status_code, reference.json())
