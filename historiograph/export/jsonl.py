"""JSONL: one object per document, the schema documented in docs/jsonl.md."""
from __future__ import annotations

import json
from typing import Iterable, TextIO

from ..model import Document


def document_json(document: Document) -> str:
    return json.dumps(document.to_dict(), ensure_ascii=False)


def write_jsonl(documents: Iterable[Document], stream: TextIO) -> int:
    count = 0
    for document in documents:
        stream.write(document_json(document) + "\n")
        count += 1
    return count
