"""Extractors: spaCy pipeline components that read one parse and write Doc extensions.

Every component is registered with ``@Language.factory`` and exposed through the
``spacy_factories`` entry point, so ``nlp.add_pipe("historiograph_quotes")`` works in any
pipeline. What the parse stage puts on the Doc before the components run:

    doc._.doc_id            the document's id
    doc._.publication_date  ISO date string or None (anchor for relative times)
    doc._.header            the review header: {"title", "reviewed": [{"title", "lines"}]}
    doc._.author            the document's author (the writer) or None
    doc._.markup            layout from the source: [{"start", "end", "tag"}], tag "i" or
                            "blockquote" (char offsets into doc.text)

What the components write (lists of ``historiograph.model`` objects):

    doc._.entities  doc._.works  doc._.quotes  doc._.times  doc._.claims
"""
from spacy.tokens import Doc

from ..model import ANNOTATION_FIELDS

# The components in the order they run; each reads what the ones before it wrote.
PIPELINE: list[str] = []


def register_extensions() -> None:
    """Declare the Doc extensions once; safe to call again (spaCy keeps them per process)."""
    for name, default in (("doc_id", None), ("publication_date", None), ("header", None),
                          ("author", None), ("markup", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name in ANNOTATION_FIELDS:
        if not Doc.has_extension(name):
            # None, not []: a default list would be one list shared by every Doc
            Doc.set_extension(name, default=None)


register_extensions()


def annotations(doc: Doc, name: str) -> list:
    """What a component wrote to ``doc._.<name>``, or an empty list when it did not run."""
    return getattr(doc._, name) or []


def case_folded(text: str) -> str:
    """The text in lower case as the regex engine reads letters when it ignores case: "İ" and
    "ı" are an "i" to it and "ſ" an "s" (``str.lower`` keeps the last two and makes "İ" two
    characters). As long as the text, so a position in one is the same position in the other:
    a pattern written in lower case finds on it what it finds with IGNORECASE on the text."""
    return text.replace("İ", "i").lower().replace("ı", "i").replace("ſ", "s")


# Where the document's text is kept once built (see ``text_of``).
TEXT_KEY = ("historiograph", "text")


def text_of(doc: Doc) -> str:
    """The document's text, built once per Doc: ``Doc.text`` creates and joins every token on
    each access, which every component doing it per match made the costliest thing it did."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text

# Importing the component modules registers their factories (``spacy_factories`` does the same
# for spaCy users who never import historiograph). Each module appends its name to PIPELINE.
from . import entities  # noqa: E402,F401  (historiograph_entities)
from . import works  # noqa: E402,F401  (historiograph_works)
from . import quotes  # noqa: E402,F401  (historiograph_quotes)
from . import times  # noqa: E402,F401  (historiograph_times)
from . import claims  # noqa: E402,F401  (historiograph_claims)
