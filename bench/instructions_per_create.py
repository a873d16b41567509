#!/usr/bin/env python3
"""Instructions per Scorecard v2 create (or Weave v2 score create), evalmock beside the C reference, under callgrind.

Instruction counts repeat where req/s on a shared machine do not: a server runs under
`valgrind --tool=callgrind`, answers 300 warm-up creates, its counters are zeroed, then it
answers a measured load and its counters are dumped; the program prints the instructions the
server executed (user space: evalmock, the Swift runtime, libevent, SQLite, libc) divided by the
creates it answered. The kernel's share (TCP, epoll) is not counted.

    bench/instructions_per_create.py [--binary PATH] [--seconds 20 | --sequential 2000] [--keep]
                                     [--route scorecard | weave-score]

--seconds N: `wrk -t1 -c32` for N seconds, as bench/run loads it (group commit then shares a
commit among the requests of an event-loop iteration). --sequential N: N creates one after the
other on one keep-alive connection (a commit each). The profile is kept with --keep, for
`callgrind_annotate` or similar; Swift names are demangled with `swift demangle`.

valgrind 3.19 cannot read the DWARF of Swift 6.3 binaries, so evalmock runs from a copy without
debug information (`objcopy --strip-debug`), which keeps the symbol table.
"""
from __future__ import annotations

import argparse
import glob
import http.client
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from evalmock_process import RELEASE_BINARY  # noqa: E402

# Per route: evalmock's path, the body, the headers and the status a create answers.
ROUTES = {
    "scorecard": ("/api/v2/runs/135/records",
                  json.dumps({"testcaseId": "248", "inputs": {"question": "What is the capital of France?"},
                              "expected": {"idealAnswer": "Paris is the capital of France"},
                              "outputs": {"response": "The capital of France is Paris."}}),
                  {"Authorization": "Bearer ak_bench", "Content-Type": "application/json"}, 201),
    "weave-score": ("/v2/my-team/my-project/scores",
                    json.dumps({"prediction_id": "0192e1a8-7b7c-7d4e-8f00-000000000001",
                                "scorer": "weave:///my-team/my-project/object/Accuracy:abc123", "value": 0.9}),
                    {"Authorization": "Basic YXBpOmtleQ==", "Content-Type": "application/json"}, 200),
}
WARM_UP = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(argv: list[str], port: int, route: tuple[str, str, dict, int], workdir: Path, seconds: int,
            sequential: int) -> tuple[float, int, Path]:
    path, body, headers, status = route
    profile = workdir / "callgrind.out"
    server = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={profile}",
                               f"--log-file={workdir / 'valgrind.log'}", *argv],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port)
                connection.connect()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit(f"{argv[0]} did not start under valgrind (see {workdir / 'valgrind.log'})")
                time.sleep(0.1)

        def create(count: int) -> None:
            for _ in range(count):
                connection.request("POST", path, body, headers)
                response = connection.getresponse()
                response.read()
                if response.status != status:
                    sys.exit(f"a create answered {response.status}")

        create(WARM_UP)
        subprocess.run(["callgrind_control", "--zero", str(server.pid)], check=True, capture_output=True)
        if sequential:
            create(sequential)
            creates = sequential
        else:
            script = workdir / "create.lua"
            script.write_text(f"wrk.method = 'POST'\nwrk.body = {json.dumps(body)}\n"
                              + "".join(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n" for k, v in headers.items()))
            out = subprocess.run(["wrk", "-t1", "-c32", f"-d{seconds}s", "-s", str(script), f"http://127.0.0.1:{port}{path}"],
                                 capture_output=True, text=True, check=True).stdout
            if "Non-2xx" in out:
                sys.exit(f"some creates failed:\n{out}")
            creates = int(re.search(r"(\d+) requests in", out).group(1))
            time.sleep(1)  # the requests still in flight when wrk stopped are answered
        subprocess.run(["callgrind_control", "--dump=measured", str(server.pid)], check=True, capture_output=True)
        connection.close()
    finally:
        server.terminate()
        server.wait()
    dump = max(glob.glob(f"{profile}.*"), key=lambda name: Path(name).stat().st_mtime)
    total = int(re.search(r"^(?:summary|totals):\s+(\d+)", Path(dump).read_text(), re.M).group(1))
    return total / creates, creates, Path(dump)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY, help="evalmock release build (swift build -c release)")
    parser.add_argument("--seconds", type=int, default=20, help="wrk -t1 -c32 for this long")
    parser.add_argument("--sequential", type=int, default=0, help="instead, this many creates one after the other")
    parser.add_argument("--keep", action="store_true", help="keep the profiles and print where they are")
    parser.add_argument("--route", choices=sorted(ROUTES), default="scorecard", help="the create evalmock answers")
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_control", "objcopy", "gcc") + (() if args.sequential else ("wrk",)):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    if not args.binary.exists():
        sys.exit(f"{args.binary} is missing: run `swift build -c release` first")
    workdir = Path(tempfile.mkdtemp(prefix="evalmock-callgrind-", dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    reference = workdir / "evhttp_sqlite.bin"
    subprocess.run(["gcc", "-O2", "-o", str(reference), str(REPO / "bench/reference/evhttp_sqlite.c"), "-levent", "-lsqlite3"], check=True)
    evalmock = workdir / "evalmock.bin"
    subprocess.run(["objcopy", "--strip-debug", str(args.binary), str(evalmock)], check=True)

    results = {}
    for name in ("reference", "evalmock"):
        directory = workdir / name
        directory.mkdir()
        port = free_port()
        if name == "reference":
            # The reference has one insert route, loaded with the Scorecard create whatever the route.
            argv = [str(reference), "insert", str(port), str(directory / "reference.db")]
            route = ("/runs/135/records", *ROUTES["scorecard"][1:])
        else:
            # Default flags, as users run it: the access log goes to standard error (here /dev/null).
            argv = [str(evalmock), "serve", "--port", str(port), "--db", str(directory / "evalmock.db"),
                    "--openapi-dir", str(REPO / "openapi")]
            route = ROUTES[args.route]
        results[name] = measure(argv, port, route, directory, args.seconds, args.sequential)
    load = f"{args.sequential} sequential creates" if args.sequential else f"wrk -t1 -c32 for {args.seconds} s"
    for name, (per_create, creates, dump) in results.items():
        print(f"{name}: {per_create:,.0f} instructions per create ({creates:,} creates, {load})"
              + (f", profile {dump}" if args.keep else ""))
    print(f"evalmock / reference: {results['evalmock'][0] / results['reference'][0]:.2f}x")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
