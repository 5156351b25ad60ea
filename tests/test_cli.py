import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from historiograph.cli import cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

from .corpus import OTHER_ESSAY, PARAGRAPHS, cut_copy_with_header, whole_copy_with_residue


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "scraped").mkdir(parents=True)
    (root / "scraped" / "cut.txt").write_text(cut_copy_with_header(), encoding="utf-8")
    (root / "scraped" / "whole.txt").write_text(whole_copy_with_residue(), encoding="utf-8")
    (root / "other.md").write_text(OTHER_ESSAY, encoding="utf-8")
    return root


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def table_count(db, table):
    with sqlite3.connect(db) as connection:
        return connection.execute(f"select count(*) from {table}").fetchone()[0]


def test_run_writes_database_and_jsonl(corpus, tmp_path):
    out = tmp_path / "out"
    result = invoke("run", corpus, "--out", out)
    assert result.exit_code == 0, result.output
    assert "copies merged" in result.stdout
    documents = read_jsonl(out / "documents.jsonl")
    assert len(documents) == 2
    essay = next(d for d in documents if d["title"] == "The Archivist's Revenge")
    assert essay["text"] == "\n\n".join(PARAGRAPHS)
    assert essay["date"] == "1979-03-08"
    assert sorted(s["path"].rsplit("/", 1)[-1] for s in essay["sources"]) == ["cut.txt", "whole.txt"]
    for key in ("id", "provenance", "header", "entities", "quotes", "times", "works", "claims"):
        assert key in essay
    assert table_count(out / "historiograph.db", "documents") == 2


def test_running_twice_is_idempotent(corpus, tmp_path):
    out = tmp_path / "out"
    invoke("run", corpus, "--out", out)
    first = {t: table_count(out / "historiograph.db", t) for t in ("documents", "sources", "provenance", "quotes")}
    invoke("run", corpus, "--out", out)
    second = {t: table_count(out / "historiograph.db", t) for t in first}
    assert first == second and first["documents"] == 2 and first["sources"] == 3


def test_export_reproduces_the_run_jsonl(tmp_path):
    out = tmp_path / "out"
    invoke("run", EXAMPLES, "--out", out)
    exported = tmp_path / "export.jsonl"
    result = invoke("export", "--db", f"sqlite:///{out / 'historiograph.db'}", "--format", "jsonl", "-o", exported)
    assert result.exit_code == 0, result.output
    written = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(exported.read_text(encoding="utf-8").splitlines()) == sorted(written)  # byte for byte
    # entities in the order run numbered them, "e2" before "e10", from the store too
    assert max(len(d["entities"]) for d in read_jsonl(exported)) >= 10


def test_date_option_overrides_publication_date(corpus, tmp_path):
    out = tmp_path / "out"
    invoke("run", corpus, "--out", out, "--date", "1962-03-15")
    assert {d["date"] for d in read_jsonl(out / "documents.jsonl")} == {"1962-03-15"}


def test_bad_files_are_reported_and_the_rest_processed(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (corpus / "broken.html").write_bytes(b"<html><body><div><p>unclosed <b>tags")
    out = tmp_path / "out"
    result = invoke("run", corpus, tmp_path / "missing.txt", "--out", out)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("historiograph: error:")]
    assert any("empty.txt: empty file" in line for line in errors)
    assert any("binary.txt: binary" in line for line in errors)
    assert any("missing.txt: no such file" in line for line in errors)
    assert "Traceback" not in result.stderr
    assert len(read_jsonl(out / "documents.jsonl")) >= 2  # the good files made it


def test_bad_date_and_bad_database_are_one_line_errors(corpus, tmp_path):
    result = invoke("run", corpus, "--out", tmp_path / "o", "--date", "March 1962")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.stderr
    result = invoke("export", "--db", "nosuchdriver://x")
    assert result.exit_code == 1 and "cannot open database" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("dask", [[], ["--dask"]], ids=["one process", "dask"])
def test_unknown_model_is_a_clear_error_before_the_corpus_is_read(corpus, tmp_path, dask):
    result = invoke("run", corpus, "--out", tmp_path / "o", "--model", "xx_no_such_pipeline", *dask)
    assert result.exit_code == 1 and "'xx_no_such_pipeline' is not installed" in result.stderr
    assert "Traceback" not in result.stderr
    assert table_count(tmp_path / "o" / "historiograph.db", "sources") == 0


def test_a_line_quoted_in_two_documents_shares_a_cluster_in_the_jsonl(tmp_path):
    line = "A harbour is a promise the sea keeps only in summer"
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "one.txt").write_text(
        f"Harbours\n\n“{line},” said the pilot Amos Trell in 1902, when the new mole was opened to the fleet.\n")
    (tmp_path / "c" / "two.txt").write_text(
        f"Quotations of the Coast\n\nThe admiral Lord Fenwick is often credited with saying “{line},” though no source is given.\n")
    out = tmp_path / "out"
    assert invoke("run", tmp_path / "c", "--out", out).exit_code == 0
    clusters = [q["cluster"] for d in read_jsonl(out / "documents.jsonl") for q in d["quotes"] if line in q["text"]]
    assert len(clusters) == 2 and clusters[0] == clusters[1] and clusters[0]
    result = invoke("conflicts", "--db", f"sqlite:///{out / 'historiograph.db'}")
    assert result.exit_code == 0 and "Trell" in result.stdout
