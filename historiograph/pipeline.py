"""The stages composed: read -> clean -> merge -> parse/extract -> store and JSONL.

``process_paths`` gives annotated Documents to a Python user (and to ``evaluate``); ``run`` is
what ``historiograph run`` does. A bad file is recorded in the report and skipped; nothing a
user's file holds stops the run.
"""
from __future__ import annotations

import gc
import pickle
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, Optional, TextIO

from .clean import CleanError, clean_source, repeated_lines
from .export.jsonl import document_json, with_cluster_ids
from .merge import CONTAINMENT_THRESHOLD, merge_copies
from .model import Cleaned, Document, Source
from .parse import BATCH_SIZE, DEFAULT_MODEL, annotate, load_pipeline, parse_documents, require_pipeline
from .read import MAX_BYTES, ReadError, corpus_files, read_path
from .store import Store
from .link import LinkIndex, signed_attestations
from .store.links import linking
from .stream import corpus_documents

Progress = Callable[[str, int, int], None]  # (stage, done, total)
# Garbage collector thresholds while a corpus is parsed: parsing allocates objects by the
# million, and at Python's default (700) the collector runs thousands of times, each older
# generation pass scanning the model and the growing link data again (≈ 2% of a run).
BULK_GC_THRESHOLDS = (50_000, 20, 10)
# Documents stored per transaction: one commit per document costs more than its rows.
SAVE_BATCH = 32


@dataclass
class Settings:
    model: str = DEFAULT_MODEL
    date: Optional[str] = None  # overrides every document's publication date
    merge_threshold: float = CONTAINMENT_THRESHOLD
    batch_size: int = BATCH_SIZE
    max_bytes: int = MAX_BYTES


@dataclass
class Report:
    files_read: int = 0
    sources: int = 0
    documents: int = 0
    copies_merged: int = 0  # sources that were one of several copies of a document
    residue_dropped: int = 0
    errors: list[ReadError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what ran, but not as well as it could


def read_corpus(paths: Iterable[str | Path], settings: Settings, report: Report) -> list[Source]:
    sources = []
    for item in corpus_files(paths):
        if isinstance(item, ReadError):
            report.errors.append(item)
            continue
        report.files_read += 1
        for read in read_path(item, settings.max_bytes):
            if isinstance(read, ReadError):
                report.errors.append(read)
            else:
                sources.append(read)
    report.sources = len(sources)
    return sources


def clean_corpus(sources: list[Source], report: Report) -> list[Cleaned]:
    repeated = repeated_lines(sources)
    cleaned = []
    for source in sources:
        try:
            copy = clean_source(source, repeated)
        except CleanError as error:
            report.errors.append(ReadError(source.path, str(error)))
            continue
        report.residue_dropped += copy.residue_dropped
        cleaned.append(copy)
    return cleaned


def prepare_documents(paths: Iterable[str | Path], settings: Settings, report: Report) -> tuple[list[Source], list[Document]]:
    """Read, clean and merge: the sources read and the Documents of a corpus, not yet parsed."""
    sources = read_corpus(paths, settings, report)
    cleaned = clean_corpus(sources, report)
    documents = merge_copies(cleaned, settings.merge_threshold)
    for document in documents:
        if settings.date:
            document.date = settings.date
        if len(document.sources) > 1:
            report.copies_merged += len(document.sources)
    report.documents = len(documents)
    return sources, documents


@contextmanager
def bulk_collection() -> Iterator[None]:
    """The garbage collector tuned for a run (see BULK_GC_THRESHOLDS), then put back."""
    previous = gc.get_threshold()
    gc.set_threshold(*BULK_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)


def extract(
    documents: Iterable[Document], settings: Settings, nlp=None, errors: Optional[list[ReadError]] = None
) -> Iterator[Document]:
    """Each document parsed once and annotated by every extractor. Given ``errors``, a document
    an extractor fails on is reported there and left out; otherwise the error is raised."""
    nlp = nlp or load_pipeline(settings.model)

    def failed(document: Document, error: Exception) -> None:
        path = document.sources[0]["path"] if document.sources else document.id
        errors.append(ReadError(path, f"could not be annotated ({type(error).__name__}: {error})"))

    parsed = parse_documents(nlp, fitted(nlp, documents), settings.batch_size, failed if errors is not None else None)
    for document, doc in parsed:
        yield annotate(document, doc)


def fitted(nlp, documents: Iterable[Document]) -> Iterator[Document]:
    """The documents, spaCy's length guard raised for each just before it is parsed."""
    for document in documents:
        nlp.max_length = max(nlp.max_length, len(document.text) + 1)
        yield document


def process_paths(paths: Iterable[str | Path], settings: Optional[Settings] = None, nlp=None) -> tuple[list[Document], Report]:
    settings = settings or Settings()
    report = Report()
    _, documents = prepare_documents(paths, settings, report)
    return list(extract(documents, settings, nlp)), report


def run(
    paths: Iterable[str | Path],
    store: Store,
    jsonl: TextIO,
    settings: Optional[Settings] = None,
    progress: Optional[Progress] = None,
) -> Report:
    """The main job: every document of the corpus stored and written as JSONL, streamed (see stream.py)."""
    settings = settings or Settings()
    require_pipeline(settings.model)
    report = Report()
    documents = corpus_documents(paths, settings, report, store.save_sources)
    seen: set[str] = set()
    batch: list[Document] = []
    # each document's JSONL line and its link attestations (signed while it is at hand) wait on
    # disk until every document is stored: then they are linked, and the lines get cluster ids
    with tempfile.TemporaryFile("w+", encoding="utf-8") as unlinked, tempfile.TemporaryFile() as signed, \
            bulk_collection():
        for done, document in enumerate(extract(documents, settings, errors=report.errors), start=1):
            batch.append(document)
            if document.id not in seen:  # two files with one text are one document
                seen.add(document.id)
                report.documents += 1
                pickle.dump(signed_attestations(document), signed, protocol=pickle.HIGHEST_PROTOCOL)
                unlinked.write(document_json(document) + "\n")
            if len(batch) == SAVE_BATCH:
                save_batch(store, batch)
            if progress:
                progress("extract", done, None)
        save_batch(store, batch)
        link_and_write(store, signed, unlinked, jsonl)
    return report


def link_and_write(store: Store, signed: BinaryIO, unlinked: TextIO, jsonl: TextIO) -> None:
    """Link the documents' attestations, in the order they were read, into the stored index, and
    write their lines with the cluster ids; one document at a time from the files."""
    with tempfile.TemporaryFile() as placed:
        signed.seek(0)
        with linking(store.engine) as index:
            for attestations in pickled(signed):
                link_document(index, attestations, placed)
        write_linked(index, unlinked, placed, jsonl)


def link_document(index: LinkIndex, signed: list, placed: BinaryIO) -> None:
    """Link one document's signed attestations; where they were placed (key -> sequence number)
    goes to ``placed``, for its line's cluster ids once every document is linked."""
    pickle.dump({att.key: index.add(att, signatures) for att, signatures in signed}, placed)


def write_linked(index: LinkIndex, unlinked: TextIO, placed: BinaryIO, jsonl: TextIO) -> None:
    """The lines written before linking, with the cluster ids of the finished index: a cluster's
    id is its oldest member's, which a later document can change."""
    unlinked.seek(0)
    placed.seek(0)
    for line, seqs in zip(unlinked, pickled(placed)):
        jsonl.write(with_cluster_ids(line, lambda key: index.cluster_id(seqs[key]) if key in seqs else None))


def pickled(stream: BinaryIO) -> Iterator:
    """The objects pickled one after another into a file, from where it stands."""
    while True:
        try:
            yield pickle.load(stream)
        except EOFError:
            return


def save_batch(store: Store, batch: list[Document]) -> None:
    """Store the batch in one transaction and empty it."""
    store.save_all(batch)
    batch.clear()
