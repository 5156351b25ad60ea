"""`historiograph trace` and `historiograph conflicts` against a real SQLite file."""
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from historiograph.cli import cli
from historiograph.model import Document, Quote, TimeExpr
from historiograph.store import Store, sqlite_url
from historiograph.store.links import link_attestations, link_clusters, link_new_documents, load_index, stored_cluster

from .store.conftest import postgres_server, postgres_url  # noqa: F401  (the throwaway cluster)

LINE = "The tide keeps better time than any clock in the harbour office"


def quoting(doc_id, date, words, speaker, event=None):
    text = f"In a talk at the quay, {speaker} said, “{words}.”"
    doc = Document(id=doc_id, text=text, date=date, sources=[{"path": f"{doc_id}.txt", "sha256": doc_id}])
    start = text.index(words)
    doc.quotes.append(Quote(id="q1", text=words, start=start, end=start + len(words), kind="quotation",
                            speaker_name=speaker))
    if event:
        phrase, value = event
        doc.text += f" {phrase}."
        start = doc.text.index(value)
        doc.times.append(TimeExpr(text=value, start=start, end=start + len(value), value=value))
    return doc


FIRST_BATCH = [
    quoting("harbour1", "1962-04-01", LINE, "Agathe Morrow", ("The pier at Saltby was rebuilt in 1911", "1911")),
    quoting("harbour2", "1980-06-12", "The tide keeps better time than any clock", "Agathe Morrow",
            ("The pier at Saltby was rebuilt in 1911", "1911")),
]
SECOND_BATCH = [
    quoting("harbour3", "2011-01-05", LINE, "Rupert Calloway-Finch", ("The pier at Saltby was rebuilt in 1919", "1919")),
    quoting("harbour4", "1999-09-09", "Gulls are the only honest auditors", "Nell Daws"),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path):
    url = sqlite_url(tmp_path / "historiograph.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    store = Store(url)
    for document in FIRST_BATCH:
        store.save(document)
    link_new_documents(store.engine, FIRST_BATCH)
    for document in SECOND_BATCH:
        store.save(document)
    link_new_documents(store.engine, SECOND_BATCH)  # incremental: a second run on the same database
    yield url, store
    store.close()


def test_trace_prints_the_cluster_earliest_conflicts_and_drift(db):
    url, _ = db
    result = CliRunner().invoke(cli, ["trace", "better time than any clock", "--db", url])
    assert result.exit_code == 0, result.output
    assert "harbour1" in result.output and "harbour3" in result.output and "harbour4" not in result.output
    assert "earliest: harbour1 (1962-04-01), Agathe Morrow" in result.output
    assert "conflicting attribution: Agathe Morrow (2); Rupert Calloway-Finch (1)" in result.output
    assert "drift in harbour2#q1" in result.output


def test_trace_json_is_the_stored_cluster(db):
    url, _ = db
    result = CliRunner().invoke(cli, ["trace", LINE, "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    cluster = json.loads(result.output)
    assert cluster["earliest"] == "harbour1#q1"
    assert [a["document_id"] for a in cluster["attestations"]] == ["harbour1", "harbour2", "harbour3"]
    assert [a["match"] for a in cluster["attestations"]] == ["earliest", "fragment", "exact"]
    assert cluster["conflicts"][0]["kind"] == "attribution"


def test_a_stored_cluster_row_is_a_summary_its_members_are_rows(db):
    _, store = db
    with store.engine.connect() as connection:
        row = connection.execute(select(link_clusters).where(link_clusters.c.earliest == "harbour1#q1")).mappings().one()
    data = row["data"] if isinstance(row["data"], dict) else json.loads(row["data"])
    assert row["size"] == data["size"] == 3 and data["text"] == LINE
    assert "attestations" not in data  # a much-quoted line is one small row, however often it is quoted
    assert [v["count"] for v in data["conflicts"][0]["values"]] == [2, 1]


@pytest.mark.parametrize("shown", [1, 3, 10, 20])
def test_a_cluster_shown_in_part_is_the_whole_cluster_cut_short(db, shown):
    """The web page's view (the earliest few rows read, the stored summary's size and conflicts)
    is what summarising every member and keeping the earliest few gives: here ten quotations
    linked latest first, two of them on one day, two speakers, two wordings."""
    _, store = db
    later = [quoting(f"tide{n}", f"19{50 + n // 2}-01-01", LINE if n % 2 else LINE + " on the quay",
                     "Agathe Morrow" if n < 5 else "Rupert Calloway-Finch") for n in range(9, -1, -1)]
    for document in later:
        store.save(document)
    link_new_documents(store.engine, later)
    with store.engine.connect() as connection:
        cluster_id = connection.execute(
            select(link_clusters.c.id).where(link_clusters.c.earliest == "tide0#q1")).scalar_one()
        whole, part = stored_cluster(connection, cluster_id), stored_cluster(connection, cluster_id, shown)
    kept = whole["attestations"][:shown]
    keys = {row["key"] for row in kept}
    assert whole["size"] == 13 and whole["conflicts"] and whole["drift"]
    assert part == {**whole, "attestations": kept, "drift": [d for d in whole["drift"] if d["attestation"] in keys]}
    assert [row["document_id"] for row in kept][:4] == ["tide0", "tide1", "tide2", "tide3"][:shown]


def test_trace_without_a_match_fails_with_one_line(db):
    url, _ = db
    result = CliRunner().invoke(cli, ["trace", "words nobody ever wrote down anywhere", "--db", url])
    assert result.exit_code == 1
    assert result.output.strip().startswith("historiograph: error: no stored quotation")


def test_conflicts_lists_attributions_and_dates_worst_first(db):
    url, _ = db
    result = CliRunner().invoke(cli, ["conflicts", "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.output.splitlines()]
    assert [c["kind"] for c in found] == ["attribution", "date"] or [c["kind"] for c in found] == ["date", "attribution"]
    assert found[0]["severity"] >= found[1]["severity"]
    date = next(c for c in found if c["kind"] == "date")
    assert [v["value"] for v in date["values"]] == ["1911", "1919"]
    table = CliRunner().invoke(cli, ["conflicts", "--db", url])
    assert table.exit_code == 0 and "2 conflicts, worst first" in table.output


def test_conflicts_on_an_empty_database(tmp_path):
    result = CliRunner().invoke(cli, ["conflicts", "--db", sqlite_url(tmp_path / "empty.db")])
    assert result.exit_code == 0 and "0 conflicts" in result.output


def test_stored_index_is_rebuilt_from_signatures_and_keeps_cluster_ids(db):
    url, store = db
    index = load_index(store.engine)
    assert len(index) == 7  # 4 quotations, 3 dated events
    ids = index.cluster_ids()
    assert ids["harbour1#q1"] == ids["harbour2#q1"] == ids["harbour3#q1"] != ids["harbour4#q1"]
    assert ids["harbour1#t1"] == ids["harbour3#t1"]
    assert index.attestations.signatures(0) and index.lookup("any clock in the harbour office") is not None
    link_new_documents(store.engine, FIRST_BATCH)  # linking again adds nothing
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(link_attestations)).scalar_one() == 7
