"""Store stage: Documents in and out of SQLite (the default) or any SQLAlchemy database.

Saving is idempotent: a document's id is a hash of its text, and saving it again replaces its
rows in one transaction, so a second run over the same corpus adds nothing and loses nothing.
"""
from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Iterable, Iterator, Optional

from sqlalchemy import create_engine, delete, func, insert, select
from sqlalchemy.engine import Engine

from ..model import Document, Source, document_from_dict
from . import schema
from .schema import metadata

PAGE = 200


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


class Store:
    """A database of documents and everything extracted from them."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = create_engine(url, future=True)
        metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

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
            known = set(connection.execute(select(schema.sources.c.sha256, schema.sources.c.path)).all())
            fresh = [r for r in rows if (r["sha256"], r["path"]) not in known]
            if fresh:
                connection.execute(insert(schema.sources), fresh)

    def save(self, document: Document) -> None:
        with self.engine.begin() as connection:
            for table in schema.DOCUMENT_TABLES:
                connection.execute(delete(table).where(table.c.document_id == document.id))
            connection.execute(delete(schema.documents).where(schema.documents.c.id == document.id))
            connection.execute(insert(schema.documents), [document_row(document)])
            for table, rows in child_rows(document):
                if rows:
                    connection.execute(insert(table), rows)

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


def document_row(document: Document) -> dict:
    return {"id": document.id, "title": document.title, "date": document.date, "author": document.author,
            "text": document.text, "header": document.header, "markup": document.markup}


def child_rows(document: Document):
    """(table, rows) for everything a document carries besides its own row."""
    key = {"document_id": document.id}
    yield schema.document_sources, [{**key, "seq": i, **ref} for i, ref in enumerate(document.sources)]
    yield schema.provenance, [{**key, "seq": i, **asdict(p)} for i, p in enumerate(document.provenance)]
    yield schema.entities, [
        {**key, "id": e.id, "type": e.type, "name": e.name, "data": asdict(e)} for e in document.entities
    ]
    yield schema.mentions, [
        {**key, "entity_id": e.id, "seq": i, "start": m.start, "end": m.end, "text": m.text}
        for e in document.entities for i, m in enumerate(e.mentions)
    ]
    yield schema.quotes, [
        {**key, "id": q.id, "text": q.text, "start": q.start, "end": q.end, "kind": q.kind, "speaker": q.speaker,
         "speaker_name": q.speaker_name, "block": q.block, "data": asdict(q)} for q in document.quotes
    ]
    yield schema.times, [
        {**key, "seq": i, "text": t.text, "start": t.start, "end": t.end, "value": t.value, "data": asdict(t)}
        for i, t in enumerate(document.times)
    ]
    yield schema.works, [
        {**key, "seq": i, "title": w.title, "year": w.year, "reviewed": w.reviewed, "data": asdict(w)}
        for i, w in enumerate(document.works)
    ]
    yield schema.claims, [
        {**key, "id": c.id, "text": c.text, "start": c.start, "end": c.end, "holder": c.holder,
         "holder_name": c.holder_name, "stance": c.stance, "data": asdict(c)} for c in document.claims
    ]


def reading_order(table) -> list:
    """Rows in the order of the text where they have a place in it."""
    if "start" in table.c:
        return [table.c.document_id, table.c.start]
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
