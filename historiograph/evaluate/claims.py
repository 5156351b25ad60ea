"""Score claims against gold: detection (holder + span), the writer's stance, the evidence.

A predicted claim matches a gold claim when their spans overlap by at least half of the shorter
one and their holders name the same person (surname, or a shared content word for groups such as
"older historians"). Matching is one-to-one, largest overlap first. Stance and evidence are
scored on the matched pairs; the ``all-neutral`` baseline is scored on the same pairs.
"""
from __future__ import annotations

import re
from typing import Optional

from ..model import Claim, Document
from .rows import Row, detection_row

SYSTEM = "historiograph"
BASELINE = "all-neutral"
MIN_OVERLAP = 0.5
WRITER_NAMES = frozenset({"the writer", "writer", "the author", "the reviewer"})
# Words that say nothing about who a holder is, so sharing them is no match.
HOLDER_FILLER = frozenset("the a an some many most of and his her their its mr mrs ms dr sir own".split())


def score(pairs: list[tuple[dict, Document]]) -> list[Row]:
    matched, gold_total, predicted_total, span_only = [], 0, 0, 0
    for gold, document in pairs:
        gold_claims = [located(document.text, g) for g in gold.get("claims", [])]
        gold_total += len(gold_claims)
        predicted_total += len(document.claims)
        matched += match_claims(gold_claims, document.claims, document.author)
        span_only += len(match_claims(gold_claims, document.claims, document.author, holders=False))
    return [
        detection_row(SYSTEM, "claims.detection", len(matched), predicted_total, gold_total),
        detection_row(SYSTEM, "claims.span", span_only, predicted_total, gold_total),
        stance_row(SYSTEM, matched, lambda claim: claim.stance),
        stance_row(BASELINE, matched, lambda claim: "neutral"),
        evidence_row(matched, "claims.evidence", lambda e: e is not None),
        evidence_row(matched, "claims.evidence.none_cited", lambda e: e == "none_cited"),
    ]


def located(text: str, gold: dict) -> dict:
    """The gold claim with its char range in the document text (None when not found)."""
    start = -1
    for _ in range(gold.get("occurrence", 1)):
        start = text.find(gold["text"], start + 1)
        if start < 0:
            break
    span = (start, start + len(gold["text"])) if start >= 0 else None
    return {**gold, "span": span}


def match_claims(
    gold_claims: list[dict], claims: list[Claim], author: Optional[str], holders: bool = True
) -> list[tuple[dict, Claim]]:
    options = []
    for g, gold in enumerate(gold_claims):
        for p, claim in enumerate(claims):
            share = overlap(gold["span"], (claim.start, claim.end))
            if share >= MIN_OVERLAP and (
                not holders or same_holder(gold.get("holder_name"), claim.holder_name, author)
            ):
                options.append((share, g, p))
    pairs, used_gold, used_claims = [], set(), set()
    for _, g, p in sorted(options, reverse=True):
        if g not in used_gold and p not in used_claims:
            used_gold.add(g)
            used_claims.add(p)
            pairs.append((gold_claims[g], claims[p]))
    return pairs


def overlap(gold: Optional[tuple[int, int]], predicted: tuple[int, int]) -> float:
    if gold is None:
        return 0.0
    shared = min(gold[1], predicted[1]) - max(gold[0], predicted[0])
    shorter = min(gold[1] - gold[0], predicted[1] - predicted[0])
    return shared / shorter if shared > 0 and shorter > 0 else 0.0


def same_holder(gold: Optional[str], predicted: Optional[str], author: Optional[str]) -> bool:
    if not gold or not predicted:
        return not gold and not predicted
    gold_key, predicted_key = gold.lower().strip(), predicted.lower().strip()
    if gold_key in WRITER_NAMES:
        return predicted_key in WRITER_NAMES or bool(author) and predicted_key == author.lower()
    return bool(holder_words(gold_key) & holder_words(predicted_key))


def holder_words(name: str) -> set[str]:
    words = re.findall(r"[a-z]+", name.replace("'s", ""))
    return {w for w in words if w not in HOLDER_FILLER and len(w) > 1}


def stance_row(system: str, matched: list[tuple[dict, Claim]], stance_of) -> Row:
    right = sum(1 for gold, claim in matched if gold["stance"] == stance_of(claim))
    accuracy = right / len(matched) if matched else None
    return Row(system, "claims.stance", None, None, accuracy, len(matched))


def evidence_kind(evidence) -> Optional[str]:
    """Gold "none_cited" / a span string / None, and predicted dicts, as one vocabulary."""
    if evidence is None:
        return None
    if evidence == "none_cited" or isinstance(evidence, dict) and evidence.get("none_cited"):
        return "none_cited"
    return "span"


def evidence_row(matched: list[tuple[dict, Claim]], field: str, counts) -> Row:
    """P/R of finding evidence of the gold's kind on matched claims (spans must overlap too)."""
    gold_with = predicted_with = correct = 0
    for gold, claim in matched:
        gold_kind, predicted_kind = evidence_kind(gold.get("evidence")), evidence_kind(claim.evidence)
        gold_with += counts(gold_kind)
        predicted_with += counts(predicted_kind)
        if counts(gold_kind) and gold_kind == predicted_kind and same_evidence(gold, claim):
            correct += 1
    return detection_row(SYSTEM, field, correct, predicted_with, gold_with)


def same_evidence(gold: dict, claim: Claim) -> bool:
    if evidence_kind(gold["evidence"]) == "none_cited":
        return True
    text, predicted = gold["evidence"], claim.evidence["text"]
    return text in predicted or predicted in text or bool(shared_words(text, predicted))


def shared_words(a: str, b: str) -> set[str]:
    """Content words two evidence spans share: enough to say they point at the same passage."""
    words = lambda s: {w for w in re.findall(r"[a-z0-9]+", s.lower()) if len(w) > 3}
    return words(a) & words(b) if len(words(a) & words(b)) >= 2 else set()
