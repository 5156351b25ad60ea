"""BibTeX, CSL-JSON and RIS read back by real parsers with the fields written."""
import json
import re
from importlib import resources

import bibtexparser
import jsonschema
import pytest
import rispy

from historiograph.export.biblio import FORMATS, csl_name, work_keys, write_bibtex, write_csl_json, write_ris
from historiograph.model import Work

WORKS = [
    Work(title="The Long Retreat", authors=["Anna K. Petrova"], translators=["Hans Vogel"],
         publisher="Northfield University Press", place="Northfield", year=1979, pages=240,
         price="$14.95", binding="paper", isbn="0-394-50123-4"),
    Work(title="A Ledger of Winters", authors=["Mark Ellery", "Jane Oduya"], publisher="Smith & Sons",
         year=1981, pages=320, price="£12.50"),
    Work(title="Talking of Rivers", authors=["Ivo Markan"], interviewers=["Clara Benn"],
         editors=["Ellen de Groot"], introducers=["Mary Grant"], publisher="Harrow Books"),
    Work(title="Letters from the Coast", authors=["Tom Hale Jr."], reviewed=False),
]


def unescape_latex(text: str) -> str:
    return re.sub(r"\\([&%$#_{}])", r"\1", text)


def test_keys_are_stable_and_unique():
    keys = work_keys(WORKS)
    assert keys == ["petrova1979long", "ellery1981ledger", "markantalking", "haleletters"]
    twins = [Work(title="Field Notes", authors=["Ann Roe"], year=1980)] * 2
    assert work_keys(twins) == ["roe1980fielda", "roe1980fieldb"]
    assert work_keys(WORKS) == keys


def test_bibtexparser_reads_back_the_same_fields():
    entries = bibtexparser.loads(write_bibtex(WORKS)).entries
    assert [e["ID"] for e in entries] == work_keys(WORKS)
    first = {k: unescape_latex(v) for k, v in entries[0].items()}
    assert first["title"] == "The Long Retreat"
    assert first["author"] == "Anna K. Petrova"
    assert first["translator"] == "Hans Vogel"
    assert first["publisher"] == "Northfield University Press"
    assert first["address"] == "Northfield"
    assert (first["year"], first["pagetotal"]) == ("1979", "240")
    assert (first["price"], first["binding"], first["isbn"]) == ("$14.95", "paper", "0-394-50123-4")
    second = {k: unescape_latex(v) for k, v in entries[1].items()}
    assert second["author"] == "Mark Ellery and Jane Oduya"
    assert second["publisher"] == "Smith & Sons"
    assert entries[2]["note"] == "Interviewer: Clara Benn; Introduction: Mary Grant"
    assert entries[3]["ENTRYTYPE"] == "book" and "year" not in entries[3]


def test_csl_json_validates_against_the_shipped_schema():
    schema = json.loads(resources.files("historiograph").joinpath("schemas/csl-data.json").read_text())
    items = json.loads(write_csl_json(WORKS))
    jsonschema.validate(items, schema)
    assert items[0]["author"] == [{"family": "Petrova", "given": "Anna K."}]
    assert items[0]["issued"] == {"date-parts": [[1979]]}
    assert items[0]["number-of-pages"] == "240"
    assert items[0]["note"] == "Price: $14.95"
    assert items[2]["interviewer"] == [{"family": "Benn", "given": "Clara"}]
    assert items[2]["note"] == "Introduction: Mary Grant"


def test_schema_rejects_what_csl_does_not_know():
    schema = json.loads(resources.files("historiograph").joinpath("schemas/csl-data.json").read_text())
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{"id": "x", "type": "book", "price": "$1"}], schema)


@pytest.mark.parametrize("name, expected", [
    ("Ellen de Groot", {"family": "Groot", "given": "Ellen", "non-dropping-particle": "de"}),
    ("Tom Hale Jr.", {"family": "Hale", "given": "Tom", "suffix": "Jr."}),
    ("Plato", {"literal": "Plato"}),
])
def test_csl_names(name, expected):
    assert csl_name(name) == expected


def test_rispy_reads_back_the_same_fields():
    records = rispy.loads(write_ris(WORKS))
    assert len(records) == 4
    first = records[0]
    assert first["type_of_reference"] == "BOOK"
    assert first["id"] == "petrova1979long"
    assert first["title"] == "The Long Retreat"
    assert first["authors"] == ["Anna K. Petrova"]
    assert first["subsidiary_authors"] == ["Hans Vogel"]
    assert (first["publisher"], first["place_published"], first["year"]) == (
        "Northfield University Press", "Northfield", "1979")
    assert (first["start_page"], first["issn"], first["custom1"], first["type_of_work"]) == (
        "240", "0-394-50123-4", "$14.95", "paper")
    assert records[1]["authors"] == ["Mark Ellery", "Jane Oduya"]
    assert records[2]["secondary_authors"] == ["Ellen de Groot"]
    assert records[2]["notes"] == ["Interviewer: Clara Benn", "Introduction: Mary Grant"]


def test_formats_and_empty_input():
    assert set(FORMATS) == {"bibtex", "csl-json", "ris"}
    assert write_bibtex([]) == "" and write_ris([]) == ""
    assert json.loads(write_csl_json([])) == []


def test_keys_skip_leading_prepositions():
    works = [Work(title="On Exile", authors=["Ann Roe"]), Work(title="On Memory", authors=["Ann Roe"])]
    assert work_keys(works) == ["roeexile", "roememory"]
