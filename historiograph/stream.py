"""Read -> clean -> merge as passes over the files, so memory grows with the number of copies
(one MinHash signature each), never with the corpus text.

Pass 1 reads every source for the lines repeated across the corpus and records the sources;
pass 2 cleans each copy and keeps only its signature; the candidate pairs of copies come from
the signatures alone (``MergePlan``); pass 3 reads the files again and yields Documents: a copy
without candidates at once, copies that may be one article once the last of them is read.
The single-process run and the Dask runner share these functions, so they build the same
Documents.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import numpy as np

from .clean import CleanError, clean_source, repeated_among, short_lines
from .merge import (
    CONTAINMENT_THRESHOLD,
    Group,
    build_document,
    candidate_components,
    candidate_pairs,
    confirmed_groups,
    minhash,
    shingles,
)
from .model import Cleaned, Document, Source
from .read import MAX_BYTES, ReadError, corpus_files, read_path

Place = tuple[int, int]  # (file number in the corpus, record number in the file): a copy's address
SOURCES_BATCH = 500  # sources written per transaction in pass 1


@dataclass
class Sketch:
    """What pass 2 keeps of a cleaned copy: where to read it again, its MinHash, its size."""

    place: Place
    hashvalues: np.ndarray
    size: int


@dataclass
class Pass:
    """What one pass over some files found besides its results (summed over partitions)."""

    sources: int = 0
    residue_dropped: int = 0
    errors: list[ReadError] = field(default_factory=list)


def list_files(paths: Iterable[str | Path], errors: list[ReadError]) -> list[Path]:
    files = []
    for item in corpus_files(paths):
        (errors if isinstance(item, ReadError) else files).append(item)
    return files


def numbered_sources(
    files: Iterable[tuple[int, Path]], max_bytes: int = MAX_BYTES, errors: Optional[list] = None
) -> Iterator[tuple[Place, Source]]:
    """Each source of the numbered files with its place; read errors go to ``errors`` if given."""
    for number, path in files:
        for record, read in enumerate(read_path(path, max_bytes)):
            if isinstance(read, ReadError):
                if errors is not None:
                    errors.append(read)
                continue
            yield (number, record), read


def count_lines(sources: Iterable[tuple[Place, Source]], found: Pass, save: Callable[[list[Source]], None]) -> Counter:
    """Pass 1: short-line counts for ``repeated_among``; every source saved in batches."""
    counts: Counter[str] = Counter()
    batch: list[Source] = []
    for _, source in sources:
        found.sources += 1
        counts.update(short_lines(source))
        batch.append(source)
        if len(batch) == SOURCES_BATCH:
            save(batch)
            batch = []
    if batch:
        save(batch)
    return counts


def cleaned_copies(
    sources: Iterable[tuple[Place, Source]], repeated: frozenset[str], found: Optional[Pass] = None
) -> Iterator[tuple[Place, Cleaned]]:
    for place, source in sources:
        try:
            copy = clean_source(source, repeated)
        except CleanError as error:
            if found is not None:
                found.errors.append(ReadError(source.path, str(error)))
            continue
        if found is not None:
            found.residue_dropped += copy.residue_dropped
        yield place, copy


def sketch(place: Place, copy: Cleaned) -> Sketch:
    """Pass 2 for one copy."""
    items = shingles(copy)
    return Sketch(place, minhash(items).hashvalues, len(items))


class MergePlan:
    """Which copies may be copies of one article, worked out from their signatures alone.

    Every component of candidate pairs is one key; copies alone in theirs are built at once.
    The candidate pairs are those ``merge.group_copies`` would test, in the same order, so the
    Documents are the same as merging the whole corpus in memory.
    """

    def __init__(self, sketches: list[Sketch], threshold: float = CONTAINMENT_THRESHOLD):
        self.threshold = threshold
        pairs = candidate_pairs([(s.hashvalues, s.size) for s in sketches], threshold)
        components = [c for c in candidate_components(len(sketches), pairs) if len(c) > 1]
        self.component = {sketches[i].place: n for n, members in enumerate(components) for i in members}
        # the global order of the copies that may merge: build_document prefers earlier copies
        self.order = {s.place: i for i, s in enumerate(sketches) if s.place in self.component}
        self.sizes = [len(members) for members in components]
        # where the single-process run builds each component's documents: at its last copy
        self.last = [max(sketches[i].place for i in members) for members in components]
        self.pairs: list[list[tuple[Place, Place]]] = [[] for _ in components]
        for i, j in pairs:
            self.pairs[self.component[sketches[i].place]].append((sketches[i].place, sketches[j].place))

    def key(self, place: Place) -> tuple:
        """The key under which a copy meets the other copies it may belong with."""
        number = self.component.get(place)
        return ("copy", place) if number is None else ("component", number)

    def last_place(self, key: tuple) -> Place:
        """Where the single-process run, reading the corpus in order, builds the key's documents."""
        return key[1] if key[0] == "copy" else self.last[key[1]]

    def merge(self, key: tuple, copies: list[tuple[Place, Cleaned]]) -> list[Document]:
        """The Documents of one key's copies (all of them, in any order)."""
        if key[0] == "copy":
            return [build_document(Group([copies[0][1]]))]
        copies = sorted(copies, key=lambda pc: self.order[pc[0]])
        local = {place: n for n, (place, _) in enumerate(copies)}
        members = [copy for _, copy in copies]
        pairs = [(local[a], local[b]) for a, b in self.pairs[key[1]]]
        groups = confirmed_groups(members, [shingles(c) for c in members], pairs, self.threshold)
        return [build_document(group) for group in groups]

    def documents(self, copies: Iterable[tuple[Place, Cleaned]]) -> Iterator[Document]:
        """Pass 3: Documents as soon as every copy they may need has been read."""
        waiting: dict[tuple, list[tuple[Place, Cleaned]]] = {}
        for place, copy in copies:
            key = self.key(place)
            bucket = waiting.setdefault(key, [])
            bucket.append((place, copy))
            if key[0] == "copy" or len(bucket) == self.sizes[key[1]]:
                yield from self.merge(key, waiting.pop(key))


def corpus_documents(
    paths: Iterable[str | Path], settings, report, save_sources: Callable[[list[Source]], None]
) -> Iterator[Document]:
    """The Documents of a corpus, streamed: the single-process read -> clean -> merge."""
    files = list(enumerate(list_files(paths, report.errors)))
    report.files_read = len(files)
    scanned = Pass(errors=report.errors)
    counts = count_lines(numbered_sources(files, settings.max_bytes, report.errors), scanned, save_sources)
    report.sources = scanned.sources
    repeated = repeated_among(counts, scanned.sources)
    del counts
    cleaned = Pass(errors=report.errors)
    sketches = [sketch(place, copy) for place, copy in cleaned_copies(numbered_sources(files, settings.max_bytes), repeated, cleaned)]
    report.residue_dropped = cleaned.residue_dropped
    plan = MergePlan(sketches, settings.merge_threshold)
    del sketches
    for document in plan.documents(cleaned_copies(numbered_sources(files, settings.max_bytes), repeated)):
        yield finish(document, settings, report)


def finish(document: Document, settings, report) -> Document:
    """The run's settings applied to a built Document, and the report kept up."""
    if settings.date:
        document.date = settings.date
    if len(document.sources) > 1:
        report.copies_merged += len(document.sources)
    report.documents += 1
    return document
