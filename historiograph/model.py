"""The data model, defined once: every stage, the store and the exports map from these classes.

A document flows read -> clean -> merge -> parse -> extract -> link -> store/export:

    Source      one file (or WARC record) as read: decoded text plus provenance
    Cleaned     one Source with residue dropped, header and metadata read off
    Document    one article, possibly merged from several Cleaned copies
    Entity, Quote, TimeExpr, Work, Claim   what the extractors find in a Document

Offsets are character offsets into ``Document.text`` (the body, without the header).
Ids of entities, quotes and claims are local to their document ("e1", "q3", "c2").
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Optional

QUOTE_KINDS = ("quotation", "scare", "title")
STANCES = ("agrees", "disagrees", "neutral")
# The lists a Document carries, in the order the extractors fill them (and the JSONL shows them).
ANNOTATION_FIELDS = ("entities", "quotes", "times", "works", "claims")
JSONL_ORDER = ("id", "title", "date", "author", "sources", "text", "provenance", "header", "markup")


@dataclass
class Source:
    """One input file or archive record, decoded."""

    path: str
    sha256: str
    size: int
    text: str
    encoding: str = "utf-8"
    media_type: str = "text/plain"  # "text/html" for pages
    url: Optional[str] = None  # WARC records
    captured: Optional[str] = None  # WARC capture date (ISO): an upper bound for the date

    def ref(self) -> dict:
        return {"path": self.path, "sha256": self.sha256}


@dataclass
class Paragraph:
    """A body paragraph of a cleaned copy, with its place in that copy's decoded text."""

    text: str
    start: int
    end: int
    markup: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, "i"), relative
    quoted: bool = False  # a block quotation (<blockquote>, or indented in plain text)


@dataclass
class Cleaned:
    """One source after cleaning: the body as paragraphs, the header and metadata apart."""

    source: Source
    paragraphs: list[Paragraph]
    title: Optional[str] = None
    date: Optional[str] = None  # ISO 8601 publication date
    author: Optional[str] = None
    header: dict = field(default_factory=dict)  # {"title": str, "reviewed": [{"title", "lines"}]}
    residue_dropped: int = 0


@dataclass
class Provenance:
    """Where a span of the document text came from: a source path and a range in its text."""

    start: int
    end: int
    source: str
    source_start: int = 0
    source_end: int = 0


@dataclass
class Mention:
    start: int
    end: int
    text: str


@dataclass
class Entity:
    id: str
    type: str  # PERSON, ORG, WORK_OF_ART, GPE, NORP
    name: str
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    gender: Optional[str] = None  # "f", "m" or None, when the text tells


@dataclass
class Quote:
    id: str
    text: str
    start: int
    end: int
    kind: str  # one of QUOTE_KINDS
    speaker: Optional[str] = None  # entity id
    speaker_name: Optional[str] = None
    block: bool = False
    speaker_reason: Optional[str] = None  # the cue, or why no speaker was found
    unbalanced: bool = False  # a mark without its partner: a best guess
    cluster: Optional[str] = None  # the cross-document cluster (link stage), e.g. "Q12"


@dataclass
class TimeExpr:
    text: str
    start: int
    end: int
    value: str  # EDTF
    in_title: bool = False
    relative: bool = False
    cluster: Optional[str] = None  # the cluster of attestations of the same dated event ("E7")


@dataclass
class Work:
    title: str
    authors: list[str] = field(default_factory=list)
    translators: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    publisher: Optional[str] = None
    place: Optional[str] = None
    year: Optional[int] = None
    pages: Optional[int] = None
    price: Optional[str] = None
    binding: Optional[str] = None
    isbn: Optional[str] = None
    reviewed: bool = True  # from the review header, or only named in the body
    mentions: list[Mention] = field(default_factory=list)
    introducers: list[str] = field(default_factory=list)  # "with an introduction by"
    interviewers: list[str] = field(default_factory=list)  # "by A, by B": B interviewed A


@dataclass
class Claim:
    id: str
    text: str
    start: int
    end: int
    holder: Optional[str] = None  # entity id
    holder_name: Optional[str] = None
    stance: str = "neutral"  # one of STANCES
    evidence: Optional[dict] = None  # {"text", "start", "end"} or {"none_cited": true}
    quotes: list[str] = field(default_factory=list)  # ids of quotes inside the claim
    cluster: Optional[str] = None  # the cross-document cluster of the same claim ("C4")


@dataclass
class Document:
    id: str
    text: str
    title: Optional[str] = None
    date: Optional[str] = None
    author: Optional[str] = None
    sources: list[dict] = field(default_factory=list)  # [{"path", "sha256"}]
    provenance: list[Provenance] = field(default_factory=list)
    header: dict = field(default_factory=dict)
    # Layout the source gave: [{"start", "end", "tag"}], tag "i" (italics) or "blockquote"
    markup: list[dict] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    times: list[TimeExpr] = field(default_factory=list)
    works: list[Work] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSONL object (docs/jsonl.md): metadata first, then text, then annotations."""
        data = plain(self)
        return {key: data.pop(key) for key in JSONL_ORDER} | data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        return document_from_dict(data)


def _build(klass, data: dict):
    """A dataclass from a dict, ignoring keys it does not know (older or newer JSONL)."""
    names = _field_names(klass)
    return klass(**{k: v for k, v in data.items() if k in names})


def plain(value):
    """``dataclasses.asdict`` for the model's data, which holds only dataclasses, lists, dicts and
    immutable leaves: those leaves are shared, not deep-copied, and each class's field names are
    looked up once (asdict's copying was most of the cost of saving a document)."""
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return tuple(plain(item) for item in value)
    names = _field_names(type(value))
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    return value


# Each class's dataclass field names (None: not a dataclass), looked up once.
_FIELD_NAMES: dict[type, Optional[tuple[str, ...]]] = {}


def _field_names(klass: type) -> Optional[tuple[str, ...]]:
    if klass not in _FIELD_NAMES:
        _FIELD_NAMES[klass] = tuple(f.name for f in fields(klass)) if is_dataclass(klass) else None
    return _FIELD_NAMES[klass]


def document_from_dict(data: dict[str, Any]) -> Document:
    doc = _build(Document, data)
    doc.provenance = [_build(Provenance, p) for p in data.get("provenance", [])]
    doc.entities = [_entity_from_dict(e) for e in data.get("entities", [])]
    doc.quotes = [_build(Quote, q) for q in data.get("quotes", [])]
    doc.times = [_build(TimeExpr, t) for t in data.get("times", [])]
    doc.works = [_work_from_dict(w) for w in data.get("works", [])]
    doc.claims = [_build(Claim, c) for c in data.get("claims", [])]
    return doc


def _entity_from_dict(data: dict) -> Entity:
    entity = _build(Entity, data)
    entity.mentions = [_build(Mention, m) for m in data.get("mentions", [])]
    return entity


def _work_from_dict(data: dict) -> Work:
    work = _build(Work, data)
    work.mentions = [_build(Mention, m) for m in data.get("mentions", [])]
    return work
