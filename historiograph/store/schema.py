"""The database schema: SQLAlchemy Core tables, one per kind of record.

Columns that pages and queries filter on are real columns; each annotation row also keeps its
whole record as JSON (``data``) so that fields later extractors add need no migration to be
stored and exported.
"""
from sqlalchemy import JSON, Boolean, Column, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()


def _document_id() -> Column:
    return Column("document_id", String(64), ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)


sources = Table(
    "sources",
    metadata,
    Column("sha256", String(64), primary_key=True),
    Column("path", Text, primary_key=True),
    Column("size", Integer),
    Column("encoding", String(64)),
    Column("media_type", String(64)),
    Column("url", Text),
    Column("captured", String(32)),
)

documents = Table(
    "documents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("title", Text),
    Column("date", String(32), index=True),
    Column("author", Text),
    Column("text", Text, nullable=False),
    Column("header", JSON),
    Column("markup", JSON),
)

document_sources = Table(
    "document_sources",
    metadata,
    _document_id(),
    Column("seq", Integer, primary_key=True),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
)

provenance = Table(
    "provenance",
    metadata,
    _document_id(),
    Column("seq", Integer, primary_key=True),
    Column("start", Integer),
    Column("end", Integer),
    Column("source", Text),
    Column("source_start", Integer),
    Column("source_end", Integer),
)

entities = Table(
    "entities",
    metadata,
    _document_id(),
    Column("id", String(32), primary_key=True),
    Column("type", String(32), index=True),
    Column("name", Text, index=True),
    Column("data", JSON),
)

mentions = Table(
    "mentions",
    metadata,
    _document_id(),
    Column("entity_id", String(32), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("start", Integer),
    Column("end", Integer),
    Column("text", Text),
)

quotes = Table(
    "quotes",
    metadata,
    _document_id(),
    Column("id", String(32), primary_key=True),
    Column("text", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("kind", String(16), index=True),
    Column("speaker", String(32)),
    Column("speaker_name", Text, index=True),
    Column("block", Boolean),
    Column("data", JSON),
)

times = Table(
    "times",
    metadata,
    _document_id(),
    Column("seq", Integer, primary_key=True),
    Column("text", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("value", String(64), index=True),
    Column("data", JSON),
)

works = Table(
    "works",
    metadata,
    _document_id(),
    Column("seq", Integer, primary_key=True),
    Column("title", Text, index=True),
    Column("year", Integer),
    Column("reviewed", Boolean),
    Column("data", JSON),
)

claims = Table(
    "claims",
    metadata,
    _document_id(),
    Column("id", String(32), primary_key=True),
    Column("text", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("holder", String(32)),
    Column("holder_name", Text, index=True),
    Column("stance", String(16), index=True),
    Column("data", JSON),
)

# The tables holding one document's rows, children first (the order they are deleted in).
DOCUMENT_TABLES = (mentions, entities, quotes, times, works, claims, provenance, document_sources)
