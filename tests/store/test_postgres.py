"""`--db postgresql+psycopg://…` gives what SQLite gives, and two runs may write into one
PostgreSQL database at the same time."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from historiograph.cli import cli
from historiograph.store import Store

from ..corpus import OTHER_ESSAY, cut_copy_with_header, whole_copy_with_residue

# Short essays written for these tests, one per file of the second corpus.
LIGHTHOUSE_ESSAYS = {
    "keepers.txt": "The Keepers of Orlan Point\n\n“We logged every ship that passed,” said Ida Fernholm, who kept the "
    "light at Orlan Point from 1931 to 1952. Her logbooks, now edited by Colm Deverill, are the spine of his new "
    "history of the lighthouse service.\n\nDeverill argues that the service was the first branch of government to "
    "employ women on equal pay, a claim his sources support only for the years after 1940.\n",
    "fog.txt": "A Century of Fog Signals\n\nThe fog horn at Strand Reach sounded for 1,400 hours in the winter of 1909, "
    "according to the harbour board's annual report. Petra Almqvist's short study of fog signals reads these reports "
    "with care.\n\nAlmqvist is less convincing when she writes that the horns were “hated by every fisherman on the "
    "coast”; she quotes one letter to a newspaper and nothing more.\n",
}

# Given to both runs at once: its rows must be written once.
CANAL_ESSAY = ("The Last Lock Keeper\n\nWhen the Hallem canal closed in 1967, its last lock keeper, Aurel Szabo, "
               "kept the gates greased for another decade, “in case the barges came back,” he told a local paper.\n")


def write(root: Path, files: dict) -> Path:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def essays(tmp_path):
    return write(tmp_path / "essays", {"cut.txt": cut_copy_with_header(), "whole.txt": whole_copy_with_residue(),
                                       "other.txt": OTHER_ESSAY})


@pytest.fixture
def lighthouses(tmp_path):
    return write(tmp_path / "lighthouses", LIGHTHOUSE_ESSAYS)


def exported(url: str) -> dict:
    result = CliRunner().invoke(cli, ["export", "--db", url])
    assert result.exit_code == 0, result.output
    return {d["id"]: d for d in map(json.loads, result.stdout.splitlines())}


def test_run_and_export_on_postgresql_equal_sqlite(essays, tmp_path, postgres_url):
    sqlite_url = f"sqlite:///{tmp_path / 'lite' / 'historiograph.db'}"
    for out, url in ((tmp_path / "lite", sqlite_url), (tmp_path / "pg", postgres_url)):
        result = CliRunner().invoke(cli, ["run", str(essays), "--out", str(out), "--db", url])
        assert result.exit_code == 0, result.output
    on_postgres = exported(postgres_url)
    assert len(on_postgres) == 2
    assert on_postgres == exported(sqlite_url)
    store = Store(postgres_url)
    assert store.counts() == Store(sqlite_url).counts()
    store.close()


def test_two_runs_at_once_lose_nothing_and_duplicate_nothing(essays, lighthouses, tmp_path, postgres_url):
    shared = write(tmp_path / "shared", {"canal.txt": CANAL_ESSAY})
    runs = [
        subprocess.Popen([sys.executable, "-m", "historiograph.cli", "run", str(corpus), str(shared),
                          "--out", str(tmp_path / f"out{n}"), "--db", postgres_url],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for n, corpus in enumerate((essays, lighthouses))
    ]
    for process in runs:
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors.decode()
    written = {}
    for n in range(2):
        for line in (tmp_path / f"out{n}" / "documents.jsonl").read_text(encoding="utf-8").splitlines():
            document = json.loads(line)
            written[document["id"]] = document
    stored = exported(postgres_url)
    assert stored == written
    assert len(stored) == 5  # the essay (two copies), the other essay, two on lighthouses, the canal (in both)
    counts = Store(postgres_url).counts()
    assert counts["documents"] == 5
    assert counts["sources"] == 6  # the shared file once


def test_dask_run_on_postgresql_writes_what_a_single_process_run_writes(tmp_path, postgres_url):
    corpus = write(tmp_path / "both", {**LIGHTHOUSE_ESSAYS, "cut.txt": cut_copy_with_header(),
                                       "whole.txt": whole_copy_with_residue(), "other.txt": OTHER_ESSAY})
    single = tmp_path / "single"
    assert CliRunner().invoke(cli, ["run", str(corpus), "--out", str(single)]).exit_code == 0
    result = CliRunner().invoke(cli, ["run", str(corpus), "--out", str(tmp_path / "dask"), "--db", postgres_url,
                                      "--dask"])
    assert result.exit_code == 0, result.output
    written = (tmp_path / "dask" / "documents.jsonl").read_text(encoding="utf-8")
    assert written == (single / "documents.jsonl").read_text(encoding="utf-8")  # clusters numbered alike
    assert exported(postgres_url) == exported(f"sqlite:///{single / 'historiograph.db'}")
