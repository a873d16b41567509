"""Run by test_weave_objects.py in a subprocess of its own: the real `WeaveClient` saves a Dataset
and an op through evalmock and reads them back by ref, printing what it read as JSON. The client
is built on a RemoteHTTPTraceServer directly (`weave.init` also needs `server_info` and W&B's
GraphQL, which these routes do not cover)."""
import json
import os
import sys

os.environ["WANDB_ERROR_REPORTING"] = "false"
os.environ["WEAVE_USE_SERVER_CACHE"] = "false"
os.environ["WEAVE_PRINT_CALL_LINK"] = "false"

import weave  # noqa: E402
from weave.trace.context import weave_client_context  # noqa: E402
from weave.trace.serialization.digest import compute_row_digest  # noqa: E402
from weave.trace.weave_client import WeaveClient  # noqa: E402
from weave.trace_server_bindings.remote_http_trace_server import RemoteHTTPTraceServer  # noqa: E402

server = RemoteHTTPTraceServer(sys.argv[1], should_batch=False, username="api", password="publish-key")
client = WeaveClient("team", "proj", server, ensure_project_exists=False)
weave_client_context.set_weave_client_global(client)


@weave.op
def add(a: int, b: int) -> int:
    return a + b


rows = [{"a": 1, "b": 2}, {"a": 3, "b": 4, "note": "é"}]
dataset_ref = weave.publish(weave.Dataset(name="numbers", rows=rows))
weave.publish(weave.Dataset(name="numbers", rows=rows[:1]))
op_ref = weave.publish(add)
client._flush()

first = dataset_ref.get()
latest = weave.ref("numbers").get()
row = weave.ref(f"{dataset_ref.uri}/attr/rows/id/{compute_row_digest(rows[1])}").get()
op = op_ref.get()
print(json.dumps({
    "first": [dict(r) for r in first.rows],
    "latest": [dict(r) for r in latest.rows],
    "v0": [dict(r) for r in weave.ref("numbers:v0").get().rows],
    "row": dict(row),
    # The reloaded op's own function, from the source file evalmock stored (calling the op
    # itself would trace a call).
    "op": op.resolve_fn(2, 5),
}))
