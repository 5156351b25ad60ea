"""Scorer for gold key ``times``: extraction precision/recall (span overlap) and value accuracy.

A predicted expression matches a gold one when their spans overlap (one to one, in text order);
its value is right when it is the same EDTF value (compared after parsing, so equivalent
spellings agree). The baseline is spaCy's own DATE and TIME entities with a naive normaliser
(a year, a month and a day read off the entity's text): the reference the rules must beat.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional

from edtf import parse_edtf

from ..model import Document, TimeExpr
from .rows import Row

SYSTEM = "historiograph"
BASELINE = "spacy-DATE+naive"
# The baseline normaliser's only knowledge: a four-digit year, a decade, a month name, a day
NAIVE_YEAR = re.compile(r"\b(1\d{3}|20\d{2})(s?)\b")
NAIVE_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")
NAIVE_DAY = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b(?!\d)")


def gold_spans(text: str, items: list[dict]) -> list[tuple[int, int, dict]]:
    """Where each gold string is in the text (its ``occurrence``-th copy); missing ones are skipped."""
    spans = []
    for item in items:
        start = -1
        for _ in range(item.get("occurrence", 1)):
            start = text.find(item["text"], start + 1)
            if start < 0:
                break
        if start >= 0:
            spans.append((start, start + len(item["text"]), item))
    return spans


def same_value(predicted: Optional[str], gold: str) -> bool:
    if predicted is None:
        return False
    try:
        return str(parse_edtf(predicted)) == str(parse_edtf(gold))
    except Exception:  # an unparsable prediction is simply wrong
        return predicted == gold


def match(gold: list[tuple[int, int, dict]], predicted: list[TimeExpr]) -> list[tuple[dict, TimeExpr]]:
    """Gold and predicted expressions paired one to one by overlapping spans, in text order."""
    pairs, used = [], set()
    for start, end, item in sorted(gold, key=lambda g: g[0]):
        for index, time in enumerate(predicted):
            if index not in used and time.start < end and start < time.end:
                pairs.append((item, time))
                used.add(index)
                break
    return pairs


def rows_for(system: str, counts: dict[str, int]) -> list[Row]:
    matched, gold, predicted = counts["matched"], counts["gold"], counts["predicted"]
    return [
        Row(system, "times.extraction", matched / predicted if predicted else None,
            matched / gold if gold else None, None, gold),
        Row(system, "times.value", None, None, counts["right"] / matched if matched else None, matched),
        Row(system, "times.value_over_gold", None, None, counts["right"] / gold if gold else None, gold),
    ]


def count(pairs: Iterable[tuple[dict, Document]], predictions: list[list[TimeExpr]]) -> dict[str, int]:
    counts = {"gold": 0, "predicted": 0, "matched": 0, "right": 0}
    for (line, document), predicted in zip(pairs, predictions):
        spans = gold_spans(document.text, line.get("times", []))
        counts["gold"] += len(line.get("times", []))
        counts["predicted"] += len(predicted)
        for item, time in match(spans, predicted):
            counts["matched"] += 1
            counts["right"] += same_value(time.value, item["value"])
    return counts


def naive_value(text: str) -> Optional[str]:
    year = NAIVE_YEAR.search(text)
    if not year:
        return None
    if year.group(2):
        return year.group(1)[:3] + "X"
    lowered = text.lower()
    month = next((i for i, name in enumerate(NAIVE_MONTHS, 1) if name in lowered), None)
    if not month:
        return year.group(1)
    day = NAIVE_DAY.search(text.replace(year.group(1), ""))
    return f"{year.group(1)}-{month:02d}" + (f"-{int(day.group(1)):02d}" if day and int(day.group(1)) else "")


@lru_cache(maxsize=1)
def _baseline_nlp():
    import spacy  # loaded only when the baseline is scored

    from ..parse import DEFAULT_MODEL

    return spacy.load(DEFAULT_MODEL, exclude=["lemmatizer"])


def baseline_times(texts: list[str]) -> list[list[TimeExpr]]:
    found = []
    for doc in _baseline_nlp().pipe(texts):
        found.append([TimeExpr(e.text, e.start_char, e.end_char, naive_value(e.text) or "")
                      for e in doc.ents if e.label_ in ("DATE", "TIME")])
    return found


def score(pairs: list[tuple[dict, Document]]) -> list[Row]:
    pairs = [(line, document) for line, document in pairs if "times" in line]
    ours = count(pairs, [document.times for _, document in pairs])
    baseline = count(pairs, baseline_times([document.text for _, document in pairs]))
    return rows_for(SYSTEM, ours) + rows_for(BASELINE, baseline)
