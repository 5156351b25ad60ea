"""Evaluation: gold annotations that we write -> precision, recall and accuracy tables.

A gold set is a directory of texts (as a user would feed them) and ``gold.jsonl``, one line per
file: ``{"file": "a.txt", "date": "YYYY-MM-DD" or null, <annotation key>: [...]}``. Lines without a
"file" carry corpus-level gold (e.g. clusters across documents). Each annotation key has a
scorer module (``rows.SCORERS``) with ``score(pairs) -> list[Row]``.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Optional

from rich.table import Table

from ..model import Document, document_from_dict
from ..pipeline import Settings, extract, prepare_documents, Report
from .rows import SCORERS, Row, f1

GOLD_FILE = "gold.jsonl"


class GoldError(Exception):
    """The gold set cannot be read."""


def load_gold(directory: Path) -> list[dict]:
    path = directory / GOLD_FILE
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise GoldError(f"{path}: {error.strerror or error}") from None
    gold = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            try:
                gold.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise GoldError(f"{path}:{number}: not JSON ({error.msg})") from None
    return gold


def predict(directory: Path, gold: list[dict], settings: Settings) -> list[Document]:
    """Run the real pipeline on the gold texts, each with its gold publication date."""
    files = [directory / line["file"] for line in gold if "file" in line]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise GoldError(f"gold names files that do not exist: {', '.join(missing)}")
    dates = {line["file"]: line.get("date") for line in gold if "file" in line}
    documents = []
    for path in files:  # one file at a time: gold texts are never merged with each other
        _, prepared = prepare_documents([path], settings, Report())
        for document in prepared:
            document.date = dates.get(path.name) or document.date
        documents.extend(prepared)
    return list(extract(documents, settings))


def file_name(document: Document) -> str:
    return Path(document.sources[0]["path"]).name if document.sources else ""


def pair(gold: list[dict], documents: list[Document]) -> list[tuple[dict, Document]]:
    """Each gold line with its predicted document (an empty one when the file produced none)."""
    by_name = {file_name(d): d for d in documents}
    return [(line, by_name.get(line["file"]) or Document(id="", text="")) for line in gold if "file" in line]


def evaluate(directory: Path, predictions: Optional[Path], settings: Settings) -> list[Row]:
    gold = load_gold(directory)
    if predictions:
        documents = [document_from_dict(json.loads(l)) for l in predictions.read_text(encoding="utf-8").splitlines() if l.strip()]
    else:
        documents = predict(directory, gold, settings)
    pairs = pair(gold, documents)
    keys = {key for line in gold for key in line} & set(SCORERS)
    modules = sorted({SCORERS[key] for key in keys})  # one module may score several keys
    rows: list[Row] = []
    for name in modules:
        scorer = importlib.import_module(name)
        rows.extend(scorer.score(pairs_for(scorer, pairs, gold, documents)))
    return rows


def pairs_for(scorer, pairs, gold, documents):
    """File-level pairs, or the whole corpus for a scorer that asks for it (CORPUS = True)."""
    if getattr(scorer, "CORPUS", False):
        return gold, documents
    return pairs


def render(rows: list[Row], title: str) -> Table:
    table = Table(title=f"evaluation: {title}")
    for column in ("system", "field", "precision", "recall", "F1", "accuracy", "n"):
        table.add_column(column, justify="left" if column in ("system", "field") else "right")
    for row in rows:
        table.add_row(row.system, row.field, _figure(row.precision), _figure(row.recall), _figure(f1(row)),
                      _figure(row.accuracy), str(row.n))
    return table


def _figure(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.3f}"
