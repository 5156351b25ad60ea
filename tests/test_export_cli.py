import json

import bibtexparser
import pytest
import rispy
from click.testing import CliRunner
from lxml import etree

from historiograph.cli import cli

from .corpus import OTHER_ESSAY, cut_copy_with_header, whole_copy_with_residue


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    (root / "cut.txt").write_text(cut_copy_with_header(), encoding="utf-8")
    (root / "whole.txt").write_text(whole_copy_with_residue(), encoding="utf-8")
    (root / "other.txt").write_text(OTHER_ESSAY, encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(cli, ["run", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return f"sqlite:///{out / 'historiograph.db'}"


def export(database, *args):
    result = CliRunner().invoke(cli, ["export", "--db", database, *map(str, args)])
    assert result.exit_code == 0, result.stderr
    return result


def test_bibliographic_formats_have_one_entry_per_reviewed_work(database, tmp_path):
    export(database, "--format", "bibtex", "-o", tmp_path / "w.bib")
    entries = bibtexparser.loads((tmp_path / "w.bib").read_text(encoding="utf-8")).entries
    titles = {e["title"] for e in entries}
    assert {"The Salt Roads", "Ledgers of the Northern Fleet"} <= titles
    assert len(titles) == len(entries)
    export(database, "--format", "ris", "-o", tmp_path / "w.ris")
    records = rispy.loads((tmp_path / "w.ris").read_text(encoding="utf-8"))
    assert len(records) == len(entries)
    result = export(database, "--format", "csl-json")
    assert {item["title"] for item in json.loads(result.stdout)} == titles


def test_tei_writes_one_wellformed_file_per_document(database, tmp_path):
    export(database, "--format", "tei", "-o", tmp_path / "tei")
    files = sorted((tmp_path / "tei").glob("*.xml"))
    assert len(files) == 2
    for path in files:
        assert etree.parse(str(path)).getroot().tag.endswith("TEI")


def test_wadm_is_one_collection_per_document(database):
    result = export(database, "--format", "wadm")
    collections = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(collections) == 2
    assert all(c["type"] == "AnnotationCollection" for c in collections)


def test_unknown_format_is_refused(database):
    result = CliRunner().invoke(cli, ["export", "--db", database, "--format", "docx"])
    assert result.exit_code == 2 and "docx" in result.stderr
