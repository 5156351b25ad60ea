"""The queries behind every page, shared with the JSON API: each returns plain JSON-ready data.

People are identified across the corpus by name (entity ids are local to a document): a
person is every entity of that name, its aliases, and the quotations and claims whose speaker
or holder carries one of those names.
"""
from __future__ import annotations

import json
import re
from typing import Optional

from sqlalchemy import and_, asc, column, desc, func, inspect, or_, select, table, tuple_
from sqlalchemy.engine import Engine

from ..store import schema
from ..store.links import stored_cluster
from . import search as search_index

PAGE_SIZE = 50
# Longest list a person page shows per section; the total is reported beside it.
SECTION_LIMIT = 200
TOP_LIMIT = 12
DOCUMENT_SORTS = {"date": schema.documents.c.date, "title": schema.documents.c.title,
                  "author": schema.documents.c.author}
# The start of an EDTF value that names a year ("1921", "1921-03", "1921-03-03/…") or a
# decade ("192X"); anything else (open intervals, seasons of unknown years) has no bar.
EDTF_YEAR = re.compile(r"^(\d{3}[\dX])")
# A timeline wider than this many years shows decades instead of years.
YEARS_PER_BAR_LIMIT = 80
# The link tables are the linking stage's (store/links.py); read by name so the pages work
# before and after that stage has run on a database.
LINK_TABLES = ("link_attestations", "link_clusters", "link_conflicts")
link_attestations = table("link_attestations", column("key"), column("cluster_id"))
link_conflicts = table("link_conflicts", column("cluster_id"), column("kind"), column("severity"), column("data"))
# Built by search.ensure_search_index: every person named in a work's record, by role.
work_people = table("search_work_people", column("document_id"), column("seq"), column("name"), column("role"))
# Per database URL: (store signature, summary) of the corpus page's slow aggregates.
_summaries: dict[str, tuple] = {}

documents, quotes, claims = schema.documents, schema.quotes, schema.claims


def has_links(engine: Engine) -> bool:
    return all(inspect(engine).has_table(name) for name in LINK_TABLES)


# --- corpus -----------------------------------------------------------------------------------


def corpus_counts(engine: Engine) -> dict[str, int]:
    counted = (schema.documents, schema.sources, schema.entities, schema.quotes, schema.times,
               schema.works, schema.claims)
    with engine.connect() as connection:
        return {t.name: connection.execute(select(func.count()).select_from(t)).scalar_one() for t in counted}


def document_list(engine: Engine, page: int = 1, sort: str = "date", order: str = "asc",
                  per_page: int = PAGE_SIZE) -> dict:
    """One page of documents with their quotation and claim counts."""
    sort = sort if sort in DOCUMENT_SORTS else "date"
    direction = desc if order == "desc" else asc
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(documents)).scalar_one()
        pages = max(1, -(-total // per_page))
        page = min(max(1, page), pages)
        rows = connection.execute(
            select(documents.c.id, documents.c.title, documents.c.date, documents.c.author)
            .order_by(direction(DOCUMENT_SORTS[sort]), direction(documents.c.id))
            .limit(per_page).offset((page - 1) * per_page)
        ).mappings()
        items = [dict(row) for row in rows]
        ids = [item["id"] for item in items]
        counts = {name: _counts_by_document(connection, t, ids) for name, t in (("quotes", quotes), ("claims", claims))}
    for item in items:
        item.update(quotes=counts["quotes"].get(item["id"], 0), claims=counts["claims"].get(item["id"], 0))
    return {"items": items, "page": page, "pages": pages, "total": total, "sort": sort,
            "order": "desc" if direction is desc else "asc"}


def _counts_by_document(connection, child, ids: list[str]) -> dict[str, int]:
    if not ids:
        return {}
    query = select(child.c.document_id, func.count()).where(child.c.document_id.in_(ids)).group_by(child.c.document_id)
    return dict(connection.execute(query).all())


def timeline(engine: Engine) -> dict:
    """How many time expressions fall in each year (or decade, for a long span)."""
    head = func.substr(schema.times.c.value, 1, 4)
    with engine.connect() as connection:
        rows = connection.execute(select(head, func.count()).group_by(head)).all()
    years: dict[int, int] = {}
    for value, count in rows:
        found = EDTF_YEAR.match(value or "")
        if found:
            year = int(found.group(1).replace("X", "0"))
            years[year] = years.get(year, 0) + count
    if not years:
        return {"unit": "year", "bars": []}
    unit = "decade" if max(years) - min(years) > YEARS_PER_BAR_LIMIT else "year"
    if unit == "decade":
        decades: dict[int, int] = {}
        for year, count in years.items():
            decades[year - year % 10] = decades.get(year - year % 10, 0) + count
        years = decades
    return {"unit": unit, "bars": [{"start": year, "count": years[year]} for year in sorted(years)]}


def most_quoted(engine: Engine, limit: int = TOP_LIMIT) -> list[dict]:
    count = func.count().label("count")
    query = (select(quotes.c.speaker_name.label("name"), count)
             .where(quotes.c.kind == "quotation", quotes.c.speaker_name.is_not(None))
             .group_by(quotes.c.speaker_name).order_by(count.desc(), quotes.c.speaker_name).limit(limit))
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def waiting_conflicts(engine: Engine, limit: int = TOP_LIMIT) -> list[dict]:
    """The worst conflicting attributions and dates the linking stage found (none before it ran)."""
    if not has_links(engine):
        return []
    query = select(link_conflicts.c.data).order_by(link_conflicts.c.severity.desc(), link_conflicts.c.cluster_id)
    with engine.connect() as connection:
        return [_json(data) for data in connection.execute(query.limit(limit)).scalars()]


def corpus_summary(engine: Engine) -> dict:
    """Counts, timeline and most quoted (kept until a document is saved), and the conflicts."""
    signature = search_index.store_signature(engine)
    cached = _summaries.get(str(engine.url))
    if cached is None or cached[0] != signature:
        cached = signature, {"counts": corpus_counts(engine), "timeline": timeline(engine),
                             "most_quoted": most_quoted(engine)}
        _summaries[str(engine.url)] = cached
    return {**cached[1], "conflicts": waiting_conflicts(engine)}


def _json(data):
    """A JSON column's value (PostgreSQL and SQLite drivers may hand back text)."""
    return json.loads(data) if isinstance(data, str) else data


# --- people ------------------------------------------------------------------------------------


def person(engine: Engine, name: str) -> Optional[dict]:
    """Everything the corpus holds by or about one person, or None if no one has that name."""
    entities = schema.entities
    search_index.ensure_search_index(engine)
    with engine.connect() as connection:
        found = connection.execute(
            select(entities.c.document_id, entities.c.id, entities.c.type, entities.c.data).where(entities.c.name == name)
        ).mappings().all()
        aliases = sorted({alias for row in found for alias in _json(row["data"]).get("aliases", [])} - {name})
        names = [name, *aliases]
        by_quotes = _rows(connection, _quotes_by(names))
        by_claims = _rows(connection, _claims_by(names))
        works = _works_by(connection, name)
        written = [dict(row) for row in connection.execute(
            select(documents.c.id, documents.c.title, documents.c.date).where(documents.c.author == name)
            .order_by(documents.c.date, documents.c.id).limit(SECTION_LIMIT)).mappings()]
        if not (found or by_quotes["total"] or by_claims["total"] or works or written):
            return None
        about_quotes = _rows(connection, _about(quotes, name, quotes.c.speaker_name, names))
        about_claims = _rows(connection, _about(claims, name, claims.c.holder_name, names))
    types = sorted({row["type"] for row in found})
    return {"name": name, "aliases": aliases, "types": types, "documents": len({row["document_id"] for row in found}),
            "quotes": by_quotes, "claims": by_claims, "quotes_about": about_quotes, "claims_about": about_claims,
            "works": works, "written": written}


def _quote_columns():
    return (quotes.c.document_id, quotes.c.id, quotes.c.text, quotes.c.kind, quotes.c.speaker_name,
            documents.c.title.label("document_title"), documents.c.date)


def _claim_columns():
    return (claims.c.document_id, claims.c.id, claims.c.text, claims.c.stance, claims.c.holder_name,
            claims.c.data, documents.c.title.label("document_title"), documents.c.date)


def _quotes_by(names: list[str]):
    return select(*_quote_columns()).join(documents, documents.c.id == quotes.c.document_id).where(
        quotes.c.speaker_name.in_(names))


def _claims_by(names: list[str]):
    return select(*_claim_columns()).join(documents, documents.c.id == claims.c.document_id).where(
        claims.c.holder_name.in_(names))


def _about(items, name: str, speaker_column, names: list[str]):
    """Quotations or claims by others that mention the person inside their span."""
    entities, mentions = schema.entities, schema.mentions
    columns = _quote_columns() if items is quotes else _claim_columns()
    # Keys first, from the person's mentions (indexed by name), then the rows: the database
    # starts from the few mentions instead of testing every quotation in the corpus.
    mentioning = (
        select(items.c.document_id, items.c.id).distinct()
        .join(mentions, and_(mentions.c.document_id == items.c.document_id, mentions.c.start >= items.c.start,
                             mentions.c.end <= items.c.end))
        .join(entities, and_(entities.c.document_id == mentions.c.document_id, entities.c.id == mentions.c.entity_id))
        .where(entities.c.name == name)
    )
    return (
        select(*columns).join(documents, documents.c.id == items.c.document_id)
        .where(tuple_(items.c.document_id, items.c.id).in_(mentioning),
               or_(speaker_column.is_(None), speaker_column.not_in(names)))
    )


def _rows(connection, query) -> dict:
    """A section of a person page: the first SECTION_LIMIT rows in date order, and the total."""
    total = connection.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    ordered = query.order_by(documents.c.date, documents.c.id).limit(SECTION_LIMIT)
    items = []
    for row in connection.execute(ordered).mappings():
        item = dict(row)
        if "data" in item:
            item["evidence"] = (_json(item.pop("data")) or {}).get("evidence")
        items.append(item)
    return {"total": total, "items": items}


def _works_by(connection, name: str) -> list[dict]:
    """Works the person wrote, edited, translated or introduced (once per title)."""
    works = schema.works
    query = (select(works.c.data, works.c.document_id, documents.c.title.label("document_title"), work_people.c.role)
             .join(work_people, and_(work_people.c.document_id == works.c.document_id, work_people.c.seq == works.c.seq))
             .join(documents, documents.c.id == works.c.document_id)
             .where(work_people.c.name == name).order_by(documents.c.date, documents.c.id))
    found: dict[str, dict] = {}
    for row in connection.execute(query).mappings():
        work = _json(row["data"])
        entry = found.setdefault(work["title"], {"work": work, "roles": [], "document_id": row["document_id"],
                                                 "document_title": row["document_title"]})
        if row["role"] not in entry["roles"]:
            entry["roles"].append(row["role"])
    return list(found.values())


# --- quotation trace ---------------------------------------------------------------------------


def quotation_trace(engine: Engine, document_id: str, quote_id: str) -> Optional[dict]:
    """A quotation's cluster across documents, earliest first; the single attestation until
    the linking stage has run."""
    with engine.connect() as connection:
        quote = connection.execute(
            select(*_quote_columns(), quotes.c.data).join(documents, documents.c.id == quotes.c.document_id)
            .where(quotes.c.document_id == document_id, quotes.c.id == quote_id)
        ).mappings().one_or_none()
        if quote is None:
            return None
        quote = dict(quote)
        quote["data"] = _json(quote["data"])
        cluster = _cluster_of(connection, engine, f"{document_id}#{quote_id}")
        if cluster is None:
            single = {"key": f"{document_id}#{quote_id}", "document_id": document_id, "item_id": quote_id,
                      "text": quote["text"], "speaker_name": quote["speaker_name"], "document_date": quote["date"],
                      "document_title": quote["document_title"], "match": "earliest"}
            return {"quote": quote, "cluster": None, "size": 1, "attestations": [single], "conflicts": []}
        attestations = _with_titles(connection, cluster["attestations"])  # earliest first, as summarise orders them
    return {"quote": quote, "cluster": cluster["id"], "size": cluster["size"], "attestations": attestations,
            "conflicts": cluster.get("conflicts", []), "drift": cluster.get("drift", [])}


def _cluster_of(connection, engine: Engine, key: str) -> Optional[dict]:
    if not has_links(engine):
        return None
    cluster_id = connection.execute(
        select(link_attestations.c.cluster_id).where(link_attestations.c.key == key)
    ).scalar_one_or_none()
    return None if cluster_id is None else stored_cluster(connection, cluster_id, SECTION_LIMIT)


def _with_titles(connection, attestations: list[dict]) -> list[dict]:
    ids = list({row["document_id"] for row in attestations})
    titles = dict(connection.execute(select(documents.c.id, documents.c.title).where(documents.c.id.in_(ids))).all())
    return [{**row, "document_title": titles.get(row["document_id"])} for row in attestations]


# --- search ------------------------------------------------------------------------------------


def search_results(engine: Engine, query: str, filters: search_index.SearchFilters, offset: int = 0) -> dict:
    """Search results with each item's document title."""
    found = search_index.search(engine, query, filters, offset=offset)
    ids = list({row["document_id"] for row in found["results"]})
    with engine.connect() as connection:
        titles = dict(connection.execute(select(documents.c.id, documents.c.title).where(documents.c.id.in_(ids))).all())
    for row in found["results"]:
        row["document_title"] = titles.get(row["document_id"])
    return found
