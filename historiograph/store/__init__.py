"""Store stage: Documents in and out of SQLite (the default), PostgreSQL or any SQLAlchemy database.

Saving is idempotent: a document's id is a hash of its text, and saving it again replaces its
rows in one transaction, so a second run over the same corpus adds nothing and loses nothing.
Several runs may write into one PostgreSQL database at once: the schema is migrated under an
advisory lock, sources are upserted, and each document is replaced under a lock of its own.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Iterator, Optional

from sqlalchemy import create_engine, delete, func, insert, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from ..model import Document, Source, document_from_dict, plain
from . import schema
from .schema import metadata

PAGE = 200
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
# The revision whose schema databases made before migrations existed already have.
BASELINE = "0001"
# Any fixed number: every historiograph process takes the same PostgreSQL advisory lock
# before migrating, so two runs starting at once never both create the tables.
MIGRATION_LOCK = 0x68697374
# Seconds a SQLite writer waits for another's transaction (Dask workers share one file).
SQLITE_BUSY_SECONDS = 60
# Dialects with INSERT ... ON CONFLICT DO NOTHING, the upsert that is safe under concurrency.
UPSERT_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Store:
    """A database of documents and everything extracted from them."""

    def __init__(self, url: str, migrated: bool = False):
        """``migrated``: the schema is known to be at the newest revision (a Dask worker's store,
        the client having migrated it), so Alembic is not even imported."""
        self.url = url
        self.engine: Engine = create_engine(url, future=True, **engine_options(url))
        if not migrated:
            migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def url_anywhere(self) -> str:
        """The URL as a process started in another directory reads it (a Dask worker's): a SQLite
        file by its absolute path."""
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
                and not os.path.isabs(url.database):
            return url.set(database=os.path.abspath(url.database)).render_as_string(hide_password=False)
        return self.url

    # --- writing -------------------------------------------------------------------------
    def save_sources(self, sources: Iterable[Source]) -> None:
        rows = [
            {"sha256": s.sha256, "path": s.path, "size": s.size, "encoding": s.encoding,
             "media_type": s.media_type, "url": s.url, "captured": s.captured}
            for s in sources
        ]
        if not rows:
            return
        with self.engine.begin() as connection:
            insert_missing(connection, schema.sources, rows, ("sha256", "path"))

    def save(self, document: Document) -> None:
        self.save_all([document])

    def save_all(self, documents: Iterable[Document]) -> None:
        """Documents replaced in one transaction: a Dask partition's, so writers rarely wait.

        Their locks are taken in id order, so two writers sharing documents cannot deadlock.
        """
        with self.engine.begin() as connection:
            for document in sorted(documents, key=lambda d: d.id):
                replace_document(connection, document)

    # --- reading -------------------------------------------------------------------------
    def document_ids(self) -> list[str]:
        with self.engine.connect() as connection:
            query = select(schema.documents.c.id).order_by(schema.documents.c.date, schema.documents.c.id)
            return list(connection.execute(query).scalars())

    def documents(self, ids: Optional[list[str]] = None) -> Iterator[Document]:
        """The stored documents (all, or those ids), in pages so memory stays flat."""
        ids = self.document_ids() if ids is None else ids
        for start in range(0, len(ids), PAGE):
            yield from self._load(ids[start : start + PAGE])

    def document(self, document_id: str) -> Optional[Document]:
        return next(iter(self._load([document_id])), None)

    def counts(self) -> dict[str, int]:
        tables = (schema.documents, schema.sources, schema.entities, schema.quotes,
                  schema.times, schema.works, schema.claims)
        with self.engine.connect() as connection:
            return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}

    def _load(self, ids: list[str]) -> list[Document]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(schema.documents).where(schema.documents.c.id.in_(ids))).mappings()
            found = {row["id"]: dict(row) for row in rows}
            for record in found.values():
                record.update(sources=[], provenance=[], entities=[], quotes=[], times=[], works=[], claims=[])
            for table, key, shape in LOADERS:
                query = select(table).where(table.c.document_id.in_(list(found))).order_by(*reading_order(table))
                for row in connection.execute(query).mappings():
                    found[row["document_id"]][key].append(shape(row))
        return [document_from_dict(found[i]) for i in ids if i in found]


def engine_options(url: str) -> dict:
    return {"connect_args": {"timeout": SQLITE_BUSY_SECONDS}} if url.startswith("sqlite") else {}


def migrate(engine: Engine) -> None:
    """The schema brought to the newest revision, in one transaction (one lock on PostgreSQL)."""
    from alembic import command  # here: importing Alembic takes longer than a whole Dask task
    from alembic.config import Config

    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        tables = inspect(connection).get_table_names()
        if "documents" in tables and "alembic_version" not in tables:
            command.stamp(config, BASELINE)
        command.upgrade(config, "head")
        # tables registered on the metadata that no revision creates yet
        metadata.create_all(connection)


def insert_missing(connection: Connection, table, rows: list[dict], key: tuple[str, ...]) -> None:
    """Insert the rows whose key is not there yet; concurrent writers never collide."""
    upsert = UPSERT_INSERTS.get(connection.dialect.name)
    if upsert is not None:
        connection.execute(upsert(table).on_conflict_do_nothing(index_elements=list(key)), rows)
        return
    first = table.c[key[0]]
    found = connection.execute(
        select(*(table.c[k] for k in key)).where(first.in_({r[key[0]] for r in rows}))
    ).all()
    known = {tuple(row) for row in found}
    fresh = [r for r in rows if tuple(r[k] for k in key) not in known]
    if fresh:
        connection.execute(insert(table), fresh)


def lock_document(connection: Connection, document_id: str) -> None:
    """On PostgreSQL, one writer at a time replaces a document (two runs may both hold it)."""
    if connection.dialect.name == "postgresql":
        key = int(hashlib.sha256(document_id.encode("utf-8")).hexdigest()[:15], 16)
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def replace_document(connection: Connection, document: Document) -> None:
    lock_document(connection, document.id)
    if is_stored(connection, document.id):
        delete_document(connection, document.id)
    connection.execute(insert(schema.documents), [document_row(document)])
    for table, rows in child_rows(document):
        if rows:
            connection.execute(insert(table), rows)


def is_stored(connection: Connection, document_id: str) -> bool:
    """Whether the document has a row. Its other rows are only ever written with it (here, in one
    transaction), so a new document needs none of the deletes: one query instead of nine."""
    query = select(schema.documents.c.id).where(schema.documents.c.id == document_id)
    return connection.execute(query).first() is not None


def delete_document(connection: Connection, document_id: str) -> None:
    for table in schema.DOCUMENT_TABLES:
        connection.execute(delete(table).where(table.c.document_id == document_id))
    connection.execute(delete(schema.documents).where(schema.documents.c.id == document_id))


def document_row(document: Document) -> dict:
    return {"id": document.id, "title": document.title, "date": document.date, "author": document.author,
            "text": document.text, "header": document.header, "markup": document.markup}


def child_rows(document: Document):
    """(table, rows) for everything a document carries besides its own row."""
    key = {"document_id": document.id}
    yield schema.document_sources, [{**key, "seq": i, **ref} for i, ref in enumerate(document.sources)]
    yield schema.provenance, [{**key, "seq": i, **plain(p)} for i, p in enumerate(document.provenance)]
    yield schema.entities, [
        {**key, "id": e.id, "type": e.type, "name": e.name, "data": plain(e)} for e in document.entities
    ]
    yield schema.mentions, [
        {**key, "entity_id": e.id, "seq": i, "start": m.start, "end": m.end, "text": m.text}
        for e in document.entities for i, m in enumerate(e.mentions)
    ]
    yield schema.quotes, [
        {**key, "id": q.id, "text": q.text, "start": q.start, "end": q.end, "kind": q.kind, "speaker": q.speaker,
         "speaker_name": q.speaker_name, "block": q.block, "data": plain(q)} for q in document.quotes
    ]
    yield schema.times, [
        {**key, "seq": i, "text": t.text, "start": t.start, "end": t.end, "value": t.value, "data": plain(t)}
        for i, t in enumerate(document.times)
    ]
    yield schema.works, [
        {**key, "seq": i, "title": w.title, "year": w.year, "reviewed": w.reviewed, "data": plain(w)}
        for i, w in enumerate(document.works)
    ]
    yield schema.claims, [
        {**key, "id": c.id, "text": c.text, "start": c.start, "end": c.end, "holder": c.holder,
         "holder_name": c.holder_name, "stance": c.stance, "data": plain(c)} for c in document.claims
    ]


def reading_order(table) -> list:
    """Rows in the order of the text where they have a place in it."""
    if "start" in table.c:
        return [table.c.document_id, table.c.start]
    if "id" in table.c:  # numbered in order of first mention: "e2" before "e10"
        return [table.c.document_id, func.length(table.c.id), table.c.id]
    return list(table.primary_key.columns)


def _data(row) -> dict:
    return row["data"]


# How each child table's rows become the lists of a Document dict (mentions travel inside
# the entity's JSON; the mentions table is there for queries).
LOADERS = (
    (schema.document_sources, "sources", lambda row: {"path": row["path"], "sha256": row["sha256"]}),
    (schema.provenance, "provenance",
     lambda row: {k: row[k] for k in ("start", "end", "source", "source_start", "source_end")}),
    (schema.entities, "entities", _data),
    (schema.quotes, "quotes", _data),
    (schema.times, "times", _data),
    (schema.works, "works", _data),
    (schema.claims, "claims", _data),
)
