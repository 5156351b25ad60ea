"""Cross-document links in the database: attestations, clusters and conflicts.

Each attestation row keeps its MinHash window signatures, so the link index is rebuilt from
the database without rehashing or re-comparing anything; linking new documents then only
queries their attestations against it and rewrites the clusters they touched.
"""
from __future__ import annotations

import fcntl
import heapq
from contextlib import contextmanager
from itertools import chain, islice
from typing import Callable, Iterable, Iterator, Optional

from rapidfuzz import fuzz, process
from sqlalchemy import (
    JSON,
    Column,
    Float,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    bindparam,
    delete,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Engine

from ..link import (
    ATTESTATION_FIELDS,
    CLUSTER_PREFIX,
    LOOKUP_MIN_SCORE,
    Attestation,
    LinkIndex,
    Share,
    closeness,
    earliest_order,
    normalise,
    shown_cluster,
    summarise,
    time_item_id,
)
from ..model import Document
from . import PAGE
from .schema import metadata

# Candidates read closely after the fast partial-ratio pass over every stored text.
TRACE_SHORTLIST = 20



def attestation_columns(indexed: bool) -> list[Column]:
    """The columns of an Attestation's fields, in their order (``ATTESTATION_FIELDS``)."""
    return [
        Column("document_id", String(64), index=indexed, nullable=False),
        Column("item_id", String(32), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("text", Text, nullable=False),
        Column("document_date", String(32)),
        Column("speaker_name", Text),
        Column("work_title", Text),
        Column("work_year", Integer),
        Column("value", String(64)),
        Column("context", Text),
    ]


link_attestations = Table(
    "link_attestations",
    metadata,
    Column("key", String(160), primary_key=True),  # "<document id>#<item id>"
    Column("seq", Integer, unique=True, nullable=False),  # order of linking: the oldest is the root
    Column("cluster_id", String(32), index=True, nullable=False),
    *attestation_columns(indexed=True),
    Column("match", String(32)),
    Column("signature", LargeBinary),  # the window MinHashes, NUM_PERM uint32 each
)

# The attestations a Dask run is linking, for the tasks that compare them (see
# distributed.LinkRounds), with their cluster's root and their match when they were placed;
# emptied when a run starts and ends linking.
link_staged = Table(
    "link_staged",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    *attestation_columns(indexed=False),
    Column("signature", LargeBinary),
    Column("root", Integer, nullable=False),
    Column("match", String(32)),
)

link_clusters = Table(
    "link_clusters",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(16), index=True, nullable=False),
    Column("size", Integer, nullable=False),
    Column("earliest", String(160)),
    Column("text", Text),  # the earliest wording
    Column("data", JSON),  # the whole cluster as link.Cluster.to_dict
)

link_conflicts = Table(
    "link_conflicts",
    metadata,
    Column("cluster_id", String(32), primary_key=True),
    Column("kind", String(16), primary_key=True),  # "attribution" or "date"
    Column("severity", Float, index=True),
    Column("data", JSON),
)
LINK_TABLES = [link_attestations, link_clusters, link_conflicts, link_staged]


def root_seq(cluster_id: str) -> int:
    return int(cluster_id.lstrip("".join(CLUSTER_PREFIX.values()))) - 1


def load_index(engine: Engine, share: Optional[Share] = None,
               on_join: Optional[Callable[[int, int, str], None]] = None) -> LinkIndex:
    """The link index as stored (``LinkIndex(share, on_join)``): attestations re-inserted from
    their signatures, in the order they were linked (their seq is their place: attestations are
    only ever added). Rows are streamed (a PostgreSQL cursor would otherwise fetch every
    signature at once)."""
    metadata.create_all(engine, tables=LINK_TABLES)
    index = LinkIndex(share, on_join)
    query = select(link_attestations).order_by(link_attestations.c.seq).execution_options(yield_per=PAGE)
    with engine.connect() as connection:
        for row in connection.execute(query).mappings():
            index.restore(_attestation(row), root_seq(row["cluster_id"]), row["match"], row["signature"] or b"")
    return index


def _attestation(row) -> Attestation:
    att = Attestation(**{name: row[name] for name in ATTESTATION_FIELDS})
    att.context = att.context or ""
    return att


def stored_cluster(connection, cluster_id: str, shown: Optional[int] = None) -> Optional[dict]:
    """A stored cluster as ``Cluster.to_dict``: its members' rows, summarised again as they are
    read (the drift from the earliest wording is worked out here, not stored); given ``shown``,
    only the earliest so many attestations are listed."""
    if shown is not None:
        return _earliest_of_stored(connection, cluster_id, shown)
    rows = connection.execute(
        select(*fields_of(link_attestations), link_attestations.c.match)
        .where(link_attestations.c.cluster_id == cluster_id).order_by(link_attestations.c.seq)
    ).mappings().all()
    if not rows:
        return None
    return summarise(cluster_id, [_attestation(row) for row in rows], [row["match"] for row in rows]).to_dict()


def _earliest_of_stored(connection, cluster_id: str, shown: int) -> Optional[dict]:
    """The stored cluster listing its earliest ``shown`` attestations: which they are is worked
    out from three small columns of every member, and only their rows are read; the size and the
    conflicts are the stored summary's. A line quoted a hundred thousand times is shown as fast
    as one quoted twice."""
    summary = connection.execute(select(link_clusters.c.data).where(link_clusters.c.id == cluster_id)).scalar()
    if summary is None:
        return None
    members = connection.execute(
        select(link_attestations.c.seq, link_attestations.c.document_date, link_attestations.c.work_year,
               link_attestations.c.document_id)
        .where(link_attestations.c.cluster_id == cluster_id).order_by(link_attestations.c.seq)
    )
    # nsmallest is sorted()[:n], ties kept in seq order: the order summarise gives them
    seqs = [row[0] for row in heapq.nsmallest(shown, members, key=lambda row: earliest_order(*row[1:]))]
    rows = {row["seq"]: row for row in connection.execute(
        select(link_attestations.c.seq, *fields_of(link_attestations), link_attestations.c.match)
        .where(link_attestations.c.seq.in_(seqs))
    ).mappings()}
    kept = [_attestation(rows[seq]) for seq in seqs]
    return shown_cluster(cluster_id, kept, [rows[seq]["match"] for seq in seqs], summary["size"],
                         summary["conflicts"]).to_dict()


def fields_of(table: Table) -> list[Column]:
    return [table.c[name] for name in ATTESTATION_FIELDS]


def save_index(engine: Engine, index: LinkIndex, stored: int) -> None:
    """Write attestations from ``stored`` on, and rewrite every cluster touched since loading;
    a page at a time, so that a corpus's worth of new clusters is never held at once."""
    with engine.begin() as connection:
        for start in range(stored, len(index), PAGE):
            rows = [_attestation_row(index, seq) for seq in range(start, min(start + PAGE, len(index)))]
            connection.execute(insert(link_attestations), rows)
        touched = index.touched_roots()
        while roots := list(islice(touched, PAGE)):
            _rewrite_clusters(connection, index, roots, stored)
    index.clear_touched()


def _rewrite_clusters(connection, index: LinkIndex, roots: list[int], stored: int) -> None:
    """The clusters of these roots as they are now, in place of every cluster their members were
    stored in (joined clusters take the oldest one's id)."""
    old_members = chain.from_iterable(map(int, seq[seq < stored]) for seq in map(index.members, roots))
    old_ids = {index.cluster_id(root) for root in roots}
    while page := list(islice(old_members, PAGE)):
        old_ids.update(connection.execute(
            select(link_attestations.c.cluster_id).where(link_attestations.c.seq.in_(page))
        ).scalars())
        connection.execute(MOVE_ATTESTATION, [
            {"at_seq": seq, "new_cluster": index.cluster_id(seq), "new_match": index.match_of(seq)} for seq in page
        ])
    connection.execute(delete(link_conflicts).where(link_conflicts.c.cluster_id.in_(old_ids)))
    connection.execute(delete(link_clusters).where(link_clusters.c.id.in_(old_ids)))
    summaries = [index.summary(root).to_dict() for root in roots]
    connection.execute(insert(link_clusters), [_cluster_row(summary) for summary in summaries])
    conflict_rows = [_conflict_row(c) for summary in summaries for c in summary["conflicts"]]
    if conflict_rows:
        connection.execute(insert(link_conflicts), conflict_rows)


# An attestation stored before whose cluster or match has changed (executed for many at once).
MOVE_ATTESTATION = (
    update(link_attestations).where(link_attestations.c.seq == bindparam("at_seq"))
    .values(cluster_id=bindparam("new_cluster"), match=bindparam("new_match"))
)


def _attestation_row(index: LinkIndex, seq: int) -> dict:
    att = index.attestations[seq]
    row = {name: getattr(att, name) for name in ATTESTATION_FIELDS}
    return {**row, "key": att.key, "seq": seq, "cluster_id": index.cluster_id(seq), "match": index.match_of(seq),
            "signature": index.attestations.signatures(seq)}


def _cluster_row(summary: dict) -> dict:
    """A cluster's row: its summary (``ClusterSummary.to_dict``); its members are their own rows."""
    return {"id": summary["id"], "kind": summary["kind"], "size": summary["size"], "earliest": summary["earliest"],
            "text": summary["text"], "data": summary}


def _conflict_row(conflict: dict) -> dict:
    return {"cluster_id": conflict["cluster"], "kind": conflict["kind"], "severity": conflict["severity"],
            "data": conflict}


# Any fixed number: the PostgreSQL advisory lock every historiograph process takes to link.
LINK_LOCK = 0x6C696E6B


@contextmanager
def exclusive_linking(engine: Engine) -> Iterator[None]:
    """One linker at a time per database: linking reads the whole index, then writes it back,
    so two runs linking at once would both number new attestations from the same place."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LINK_LOCK})
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LINK_LOCK})
                connection.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    with open(f"{database}.link-lock", "a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def link_new_documents(engine: Engine, documents: Iterable[Document]) -> LinkIndex:
    """Link documents into the stored clusters (incrementally) and save what changed."""
    with linking(engine) as index:
        index.add_documents(documents)
    return index


@contextmanager
def linking(engine: Engine, share: Optional[Share] = None) -> Iterator[LinkIndex]:
    """The stored link index (``LinkIndex(share)``), for this process alone (other linkers wait)
    until what was added to it is saved, at the end."""
    with exclusive_linking(engine):
        index = load_index(engine, share)
        unstage(engine)  # what a run that died left
        stored = len(index)
        yield index
        save_index(engine, index, stored)
        unstage(engine)


def stage(engine: Engine, index: LinkIndex, seqs: Iterable[int]) -> None:
    """Attestations of the index, by seq, where linking tasks read them (``staged``)."""
    rows = [{"seq": seq, **index.attestations[seq].record(), "signature": index.attestations.signatures(seq),
             "root": index.find(seq), "match": index.match_of(seq)} for seq in seqs]
    if rows:
        with engine.begin() as connection:
            connection.execute(insert(link_staged), rows)


def staged(engine: Engine, seqs: range) -> Iterator[tuple[Attestation, bytes, int, Optional[str]]]:
    """The staged attestations of these seqs, in order (streamed): each with its signatures, its
    cluster's root and its match."""
    query = (select(link_staged).where(link_staged.c.seq >= seqs.start, link_staged.c.seq < seqs.stop)
             .order_by(link_staged.c.seq).execution_options(yield_per=PAGE))
    with engine.connect() as connection:
        for row in connection.execute(query).mappings():
            yield _attestation(row), row["signature"] or b"", row["root"], row["match"]


def unstage(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(delete(link_staged))


def trace(engine: Engine, words: str) -> Optional[dict]:
    """The stored cluster whose quotation or claim best matches these words, or None."""
    query = normalise(words)
    if not query:
        return None
    metadata.create_all(engine, tables=LINK_TABLES)
    with engine.connect() as connection:
        rows = connection.execute(
            select(link_attestations.c.cluster_id, link_attestations.c.text)
            .where(link_attestations.c.kind.in_(["quotation", "claim"]))
        ).all()
        if not rows:
            return None
        texts = [normalise(words) for _, words in rows]
        shortlist = process.extract(query, texts, scorer=fuzz.partial_ratio, limit=TRACE_SHORTLIST)
        scored = [(closeness(query, texts[i]), rows[i][0]) for _, _, i in shortlist]
        best_score, cluster_id = max(scored, default=(0, None))
        if best_score < LOOKUP_MIN_SCORE:
            return None
        return stored_cluster(connection, cluster_id)


def stored_conflicts(engine: Engine) -> list[dict]:
    """Every stored conflicting attribution and date, worst first."""
    metadata.create_all(engine, tables=LINK_TABLES)
    query = (
        select(link_conflicts.c.data, link_clusters.c.text)
        .join(link_clusters, link_clusters.c.id == link_conflicts.c.cluster_id)
        .order_by(link_conflicts.c.severity.desc(), link_conflicts.c.cluster_id)
    )
    with engine.connect() as connection:
        return [{**data, "text": words} for data, words in connection.execute(query)]


def cluster_ids_of(engine: Engine, document_ids: list[str]) -> dict[tuple[str, str], str]:
    """(document id, item id ("q3", "c1", "t2")) -> cluster id, for these documents."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(link_attestations.c.document_id, link_attestations.c.item_id, link_attestations.c.cluster_id)
            .where(link_attestations.c.document_id.in_(document_ids))
        ).all()
    return {(document_id, item_id): cluster_id for document_id, item_id, cluster_id in rows}


def attach_clusters(engine: Engine, documents: Iterable[Document]) -> Iterator[Document]:
    """The documents with each quote, claim and time carrying its cluster id, for exports;
    read a page of documents at a time."""
    metadata.create_all(engine, tables=LINK_TABLES)
    documents = iter(documents)
    while page := list(islice(documents, PAGE)):
        clusters = cluster_ids_of(engine, [document.id for document in page])
        for document in page:
            for quote in document.quotes:
                quote.cluster = clusters.get((document.id, quote.id))
            for claim in document.claims:
                claim.cluster = clusters.get((document.id, claim.id))
            for number, time in enumerate(document.times, 1):
                time.cluster = clusters.get((document.id, time_item_id(number)))
            yield document
