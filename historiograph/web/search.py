"""Full-text search over documents, quotations and claims, and the lookup tables the pages need.

SQLite gets an FTS5 table, PostgreSQL a table with a generated ``tsvector`` column and a GIN
index. Either way the index is one row per searchable item (a document, a quotation, a claim)
with the columns the search page filters on. Beside it, ``search_work_people`` lists the people
of every work (author, editor, translator, introduction) by name, so a person page need not read
every work's JSON, and two indexes on ``documents`` serve the writer's page and title sorting.
All of it is rebuilt from the store's tables whenever they have changed since the last build
(checked on app start and before each search or person page).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

# Kinds of items the index holds: a whole document, each quote kind, a claim.
SEARCH_KINDS = ("document", "quotation", "scare", "title", "claim")
RESULT_LIMIT = 50
# Snippet highlight markers: private-use characters never found in prose, swapped for <mark>
# after the snippet has been HTML-escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
# A query is quoted phrases and bare words; each becomes a quoted FTS term, so a user's
# punctuation (a lone quote mark, AND/OR/NEAR, a colon) can never be read as query syntax.
QUERY_TERM = re.compile(r'"([^"]*)"|(\S+)')
SNIPPET_WORDS = 24

_build_lock = threading.Lock()
# Per database URL: the table counts the index was last built from.
_built_from: dict[str, tuple] = {}


@dataclass
class SearchFilters:
    kind: Optional[str] = None
    speaker: Optional[str] = None  # the speaker of a quotation, the holder of a claim, a document's author
    stance: Optional[str] = None
    date_from: Optional[str] = None  # ISO date or its prefix (a year, a month)
    date_to: Optional[str] = None


RESULT_COLUMNS = "kind, document_id, item_id, speaker, stance, date"
COLUMNS = RESULT_COLUMNS + ", text"

# The rows of the index, as one SELECT per kind of item (the same SQL on both databases, but
# for the line break between a document's title and its text).
SOURCE_ROWS = (
    "SELECT 'document', id, NULL, author, NULL, date, coalesce(title, '') || {newline} || text FROM documents",
    "SELECT q.kind, q.document_id, q.id, q.speaker_name, NULL, d.date, q.text "
    "FROM quotes q JOIN documents d ON d.id = q.document_id",
    "SELECT 'claim', c.document_id, c.id, c.holder_name, c.stance, d.date, c.text "
    "FROM claims c JOIN documents d ON d.id = c.document_id",
)

# A work's lists of people (keys of its JSON record), and the role each gives a person.
WORK_ROLES = {"authors": "author", "editors": "editor", "translators": "translator", "introducers": "introduction"}

LOOKUP_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_work_people (document_id varchar(64), seq integer, name text, role varchar(16))",
    "CREATE INDEX IF NOT EXISTS search_work_people_name ON search_work_people (name)",
    "CREATE INDEX IF NOT EXISTS search_documents_author ON documents (author)",
    "CREATE INDEX IF NOT EXISTS search_documents_title ON documents (title)",
)
SQLITE_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "kind UNINDEXED, document_id UNINDEXED, item_id UNINDEXED, speaker UNINDEXED, stance UNINDEXED, "
    "date UNINDEXED, text, tokenize = 'porter unicode61 remove_diacritics 2')",
    *LOOKUP_SCHEMA,
)
POSTGRES_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_index (kind text, document_id text, item_id text, speaker text, "
    "stance text, date text, text text, "
    "tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(text, ''))) STORED)",
    "CREATE INDEX IF NOT EXISTS search_index_tsv ON search_index USING gin (tsv)",
    *LOOKUP_SCHEMA,
)
# Each name in a work's list, one row per name: JSON array functions of each database.
SQLITE_WORK_PEOPLE = ("INSERT INTO search_work_people SELECT w.document_id, w.seq, p.value, '{role}' "
                      "FROM works w, json_each(w.data, '$.{key}') p")
POSTGRES_WORK_PEOPLE = ("INSERT INTO search_work_people SELECT w.document_id, w.seq, p.value, '{role}' "
                        "FROM works w, json_array_elements_text(w.data::json -> '{key}') AS p(value)")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def index_table(engine: Engine) -> str:
    return "search_index" if is_postgres(engine) else "search_fts"


def store_signature(engine: Engine) -> tuple:
    with engine.connect() as connection:
        return table_signature(connection, engine)


def table_signature(connection: Connection, engine: Engine) -> tuple:
    """What changes whenever a document is saved: counts, and on SQLite the newest rowids
    (saving a document again deletes and re-inserts its rows, so they grow)."""
    parts = ["(SELECT count(*) FROM {t})"]
    if not is_postgres(engine):
        parts.append("(SELECT max(rowid) FROM {t})")
    selects = [part.format(t=table) for table in ("documents", "quotes", "claims") for part in parts]
    return tuple(connection.execute(text("SELECT " + ", ".join(selects))).one())


def ensure_search_index(engine: Engine) -> bool:
    """Build the search tables if the store changed since they were last built; True if rebuilt."""
    with _build_lock, engine.begin() as connection:
        signature = table_signature(connection, engine)
        if _built_from.get(str(engine.url)) == signature:
            return False
        for statement in POSTGRES_SCHEMA if is_postgres(engine) else SQLITE_SCHEMA:
            connection.execute(text(statement))
        table = index_table(engine)
        newline = "chr(10)" if is_postgres(engine) else "char(10)"
        connection.execute(text(f"DELETE FROM {table}"))
        for select_rows in SOURCE_ROWS:
            connection.execute(text(f"INSERT INTO {table} ({COLUMNS}) " + select_rows.format(newline=newline)))
        connection.execute(text("DELETE FROM search_work_people"))
        work_people = POSTGRES_WORK_PEOPLE if is_postgres(engine) else SQLITE_WORK_PEOPLE
        for key, role in WORK_ROLES.items():
            connection.execute(text(work_people.format(key=key, role=role)))
        _built_from[str(engine.url)] = signature
        return True


def match_expression(query: str) -> str:
    """The user's words as an FTS5 query: every phrase and word quoted, all required."""
    terms = []
    for phrase, word in QUERY_TERM.findall(query or ""):
        term = (phrase or word).strip()
        if term:
            terms.append('"' + term.replace('"', '""') + '"')
    return " ".join(terms)


def filter_clauses(filters: SearchFilters, prefix: str = "") -> tuple[list[str], dict]:
    """WHERE clauses and their parameters for the filters that are set."""
    clauses, params = [], {}
    if filters.kind:
        clauses.append(f"{prefix}kind = :kind")
        params["kind"] = filters.kind
    if filters.speaker:
        clauses.append(f"{prefix}speaker = :speaker")
        params["speaker"] = filters.speaker
    if filters.stance:
        clauses.append(f"{prefix}stance = :stance")
        params["stance"] = filters.stance
    if filters.date_from:
        clauses.append(f"{prefix}date >= :date_from")
        params["date_from"] = filters.date_from
    if filters.date_to:
        # a prefix comparison, so "1980" includes every day of 1980
        clauses.append(f"substr({prefix}date, 1, {len(filters.date_to)}) <= :date_to")
        params["date_to"] = filters.date_to
    return clauses, params


def search(engine: Engine, query: str, filters: Optional[SearchFilters] = None,
           limit: int = RESULT_LIMIT, offset: int = 0) -> dict:
    """Items matching the words (best first) and the filters; with no words, the filtered
    items by date. Each result has a snippet with MARK_START/MARK_END around the hits."""
    filters = filters or SearchFilters()
    ensure_search_index(engine)
    run = search_postgres if is_postgres(engine) else search_sqlite
    with engine.connect() as connection:
        rows, total = run(connection, query, filters, limit, offset)
    return {"query": query, "total": total, "offset": offset, "limit": limit, "results": rows}


def search_sqlite(connection: Connection, query: str, filters: SearchFilters, limit: int, offset: int):
    clauses, params = filter_clauses(filters)
    match = match_expression(query)
    if match:
        clauses.insert(0, "search_fts MATCH :match")
        params["match"] = match
        snippet = f"snippet(search_fts, 6, '{MARK_START}', '{MARK_END}', '…', {SNIPPET_WORDS})"
        order = "rank"
    else:
        snippet, order = "substr(text, 1, 240)", "date, document_id, item_id"
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return _page(connection, "search_fts", snippet, where, order, params, limit, offset)


def search_postgres(connection: Connection, query: str, filters: SearchFilters, limit: int, offset: int):
    clauses, params = filter_clauses(filters)
    if query and query.strip():
        clauses.insert(0, "tsv @@ websearch_to_tsquery('english', :query)")
        params["query"] = query
        snippet = (f"ts_headline('english', text, websearch_to_tsquery('english', :query), "
                   f"'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=8')")
        order = "ts_rank(tsv, websearch_to_tsquery('english', :query)) DESC"
    else:
        snippet, order = "substr(text, 1, 240)", "date, document_id, item_id"
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return _page(connection, "search_index", snippet, where, order, params, limit, offset)


def _page(connection: Connection, table: str, snippet: str, where: str, order: str, params: dict,
          limit: int, offset: int) -> tuple[list[dict], int]:
    total = connection.execute(text(f"SELECT count(*) FROM {table}{where}"), params).scalar_one()
    rows = connection.execute(
        text(f"SELECT {RESULT_COLUMNS}, {snippet} AS snippet FROM {table}{where} "
             f"ORDER BY {order} LIMIT :limit OFFSET :offset"),
        {**params, "limit": limit, "offset": offset},
    ).mappings()
    return [dict(row) for row in rows], total
