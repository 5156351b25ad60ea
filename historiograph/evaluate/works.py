"""Scorer for gold key ``works``: field accuracy of the reviewed works, and the body's works.

Gold works with ``"reviewed": false`` are works the body names; the others are header records.
A header record is paired with the predicted reviewed work of the closest title; each of its
fields is right when it is exactly the gold value (a record with no partner gets every field
wrong). Body works are found (precision, recall) when a predicted unreviewed work has the same
title, fuzzily; their authors are scored as an exact list.
"""
from typing import Optional

from rapidfuzz import fuzz

from ..model import Document, Work
from .rows import Row

SYSTEM = "historiograph"
FIELDS = ("title", "authors", "translators", "editors", "publisher", "place", "year", "pages", "price", "binding")
# Titles this close (0-100) are the same work: a trailing full stop or a dropped subtitle
SAME_TITLE = 90


def closest(title: str, works: list[Work]) -> Optional[Work]:
    scored = [(fuzz.ratio(title.lower(), work.title.lower()), index) for index, work in enumerate(works)]
    best = max(scored, default=(0, -1))
    return works[best[1]] if best[0] >= SAME_TITLE else None


def field_rows(pairs: list[tuple[dict, Document]]) -> list[Row]:
    right = dict.fromkeys(FIELDS, 0)
    total = 0
    for line, document in pairs:
        predicted = [w for w in document.works if w.reviewed]
        for gold in (w for w in line["works"] if w.get("reviewed", True)):
            total += 1
            work = closest(gold["title"], predicted)
            if work is None:
                continue
            predicted.remove(work)
            for name in FIELDS:
                right[name] += getattr(work, name) == gold.get(name, [] if name.endswith("s") and name != "pages" else None)
    rows = [Row(SYSTEM, f"works.{name}", None, None, right[name] / total if total else None, total) for name in FIELDS]
    overall = sum(right.values()) / (total * len(FIELDS)) if total else None
    return [Row(SYSTEM, "works.fields", None, None, overall, total * len(FIELDS))] + rows


def body_rows(pairs: list[tuple[dict, Document]]) -> list[Row]:
    gold_count = predicted_count = found = authors_right = 0
    for line, document in pairs:
        predicted = [w for w in document.works if not w.reviewed]
        predicted_count += len(predicted)
        for gold in (w for w in line["works"] if not w.get("reviewed", True)):
            gold_count += 1
            work = closest(gold["title"], predicted)
            if work is None:
                continue
            predicted.remove(work)
            found += 1
            authors_right += work.authors == gold.get("authors", [])
    return [
        Row(SYSTEM, "works.body", found / predicted_count if predicted_count else None,
            found / gold_count if gold_count else None, None, gold_count),
        Row(SYSTEM, "works.body_author", None, None, authors_right / found if found else None, found),
    ]


def score(pairs: list[tuple[dict, Document]]) -> list[Row]:
    pairs = [(line, document) for line, document in pairs if "works" in line]
    return field_rows(pairs) + body_rows(pairs)
