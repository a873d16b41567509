"""A user's evaluation with the `weave` client, as its documentation writes one: `weave.init`,
then `Evaluation(dataset, scorers).evaluate(model)` with a sync scorer function, an async one and
a `Scorer` class, over several rows of which one makes the model fail.

    python evaluate.py ENTITY/PROJECT [ROWS]

Prints one JSON line: the evaluation's summary and the refs it saved.
"""
import asyncio
import json
import sys

import weave

ROWS = [
    {"question": "2 + 2", "expected": "4"},
    {"question": "3 * 5", "expected": "15"},
    {"question": "10 - 7", "expected": "2"},
    {"question": "boom", "expected": "?"},
]


class Calculator(weave.Model):
    """Answers arithmetic; a question it cannot read raises, as a failing model does."""

    precision: int = 0

    @weave.op
    def predict(self, question: str) -> str:
        if question == "boom":
            raise ValueError("cannot evaluate 'boom'")
        return str(round(eval(question, {"__builtins__": {}}), self.precision) if self.precision else int(eval(question, {"__builtins__": {}})))


@weave.op
def exact_match(expected: str, output: str) -> dict:
    return {"correct": expected == output}


@weave.op
async def answer_length(output: str) -> dict:
    await asyncio.sleep(0)
    return {"length": len(output)}


class DigitScorer(weave.Scorer):
    """A scorer with state, as a class."""

    digits: str = "0123456789"

    @weave.op
    def score(self, output: str) -> dict:
        return {"all_digits": all(c in self.digits for c in output)}


def main() -> None:
    project = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else len(ROWS)
    rows = ROWS if count == len(ROWS) else [{"question": f"{i} + 1", "expected": str(i + 1)} for i in range(count)]
    weave.init(project)
    evaluation = weave.Evaluation(name="calculator-eval", dataset=rows,
                                  scorers=[exact_match, answer_length, DigitScorer()])
    model = Calculator()
    summary = asyncio.run(evaluation.evaluate(model))
    weave.finish()
    print(json.dumps({"summary": summary, "evaluation_ref": evaluation.ref.uri, "model_ref": model.ref.uri}, default=str))


if __name__ == "__main__":
    main()
