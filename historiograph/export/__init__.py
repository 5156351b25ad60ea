"""Export stage: stored Documents out in the formats other tools read.

``historiograph export --format NAME`` looks the format up in ``WRITERS``.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from ..model import Document, Work

# formats written one file per document into a directory, the others into one file (or stdout)
DIRECTORY_FORMATS = {"tei"}
FORMAT_NAMES = ("jsonl", "tei", "wadm", "bibtex", "csl-json", "ris")


def corpus_works(documents: Iterable[Document]) -> Iterator[Work]:
    """Each work once, however many documents discuss it (same title and first author)."""
    seen: set[tuple[str, str]] = set()
    for document in documents:
        for work in document.works:
            key = (" ".join(work.title.lower().split()), (work.authors[:1] or [""])[0].lower())
            if key not in seen:
                seen.add(key)
                yield work


def export(documents: Iterable[Document], format_name: str, output: Optional[Path]) -> str:
    """Write the documents in a format; what was written, for the user."""
    if format_name in DIRECTORY_FORMATS:
        from .tei import write_tei

        paths = write_tei(documents, output)
        return f"{len(paths)} TEI documents written to {output}"
    writer = _stream_writer(format_name)
    if output is None:
        count = writer(documents, sys.stdout)
        return f"{count} {format_name} records written"
    with output.open("w", encoding="utf-8") as stream:
        count = writer(documents, stream)
    return f"{count} {format_name} records written to {output}"


def _stream_writer(format_name: str) -> Callable:
    if format_name == "jsonl":
        from .jsonl import write_jsonl

        return write_jsonl
    if format_name == "wadm":
        from .wadm import write_wadm

        return write_wadm
    from .biblio import FORMATS

    def write_works(documents, stream) -> int:
        works = list(corpus_works(documents))
        stream.write(FORMATS[format_name](works))
        return len(works)

    return write_works
