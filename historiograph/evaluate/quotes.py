"""Scores for the ``quotes`` and ``entities`` gold keys, with textacy's direct quotations as baseline.

Gold quotes are strings (``{"text", "kind", "speaker_name", "occurrence"?}``), found in the
document text; a predicted quote matches a gold quote when their spans overlap (one to one,
largest overlap first). Figures:

    quotes.detection   precision / recall of the span matching
    quotes.kind        accuracy of the kind over matched quotes
    quotes.speaker     accuracy of the speaker over matched gold *quotations* (kind "quotation"):
                       right when both are null, or when the predicted speaker is the gold person
                       (the gold name or one of its gold aliases, or the predicted entity's name
                       or aliases contain the gold name)
    entities.alias_merge  recall: share of gold alias sets whose mentions in the text all fall
                       in one predicted entity; precision: share of predicted entities touching
                       gold mentions that do not merge two gold people

The baseline (system "textacy") is ``textacy.extract.triples.direct_quotations`` on a bare parse
of the same texts; it finds only attributed quotations, so only detection and speaker are scored.
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from ..model import Document, Entity
from .rows import Row

SYSTEM = "historiograph"
BASELINE = "textacy"
QUOTE_MARKS = "“”\"'‘’«»„"


def find_span(text: str, needle: str, occurrence: int = 1) -> Optional[tuple[int, int]]:
    position = -1
    for _ in range(max(occurrence, 1)):
        position = text.find(needle, position + 1)
        if position < 0:
            return None
    return position, position + len(needle)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_spans(gold: list[tuple[int, int]], predicted: list[tuple[int, int]]) -> dict[int, int]:
    """Gold index -> predicted index, one to one, largest overlap first."""
    pairs = sorted(
        ((_overlap(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(predicted)),
        reverse=True,
    )
    matched: dict[int, int] = {}
    used: set[int] = set()
    for size, gi, pi in pairs:
        if size > 0 and gi not in matched and pi not in used:
            matched[gi] = pi
            used.add(pi)
    return matched


def _alias_sets(gold_line: dict) -> list[set[str]]:
    return [{e["name"], *e.get("aliases", [])} for e in gold_line.get("entities", [])]


def same_speaker(gold_name: Optional[str], predicted_name: Optional[str], predicted_entity: Optional[Entity],
                 alias_sets: list[set[str]]) -> bool:
    if gold_name is None or predicted_name is None:
        return gold_name is None and predicted_name is None
    gold_forms = next((s for s in alias_sets if gold_name in s), {gold_name})
    predicted_forms = {predicted_name}
    if predicted_entity is not None:
        predicted_forms |= {predicted_entity.name, *predicted_entity.aliases}
    return bool(gold_forms & predicted_forms)


def _gold_quote_spans(text: str, quotes: list[dict]) -> list[Optional[tuple[int, int]]]:
    return [find_span(text, q["text"], q.get("occurrence", 1)) for q in quotes]


def _ratio(numerator: int, denominator: int) -> Optional[float]:
    return numerator / denominator if denominator else None


def score_quotes(pairs: list[tuple[dict, Document]]) -> list[Row]:
    found = kinds = speakers = n_gold = n_predicted = n_speaker = 0
    for gold, document in pairs:
        if "quotes" not in gold:
            continue
        spans = _gold_quote_spans(document.text, gold["quotes"])
        located = [(q, s) for q, s in zip(gold["quotes"], spans) if s is not None]
        n_gold += len(gold["quotes"])
        n_predicted += len(document.quotes)
        matched = match_spans([s for _, s in located], [(q.start, q.end) for q in document.quotes])
        entities = {e.id: e for e in document.entities}
        alias_sets = _alias_sets(gold)
        for gi, pi in matched.items():
            gold_quote, predicted = located[gi][0], document.quotes[pi]
            found += 1
            kinds += predicted.kind == gold_quote["kind"]
            if gold_quote["kind"] == "quotation":
                n_speaker += 1
                speakers += same_speaker(gold_quote.get("speaker_name"), predicted.speaker_name,
                                         entities.get(predicted.speaker or ""), alias_sets)
    return [
        Row(SYSTEM, "quotes.detection", _ratio(found, n_predicted), _ratio(found, n_gold), None, n_gold),
        Row(SYSTEM, "quotes.kind", None, None, _ratio(kinds, found), found),
        Row(SYSTEM, "quotes.speaker", None, None, _ratio(speakers, n_speaker), n_speaker),
    ]


def gold_mentions(text: str, alias_sets: list[set[str]]) -> list[tuple[int, int, int]]:
    """(start, end, gold set index) of every whole-word occurrence of a gold alias; an occurrence
    inside a longer one ("Lowe" in "Sian Lowe") belongs to the longer one."""
    found = []
    for index, aliases in enumerate(alias_sets):
        for alias in aliases:
            for match in re.finditer(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", text):
                found.append((match.start(), match.end(), index))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    kept: list[tuple[int, int, int]] = []
    for start, end, index in found:
        if not any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in kept) and \
                (start, end, index) not in kept:
            kept.append((start, end, index))
    return kept


def _entity_of_span(entities: list[Entity], start: int, end: int) -> Optional[str]:
    for entity in entities:
        if any(m.start < end and start < m.end for m in entity.mentions):
            return entity.id
    return None


def score_entities(pairs: list[tuple[dict, Document]]) -> list[Row]:
    merged = n_sets = clean = n_predicted = 0
    for gold, document in pairs:
        if "entities" not in gold:
            continue
        alias_sets = _alias_sets(gold)
        mentions = gold_mentions(document.text, alias_sets)
        by_set: dict[int, set[Optional[str]]] = {}
        people_of: dict[str, set[int]] = {}
        for start, end, index in mentions:
            entity_id = _entity_of_span(document.entities, start, end)
            by_set.setdefault(index, set()).add(entity_id)
            if entity_id is not None:
                people_of.setdefault(entity_id, set()).add(index)
        for index in range(len(alias_sets)):
            if index in by_set:
                n_sets += 1
                merged += len(by_set[index]) == 1 and None not in by_set[index]
        n_predicted += len(people_of)
        clean += sum(len(indexes) == 1 for indexes in people_of.values())
    return [Row(SYSTEM, "entities.alias_merge", _ratio(clean, n_predicted), _ratio(merged, n_sets),
                None, n_sets)]


def textacy_quotes(texts: Iterable[str]) -> list[list[tuple[int, int, str]]]:
    """(start, end, speaker text) of textacy's direct quotations, marks excluded, per text."""
    from textacy.extract.triples import direct_quotations  # optional: only the baseline needs it

    from ..parse import DEFAULT_MODEL
    import spacy

    nlp = spacy.load(DEFAULT_MODEL)
    results = []
    for doc in nlp.pipe(texts):
        try:
            triples = list(direct_quotations(doc))
        except ValueError:  # textacy gives up on an odd number of marks
            triples = []
        found = []
        for triple in triples:
            content = triple.content
            start = content.start_char + (1 if content.text[:1] in QUOTE_MARKS else 0)
            end = content.end_char - (1 if content.text[-1:] in QUOTE_MARKS else 0)
            found.append((start, end, " ".join(t.text for t in triple.speaker)))
        results.append(found)
    return results


def score_baseline(pairs: list[tuple[dict, Document]]) -> list[Row]:
    pairs = [(gold, document) for gold, document in pairs if "quotes" in gold]
    try:
        predictions = textacy_quotes([document.text for _, document in pairs])
    except ImportError:
        return []
    found = speakers = n_gold = n_predicted = n_speaker = 0
    for (gold, document), predicted in zip(pairs, predictions):
        spans = _gold_quote_spans(document.text, gold["quotes"])
        located = [(q, s) for q, s in zip(gold["quotes"], spans) if s is not None]
        n_gold += len(gold["quotes"])
        n_predicted += len(predicted)
        matched = match_spans([s for _, s in located], [(s, e) for s, e, _ in predicted])
        alias_sets = _alias_sets(gold)
        for gi, pi in matched.items():
            found += 1
            gold_quote = located[gi][0]
            if gold_quote["kind"] == "quotation":
                n_speaker += 1
                speakers += _baseline_speaker_right(gold_quote.get("speaker_name"), predicted[pi][2], alias_sets)
    return [
        Row(BASELINE, "quotes.detection", _ratio(found, n_predicted), _ratio(found, n_gold), None, n_gold),
        Row(BASELINE, "quotes.speaker", None, None, _ratio(speakers, n_speaker), n_speaker),
    ]


def _baseline_speaker_right(gold_name: Optional[str], speaker_text: str, alias_sets: list[set[str]]) -> bool:
    """textacy's speaker is a noun phrase ("the engineer William Tanner"): right when it contains
    one of the gold person's names."""
    if gold_name is None:
        return False
    forms = next((s for s in alias_sets if gold_name in s), {gold_name})
    return any(re.search(r"(?<!\w)" + re.escape(form) + r"(?!\w)", speaker_text) for form in forms)


def score(pairs: list[tuple[dict, Document]]) -> list[Row]:
    """All rows for whichever of the two keys the gold lines carry, baseline included."""
    rows: list[Row] = []
    if any("quotes" in gold for gold, _ in pairs):
        rows += score_quotes(pairs) + score_baseline(pairs)
    if any("entities" in gold for gold, _ in pairs):
        rows += score_entities(pairs)
    return rows
