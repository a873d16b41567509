"""A user's imperative evaluation with `weave.EvaluationLogger`: predictions logged one by one,
scores on each, the predictions finished, then a summary.

    python evaluation_logger.py ENTITY/PROJECT

Prints one JSON line: the predictions and scores it logged.
"""
import json
import sys

import weave

EXAMPLES = [
    ({"question": "capital of France"}, "Paris", {"correct": True, "confidence": 0.9}),
    ({"question": "capital of Japan"}, "Tokyo", {"correct": True, "confidence": 0.8}),
    ({"question": "capital of Australia"}, "Sydney", {"correct": False, "confidence": 0.4}),
]


def main() -> None:
    weave.init(sys.argv[1])
    logger = weave.EvaluationLogger(name="capitals-logged", model="capital-guesser", dataset="capitals-questions")
    for inputs, output, scores in EXAMPLES:
        prediction = logger.log_prediction(inputs=inputs, output=output)
        for scorer, value in scores.items():
            prediction.log_score(scorer, value)
        prediction.finish()
    logger.log_summary({"reviewed_by": "ci"})
    weave.finish()
    print(json.dumps({"predictions": len(EXAMPLES), "scores": [scores for _, _, scores in EXAMPLES]}))


if __name__ == "__main__":
    main()
