"""What the scripts in openapi/derive/ share: the mark on what they add to a document, where
they add it, and writing the document (or, with --check, telling that it is stale)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

MARK_KEY = "x-evalmock-derived"


def insert_after(mapping: dict, anchor: str, additions: dict) -> dict:
    """`mapping` with `additions` right after the key `anchor`, order kept."""
    out = {}
    for key, value in mapping.items():
        out[key] = value
        if key == anchor:
            out.update(additions)
    return out


def is_derived(value, mark: str | None = None) -> bool:
    """Whether a schema, or a path item all of whose operations, carries the mark (this
    script's `mark`, or any when None): what a second run replaces rather than keeps."""
    if not isinstance(value, dict):
        return False
    if value.get(MARK_KEY) and (mark is None or value.get(MARK_KEY) == mark):
        return True
    operations = [v for v in value.values() if isinstance(v, dict)]
    return bool(operations) and all(v.get(MARK_KEY) and (mark is None or v.get(MARK_KEY) == mark) for v in operations)


def render(document: dict) -> str:
    """A document as the files in openapi/ are written: two-space indent, UTF-8, a final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def read_document(document: Path) -> str:
    """The document's text, refused unless `render` writes it the same (so a merge only adds)."""
    text = document.read_text(encoding="utf-8")
    if render(json.loads(text)) != text:
        raise SystemExit(f"{document} is not formatted as json.dumps(indent=2, ensure_ascii=False) + newline")
    return text


def write_or_check(document: Path, original: str, updated: str, check: bool, script: str) -> int:
    """Writes `updated` over the document, or with `check` only says whether it is stale (1)."""
    if check:
        if updated != original:
            print(f"{document} is out of date; run {script}", file=sys.stderr)
            return 1
        return 0
    if updated != original:
        document.write_text(updated, encoding="utf-8")
        print(f"updated {document}")
    else:
        print(f"{document} already up to date")
    return 0
