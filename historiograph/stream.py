"""Read -> clean -> merge as passes over the files, so memory grows only with the number of
copies (a place and a size each; their signatures and shingle keys go to disk), never with the
corpus text.

Pass 1 reads every source for the lines repeated across the corpus and records the sources;
pass 2 cleans each copy and keeps its signature and shingle keys; the candidate pairs of copies
come from the signatures and are confirmed by their shingles, then, for the few that pass, by
reading the two copies again to align them (``MergePlan``); pass 3 reads the files again and
yields Documents: a copy of no other at once, the copies of one article once the last of them is
read. The single-process run and the Dask runner share these functions, so they build the same
Documents.
"""
from __future__ import annotations

import os
from array import array
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

import numpy as np

from .clean import CleanError, LineCounts, RepeatedLines, clean_source
from .merge import (
    ContainmentIndex,
    Group,
    UnionFind,
    aligned,
    build_document,
    contained,
    joined_groups,
    minhash,
    shingle_keys,
    shingles,
)
from .keyed_runs import RecordFile
from .model import Cleaned, Document, Source
from .read import MAX_BYTES, ReadError, corpus_files, read_path

Place = tuple[int, int]  # (file number in the corpus, record number in the file): a copy's address
SOURCES_BATCH = 500  # sources written per transaction in pass 1
CONFIRM_KEPT = 64  # copies kept at hand while candidate pairs are confirmed


@dataclass
class Sketch:
    """What pass 2 keeps of a cleaned copy: where to read it again, its MinHash, its size, and
    its shingles as keys (``merge.shingle_keys``, to confirm candidate pairs without the text)."""

    place: Place
    hashvalues: np.ndarray
    size: int
    shingles: np.ndarray


@dataclass
class Pass:
    """What one pass over some files found besides its results (summed over partitions)."""

    sources: int = 0
    residue_dropped: int = 0
    errors: list[ReadError] = field(default_factory=list)


class FileList:
    """The corpus's files, numbered in reading order; iterated as (number, path). Their paths
    are kept in a temporary file: 8 bytes a file in memory, where a list of Paths took 470."""

    def __init__(self, paths: Iterable[Path]) -> None:
        self._paths = RecordFile("files")
        for path in paths:
            self._paths.append(os.fsencode(path))

    def __len__(self) -> int:
        return len(self._paths)

    def __getitem__(self, number: int) -> Path:
        return Path(os.fsdecode(self._paths[number]))

    def __iter__(self) -> Iterator[tuple[int, Path]]:
        return ((number, self[number]) for number in range(len(self)))


def list_files(paths: Iterable[str | Path], errors: list[ReadError]) -> FileList:
    """The corpus's files; the paths that cannot be read go to ``errors``."""

    def readable() -> Iterator[Path]:
        for item in corpus_files(paths):
            if isinstance(item, ReadError):
                errors.append(item)
            else:
                yield item

    return FileList(readable())


def numbered_sources(
    files: Iterable[tuple[int, Path]], max_bytes: int = MAX_BYTES, errors: Optional[list] = None,
    root: Optional[Path] = None
) -> Iterator[tuple[Place, Source]]:
    """Each source of the numbered files with its place; read errors go to ``errors`` if given.
    Relative paths are read below ``root`` if given (``read_path``)."""
    for number, path in files:
        for record, read in enumerate(read_path(path, max_bytes, root)):
            if isinstance(read, ReadError):
                if errors is not None:
                    errors.append(read)
                continue
            yield (number, record), read


def count_lines(sources: Iterable[tuple[Place, Source]], found: Pass, save: Callable[[list[Source]], None]) -> LineCounts:
    """Pass 1: the short lines counted, for the corpus's repeated lines; every source saved in batches."""
    counts = LineCounts()
    batch: list[Source] = []
    for _, source in sources:
        found.sources += 1
        counts.add(source)
        batch.append(source)
        if len(batch) == SOURCES_BATCH:
            save(batch)
            batch = []
    if batch:
        save(batch)
    return counts


def cleaned_copies(
    sources: Iterable[tuple[Place, Source]], repeated: RepeatedLines, found: Optional[Pass] = None
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
    return Sketch(place, minhash(items).hashvalues, len(items), shingle_keys(items))


class Places:
    """Copies' places by number, in two arrays: 8 bytes a copy, where a list of tuples took 120."""

    def __init__(self) -> None:
        self._files, self._records = array("i"), array("i")

    def append(self, place: Place) -> None:
        self._files.append(place[0])
        self._records.append(place[1])

    def __len__(self) -> int:
        return len(self._files)

    def __getitem__(self, number: int) -> Place:
        return self._files[number], self._records[number]

    def __iter__(self) -> Iterator[Place]:
        return zip(self._files, self._records)


class MergePlan:
    """Which copies are copies of one article, worked out before pass 3.

    The candidate pairs come from the signatures; each is confirmed by ``confirm_candidates``
    (containment counted on the shingle keys kept on disk, then, for the pairs that pass, the
    paragraphs of the two copies, read again) and each group of confirmed copies is one key,
    built into its Document once its last copy is read; a copy in no group is built at once.
    Confirming before pass 3 keeps pass 3 from waiting on chains of candidates: in a corpus of
    many like texts they can join nearly every file into one key. The groups are those
    ``merge.group_copies`` finds (the groups of confirmed pairs do not depend on which pairs are
    tested first), so the Documents are the same as merging the whole corpus in memory.
    """

    def __init__(self, sketches: Iterable[Sketch], threshold: float, read: Callable[[Place], Cleaned],
                 candidates: Callable[[ContainmentIndex], Iterable[tuple[int, int]]] = ContainmentIndex.pairs):
        """``candidates``: the index's candidate pairs in its order (on a Dask cluster, found by
        tasks that each hold a share of the bands)."""
        index, places, kept = ContainmentIndex(threshold), Places(), RecordFile("shingles")
        for each in sketches:
            index.add(each.hashvalues, each.size)
            kept.append(each.shingles.tobytes())
            places.append(each.place)
        confirmed = confirm_candidates(candidates(index), len(places), lambda n: np.frombuffer(kept[n], np.uint64),
                                       lambda n: read(places[n]), threshold)
        groups = joined_groups(confirmed)
        self.group = {places[i]: n for n, members in enumerate(groups) for i in members}
        # the global order of the copies that merge: build_document prefers earlier copies
        self.order = {places[i]: i for members in groups for i in members}
        self.sizes = [len(members) for members in groups]
        # where the single-process run builds each group's document: at its last copy
        self.last = [places[members[-1]] for members in groups]

    def key(self, place: Place) -> tuple:
        """The key under which a copy meets the other copies of its article."""
        number = self.group.get(place)
        return ("copy", place) if number is None else ("group", number)

    def last_place(self, key: tuple) -> Place:
        """Where the single-process run, reading the corpus in order, builds the key's document."""
        return key[1] if key[0] == "copy" else self.last[key[1]]

    def merge(self, key: tuple, copies: list[tuple[Place, Cleaned]]) -> Document:
        """The Document of one key's copies (all of them, in any order)."""
        return build_document(Group([copy for _, copy in sorted(copies, key=lambda pc: self.order.get(pc[0], 0))]))

    def documents(self, copies: Iterable[tuple[Place, Cleaned]]) -> Iterator[Document]:
        """Pass 3: Documents as soon as every copy they may need has been read."""
        waiting: dict[tuple, list[tuple[Place, Cleaned]]] = {}
        for place, copy in copies:
            key = self.key(place)
            bucket = waiting.setdefault(key, [])
            bucket.append((place, copy))
            if key[0] == "copy" or len(bucket) == self.sizes[key[1]]:
                yield self.merge(key, waiting.pop(key))


def confirm_candidates(pairs: Iterable[tuple[int, int]], count: int, shingles_of: Callable[[int], np.ndarray],
                       read: Callable[[int], Cleaned], threshold: float) -> list[tuple[int, int]]:
    """The candidate pairs of copies (numbered below count) that are copies of one article,
    tested as ``merge.same_article`` tests them, in order; a pair already joined through others
    is not tested (it could not change the groups). Only a pair whose shingles are contained is
    read again, the latest few copies kept."""
    forest = UnionFind(count)
    kept: OrderedDict[int, Cleaned] = OrderedDict()

    def copy_of(n: int) -> Cleaned:
        if n in kept:
            kept.move_to_end(n)
        else:
            kept[n] = read(n)
            if len(kept) > CONFIRM_KEPT:
                kept.popitem(last=False)
        return kept[n]

    confirmed, queried, keys_a = [], -1, np.empty(0, np.uint64)
    for a, b in pairs:
        if forest.joined(a, b):
            continue
        if a != queried:  # a query's candidates come together: its keys are read once
            queried, keys_a = a, shingles_of(a)
        keys_b = shingles_of(b)
        shared = len(np.intersect1d(keys_a, keys_b, assume_unique=True))
        if contained(shared, len(keys_a), len(keys_b), threshold) and aligned(copy_of(a), copy_of(b), len(keys_a) <= len(keys_b)):
            forest.union(a, b)
            confirmed.append((a, b))
    return confirmed


def copy_reader(files: FileList, repeated: RepeatedLines, max_bytes: int) -> Callable[[Place], Cleaned]:
    """Reads a copy again by its place: its file read up to its record, and cleaned."""
    def read(place: Place) -> Cleaned:
        sources = numbered_sources([(place[0], files[place[0]])], max_bytes)
        return next(copy for _, copy in cleaned_copies((ps for ps in sources if ps[0] == place), repeated))
    return read


def corpus_documents(
    paths: Iterable[str | Path], settings, report, save_sources: Callable[[list[Source]], None]
) -> Iterator[Document]:
    """The Documents of a corpus, streamed: the single-process read -> clean -> merge."""
    files = list_files(paths, report.errors)
    report.files_read = len(files)
    scanned = Pass(errors=report.errors)
    counts = count_lines(numbered_sources(files, settings.max_bytes, report.errors), scanned, save_sources)
    report.sources = scanned.sources
    repeated = counts.repeated(scanned.sources)
    del counts
    cleaned = Pass(errors=report.errors)
    sketches = (sketch(place, copy) for place, copy in cleaned_copies(numbered_sources(files, settings.max_bytes), repeated, cleaned))
    plan = MergePlan(sketches, settings.merge_threshold, copy_reader(files, repeated, settings.max_bytes))
    report.residue_dropped = cleaned.residue_dropped
    for document in plan.documents(cleaned_copies(numbered_sources(files, settings.max_bytes), repeated)):
        yield finish(document, settings, report)


def finish(document: Document, settings, report) -> Document:
    """The run's settings applied to a built Document, and its merged copies counted (the
    documents are counted once stored: an extractor can still fail on one)."""
    if settings.date:
        document.date = settings.date
    if len(document.sources) > 1:
        report.copies_merged += len(document.sources)
    return document
