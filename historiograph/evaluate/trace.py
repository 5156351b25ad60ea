"""Scorer for cross-document linking (gold key ``clusters``).

Gold (gold/trace/<split>/gold.jsonl): each file's line lists its attestations,
``"clusters": [{"cluster": "Q1", "kind": "quotation"|"event", "text": ..., "speaker_name"|"value": ...}]``
(an event's text is its date as written); one corpus line without "file" gives
``"clusters": [{"id", "earliest": file name}]`` and ``"conflicts": [{"cluster", "kind"}]``.

Rows: cluster purity and inverse purity (over gold attestations; one the system did not find
counts as a cluster of its own), earliest-attestation accuracy (gold clusters of two or more)
and conflict precision/recall. Systems: the pipeline as it extracts, the linker on the gold
extractions (so linking is measured apart from extraction), and an exact-text baseline.
"""
from __future__ import annotations

import copy
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Optional

from rapidfuzz import fuzz

from ..link import EVENT, QUOTATION, Attestation, LinkIndex, attestations_of, conflicts, event_words, normalise, summarise
from ..model import Document, Quote, TimeExpr
from .rows import Row

CORPUS = True  # the harness passes (gold lines, documents): clusters span files
# A predicted quotation stands for a gold one when their normalised words are this close
# (the extractor may keep a trailing comma or drop an ellipsis).
ALIGN_MIN_RATIO = 80
GOLD_KINDS = {"quotation": QUOTATION, "event": EVENT}


def score(corpus: tuple[list[dict], list[Document]]) -> list[Row]:
    gold, documents = corpus
    files = [line for line in gold if "file" in line and "clusters" in line]
    truth = next((line for line in gold if "file" not in line and "clusters" in line), {})
    by_name = {file_name(d): d for d in documents}
    predicted = [by_name.get(line["file"]) or Document(id=line["file"], text="") for line in files]
    oracle = [gold_extraction(line, doc) for line, doc in zip(files, predicted)]
    rows = []
    for system, docs, linker in (
        ("historiograph", predicted, link_clusters),
        ("historiograph (gold extraction)", oracle, link_clusters),
        ("exact text (baseline)", oracle, exact_clusters),
    ):
        rows.extend(score_system(system, files, truth, docs, linker))
    return rows


def file_name(document: Document) -> str:
    return Path(document.sources[0]["path"]).name if document.sources else document.id


def gold_extraction(line: dict, document: Document) -> Document:
    """The document with its quotations and dates replaced by the gold ones, found in its text."""
    oracle = copy.copy(document)
    oracle.quotes, oracle.times, oracle.claims = [], [], []
    for number, item in enumerate(line["clusters"], 1):
        start = find(document.text, item["text"], item.get("occurrence", 1))
        if start < 0:
            continue
        end = start + len(item["text"])
        if item["kind"] == "event":
            oracle.times.append(TimeExpr(text=item["text"], start=start, end=end, value=item["value"]))
        else:
            oracle.quotes.append(Quote(id=f"q{number}", text=item["text"], start=start, end=end,
                                       kind="quotation", speaker_name=item.get("speaker_name")))
    return oracle


def find(text: str, words: str, occurrence: int) -> int:
    start = -1
    for _ in range(occurrence):
        start = text.find(words, start + 1)
        if start < 0:
            break
    return start


# -- linkers: documents -> {attestation key: cluster id}, clusters by id -------------------


def link_clusters(documents: list[Document]):
    index = LinkIndex()
    index.add_documents(documents)
    return index.cluster_ids(), {c.id: c for c in index.clusters()}


def exact_clusters(documents: list[Document]):
    """Baseline: the same quotation only when its normalised words are identical."""
    groups: dict[tuple, list[Attestation]] = defaultdict(list)
    for document in documents:
        for att in attestations_of(document):
            words = tuple(sorted(event_words(att.text))) if att.kind == EVENT else normalise(att.text)
            groups[(att.kind, words)].append(att)
    ids, clusters = {}, {}
    for number, atts in enumerate(groups.values(), 1):
        cluster = summarise(f"X{number}", atts, ["exact"] * len(atts))
        clusters[cluster.id] = cluster
        ids.update({att.key: cluster.id for att in atts})
    return ids, clusters


# -- scoring ------------------------------------------------------------------------------------


def score_system(system: str, files: list[dict], truth: dict, documents: list[Document], linker: Callable) -> list[Row]:
    ids, clusters = linker(documents)
    aligned = align(files, documents)  # (gold cluster, file) -> predicted attestation keys
    pairs = [(gold_cluster, ids.get(key) if key else None) for gold_cluster, key in aligned]
    # an attestation the system did not find is a cluster of its own
    labelled = [(g, p if p is not None else f"missed-{n}") for n, (g, p) in enumerate(pairs)]
    rows = [
        Row(system, "trace.purity", None, None, purity(labelled), len(pairs)),
        Row(system, "trace.inverse_purity", None, None, purity([(p, g) for g, p in labelled]), len(pairs)),
    ]
    majority = predicted_majority(pairs)
    rows.append(earliest_row(system, truth, pairs, clusters, documents))
    rows.append(conflict_row(system, truth, clusters, majority))
    return rows


def align(files: list[dict], documents: list[Document]) -> list[tuple[str, Optional[str]]]:
    """Each gold attestation with the key of the predicted attestation that stands for it."""
    found = []
    for line, document in zip(files, documents):
        atts = attestations_of(document)
        used: set[str] = set()
        for item in line["clusters"]:
            match = best_attestation(item, atts, document, used)
            if match:
                used.add(match.key)
            found.append((item["cluster"], match.key if match else None))
    return found


def best_attestation(item: dict, atts: list[Attestation], document: Document, used: set) -> Optional[Attestation]:
    kind = GOLD_KINDS.get(item["kind"])
    candidates = [a for a in atts if a.kind == kind and a.key not in used]
    if kind == EVENT:
        return next((a for a in candidates if normalise(item["text"]) in normalise(time_text(document, a))), None)
    gold_words = normalise(item["text"])
    scored = [(fuzz.ratio(gold_words, normalise(a.text)), a) for a in candidates]
    best = max(scored, key=lambda pair: pair[0], default=(0, None))
    return best[1] if best[0] >= ALIGN_MIN_RATIO else None


def time_text(document: Document, att: Attestation) -> str:
    return document.times[int(att.item_id[1:]) - 1].text


def purity(pairs: list[tuple[str, str]]) -> Optional[float]:
    """Share of items in the majority true class of their predicted cluster."""
    if not pairs:
        return None
    clusters: dict[str, Counter] = defaultdict(Counter)
    for truth, predicted in pairs:
        clusters[predicted][truth] += 1
    return sum(max(counter.values()) for counter in clusters.values()) / len(pairs)


def predicted_majority(pairs) -> dict[str, str]:
    """Predicted cluster id -> the gold cluster most of its aligned attestations belong to."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for truth, predicted in pairs:
        if predicted is not None:
            votes[predicted][truth] += 1
    return {predicted: counter.most_common(1)[0][0] for predicted, counter in votes.items()}


def earliest_row(system, truth, pairs, clusters, documents) -> Row:
    names = {d.id: file_name(d) for d in documents}
    sizes = Counter(g for g, _ in pairs)
    votes: dict[str, Counter] = defaultdict(Counter)
    for gold_cluster, predicted in pairs:
        if predicted is not None:
            votes[gold_cluster][predicted] += 1
    gold_earliest = [c for c in truth.get("clusters", []) if sizes[c["id"]] >= 2]
    right = 0
    for cluster in gold_earliest:
        if votes[cluster["id"]]:
            found = clusters[votes[cluster["id"]].most_common(1)[0][0]]
            right += names.get(found.attestations[found.earliest].document_id) == cluster["earliest"]
    accuracy = right / len(gold_earliest) if gold_earliest else None
    return Row(system, "trace.earliest", None, None, accuracy, len(gold_earliest))


def conflict_row(system, truth, clusters, majority) -> Row:
    gold = {(c["cluster"], c["kind"]) for c in truth.get("conflicts", [])}
    predicted = [(majority.get(c["cluster"]), c["kind"]) for c in conflicts(clusters.values())]
    precision = sum(p in gold for p in predicted) / len(predicted) if predicted else None
    recall = len(gold & set(predicted)) / len(gold) if gold else None
    return Row(system, "trace.conflicts", precision, recall, None, len(gold))
