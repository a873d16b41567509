"""Reading back through the `weave` client what evaluate.py and evaluation_logger.py wrote, in a
new process (so nothing comes from the writer's memory), plus publish/ref round trips, an op
reloaded from its stored source, and `get_scores` of a fresh evaluation.

    python read_back.py ENTITY/PROJECT

Prints one JSON line that Tests/sdk/test_weave_client_programs.py asserts on.
"""
import asyncio
import json
import sys
from collections import Counter
from collections.abc import Mapping, Sequence

import weave


def plain(value):
    """Weave's containers (WeaveDict, WeaveList, ...) as JSON values."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        return [plain(v) for v in value]
    return value


def status(call) -> str:
    # The client reads the server's string into its TraceStatus enum (a str Enum).
    value = call.summary["weave"]["status"]
    return getattr(value, "value", value)


def calls_of_trace(client, call) -> list:
    return list(client.get_calls(filter={"trace_ids": [call.trace_id]}))


def main() -> None:
    project = sys.argv[1]
    client = weave.init(project)
    out: dict = {}

    # evaluate.py's run: the evaluation object by name, its evaluate call, its trace.
    evaluation = weave.ref("calculator-eval").get()
    evaluate_calls = list(evaluation.get_evaluate_calls())
    run = client.get_call(evaluate_calls[0].id)
    trace = calls_of_trace(client, run)
    out["evaluate"] = {
        "evaluate_calls": len(evaluate_calls),
        "func_name": run.func_name,
        "status": status(run),
        "output": plain(run.output),
        "children": dict(Counter(c.func_name for c in run.children())),
        "trace_calls": dict(Counter(c.func_name for c in trace)),
        "trace_len": len(client.get_calls(filter={"trace_ids": [run.trace_id]})),
        "statuses": sorted({f"{c.func_name}:{status(c)}" for c in trace}),
        "exceptions": [c.exception for c in trace if c.exception],
        "dataset_rows": [plain(row) for row in evaluation.dataset.rows],
    }
    predicts = [c for c in trace if c.func_name == "Calculator.predict" and not c.exception]
    feedback = [f for c in predicts for f in c.feedback]
    out["evaluate"]["feedback"] = sorted(
        [{"type": f.feedback_type, "payload": plain(f.payload), "weave_ref_is_call": f.weave_ref.startswith(f"weave:///{project}/call/")}
         for f in feedback], key=lambda f: (f["type"], json.dumps(f["payload"], sort_keys=True)))
    one = client.get_feedback(feedback[0].id)
    out["evaluate"]["get_feedback"] = [{"id_matches": f.id == feedback[0].id,
                                        "payload_matches": plain(f.payload) == plain(feedback[0].payload)} for f in one]

    # evaluation_logger.py's run: found among the project's Evaluation.evaluate calls.
    evaluate_op = f"weave:///{project}/op/Evaluation.evaluate:*"
    all_runs = list(client.get_calls(filter={"op_names": [evaluate_op]}))
    logged = next(c for c in all_runs if c.id != run.id)
    logged_trace = calls_of_trace(client, logged)
    logged_predicts = [c for c in logged_trace if c.func_name == "Model.predict" or c.func_name.endswith(".predict")]
    out["logger"] = {
        "evaluate_calls": len(all_runs),
        "status": status(logged),
        "children": dict(Counter(c.func_name for c in logged.children())),
        "trace_calls": dict(Counter(c.func_name for c in logged_trace)),
        "predict_outputs": sorted(str(c.output) for c in logged_predicts),
        "feedback": sorted([f"{f.feedback_type}={json.dumps(plain(f.payload), sort_keys=True)}"
                            for c in logged_predicts for f in c.feedback]),
    }

    # Objects: publish(...).get() and weave.ref(name).get().
    capitals = weave.Dataset(name="capitals", rows=[{"country": "France", "capital": "Paris"},
                                                    {"country": "Japan", "capital": "Tokyo"}])
    published = weave.publish(capitals)
    out["objects"] = {
        "published_rows": [plain(r) for r in published.get().rows],
        "ref_rows": [plain(r) for r in weave.ref("capitals").get().rows],
        "ref_len": len(weave.ref("capitals").get().rows),
        "config": plain(weave.ref(weave.publish({"temperature": 0.2, "tags": ["a", "b"]}, name="config").uri()).get()),
    }

    # An op evaluate.py saved, rebuilt here from its stored source and called.
    reloaded = weave.ref(f"weave:///{project}/op/exact_match:latest").get()
    out["reloaded_op"] = {"name": reloaded.name, "output": plain(reloaded(expected="4", output="4"))}

    # get_scores of an evaluation whose scorers are functions (with a Scorer class, the client's
    # get_scores reads the scorer's own summarize call as the summary, and finds no scores).
    @weave.op
    def is_even(output: int) -> dict:
        return {"even": output % 2 == 0}

    @weave.op
    async def is_positive(output: int) -> dict:
        return {"positive": output > 0}

    @weave.op
    def double(x: int) -> int:
        return 2 * x

    scoring = weave.Evaluation(name="doubling-eval", dataset=[{"x": 1}, {"x": 2}, {"x": -3}], scorers=[is_even, is_positive])
    asyncio.run(scoring.evaluate(double))
    client.flush()
    scores = scoring.get_scores()
    out["scores"] = {scorer: sorted(json.dumps(plain(v), sort_keys=True) for v in values)
                     for per_trace in scores.values() for scorer, values in per_trace.items()}
    out["score_traces"] = len(scores)
    weave.finish()
    print(json.dumps(out, default=str))


if __name__ == "__main__":
    main()
