"""An evalmock release build as the bench programs run it: its command line, and a server on a
free port that is stopped when the program is done with it."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RELEASE_BINARY = REPO / ".build" / "release" / "evalmock"


def serve_argv(binary: Path, db: Path, port: int, *options: str, quiet: bool = True) -> list[str]:
    """`evalmock serve` on a file database, with the repository's documents; quiet (no access
    log) unless told otherwise."""
    return [str(binary), "serve", "--port", str(port), "--db", str(db), "--openapi-dir", str(REPO / "openapi"),
            *(["--log-level", "warning"] if quiet else []), *options]


def require(binary: Path) -> Path:
    if not binary.exists():
        sys.exit(f"{binary} is missing: run `swift build -c release` first")
    return binary


class Evalmock:
    """A server on a port of its own choosing; `url` is what its start-up line announced.

        with Evalmock(binary, db, "--journal-limit", "0") as server:
            httpx.get(server.url + "/_evalmock/health")
    """

    def __init__(self, binary: Path, db: Path, *options: str):
        self.process = subprocess.Popen(serve_argv(binary, db, 0, *options), stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True)
        match = re.search(r"listening on (http://\S+)", self.process.stdout.readline())
        if not match:
            self.process.kill()
            sys.exit("evalmock did not start")
        self.url = match.group(1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def __enter__(self) -> "Evalmock":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
