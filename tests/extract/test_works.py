"""Review headers as bibliographic records, and works named in the body."""
import json
import re
from pathlib import Path

import pytest

from historiograph.extract.works import header_works, parse_work_block
from historiograph.parse import parse_text


def fields(work):
    return {k: v for k, v in work.__dict__.items() if v and k not in ("reviewed", "mentions", "title")}


@pytest.mark.parametrize("lines, expected", [
    (["by Anna K. Petrova, translated from the German by Hans Vogel", "Northfield University Press, 240 pp., $14.95"],
     {"authors": ["Anna K. Petrova"], "translators": ["Hans Vogel"], "publisher": "Northfield University Press",
      "pages": 240, "price": "$14.95"}),
    (["by Mark Ellery and Jane Oduya", "Knopf, 320 pp., $12.95"],
     {"authors": ["Mark Ellery", "Jane Oduya"], "publisher": "Knopf", "pages": 320, "price": "$12.95"}),
    (["edited by Ruth Abelman, Carl Minsky, and Theo Park", "Yale University Press, 1979. 412 pp. $25.00"],
     {"editors": ["Ruth Abelman", "Carl Minsky", "Theo Park"], "publisher": "Yale University Press", "year": 1979,
      "pages": 412, "price": "$25.00"}),
    (["by Desmond Clery", "(Oxford: Clarendon Press, 1978), xii + 300 pp., £12.50"],
     {"authors": ["Desmond Clery"], "place": "Oxford", "publisher": "Clarendon Press", "year": 1978, "pages": 300,
      "price": "£12.50"}),
    (["by Lee Fong, with an introduction by Mary Grant", "New York: Knopf, 1979, 212 pages, $6.75 (paper)",
      "ISBN 0-394-50123-4"],
     {"authors": ["Lee Fong"], "introducers": ["Mary Grant"], "place": "New York", "publisher": "Knopf",
      "year": 1979, "pages": 212, "price": "$6.75", "binding": "paper", "isbn": "0-394-50123-4"}),
    (["edited and translated by Olga Brand", "Cambridge, Mass.: Harvard University Press, 1977, 500 pp., $20.00 (cloth)"],
     {"editors": ["Olga Brand"], "translators": ["Olga Brand"], "place": "Cambridge, Mass.",
      "publisher": "Harvard University Press", "year": 1977, "pages": 500, "price": "$20.00", "binding": "cloth"}),
    (["by Tom Hale Jr. and Ann Roe. Smith & Sons, 1981. 99 pp. £3.00"],
     {"authors": ["Tom Hale Jr.", "Ann Roe"], "publisher": "Smith & Sons", "year": 1981, "pages": 99, "price": "£3.00"}),
])
def test_house_styles(lines, expected):
    assert fields(parse_work_block("A Title", lines)) == expected


def test_the_second_by_names_an_interviewer_not_an_author():
    work = parse_work_block("Talking of Rivers", ["by Ivo Markan, by Clara Benn, translated by Peter Lund",
                                                  "Harrow Books, 147 pp., $10.95"])
    assert work.authors == ["Ivo Markan"]
    assert work.interviewers == ["Clara Benn"]
    assert work.translators == ["Peter Lund"]


def test_title_keeps_its_subtitle_and_loses_a_final_stop():
    assert parse_work_block("The Salt Roads: A History.", ["by Ann Roe"]).title == "The Salt Roads: A History"


def test_bad_header_input_does_not_crash():
    assert header_works({"reviewed": [{"title": "Lonely Title"}, {"lines": ["by Nobody"]}, "junk"]})[0].title == "Lonely Title"
    assert header_works(None) == []
    assert fields(parse_work_block("Empty", ["", "   "])) == {}


HEADER = {"title": "Rivers", "reviewed": [
    {"title": "The Long Retreat", "lines": ["by Anna K. Petrova", "Northfield University Press, 240 pp., $14.95"]}]}
BODY = ("Anna K. Petrova has written a sober book. Petrova's The Long Retreat follows the army south. "
        "Her colleague Jonas Weller is better known for his History of the Northern Canals, which "
        "appeared long ago. The Long Retreat is better.")


@pytest.fixture(scope="module")
def doc(nlp):
    return parse_text(nlp, BODY, date="1981-01-01", header=HEADER)


def test_header_work_gets_its_body_mentions(doc):
    reviewed = [w for w in doc._.works if w.reviewed]
    assert [w.title for w in reviewed] == ["The Long Retreat"]
    assert [m.text for m in reviewed[0].mentions] == ["The Long Retreat", "The Long Retreat"]
    assert all(BODY[m.start:m.end] == m.text for m in reviewed[0].mentions)


def test_body_work_is_linked_to_its_author(doc):
    named = [w for w in doc._.works if not w.reviewed]
    assert [(w.title, w.authors) for w in named] == [("History of the Northern Canals", ["Jonas Weller"])]


def test_his_stands_for_the_subject_of_the_sentence(nlp):
    text = ("Margaret Hollis wrote little. Daniel Crewe writes best when he turns to Hollis, as his earlier "
            "book Winter at the Mill showed.")
    doc = parse_text(nlp, text, date="1981-01-01")
    named = [w for w in doc._.works if not w.reviewed]
    assert [(w.title, w.authors) for w in named] == [("Winter at the Mill", ["Daniel Crewe"])]


def test_a_by_inside_prose_yields_no_names():
    work = parse_work_block("Streets", ["by Ilse Marten", "street by street, and translated them with tact."])
    assert work.authors == ["Ilse Marten"]


def test_a_date_can_be_a_title(nlp):
    text = "Paul Halloran wrote about the surrender. Halloran's book May 9, 1945, was banned for a decade."
    doc = parse_text(nlp, text, date="1981-01-01")
    named = [w for w in doc._.works if not w.reviewed]
    assert [(w.title, w.authors) for w in named] == [("May 9, 1945", ["Paul Halloran"])]
    assert [t.in_title for t in doc._.times if t.text == "May 9, 1945"] == [True]


GOLD = Path(__file__).resolve().parents[2] / "gold" / "works"


def gold_headers():
    """Each reviewed work of the gold texts, with its block split off by blank lines."""
    for split in ("dev", "test"):
        yield from _split_headers(GOLD / split)


def _split_headers(directory):
    for line in map(json.loads, (directory / "gold.jsonl").read_text().splitlines()):
        text = (directory / line["file"]).read_text()
        blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
        head = blocks[1:next(i for i, b in enumerate(blocks) if len(b) >= 200)]
        records = [g for g in line["works"] if g.get("reviewed", True)]
        for (title, lines), gold in zip(zip(head[::2], head[1::2]), records):
            yield pytest.param(title, lines.split("\n"), gold, id=title[:30])


@pytest.mark.parametrize("title, lines, gold", list(gold_headers()))
def test_gold_headers_parse_field_for_field(title, lines, gold):
    work = parse_work_block(title, lines)
    assert {name: getattr(work, name) for name in gold} == gold


CANAL_HEADER = {"title": "Canals", "reviewed": [
    {"title": "The Northern Canals", "lines": ["by Jonas A. Weller", "Harrow Books, 240 pp., $14.95"]},
    {"title": "Letters from the Locks", "lines": ["by Jonas A. Weller", "Harrow Books, 140 pp., $9.95"]},
    {"title": "The Quiet Towpath", "lines": ["by Edith Lowe", "Fenwick Press, 300 pp., $20.00"]}]}
CANAL_BODY = ("Edith Lowe is a patient writer, and her admirable new study deserves readers. "
              "Jonas Weller, in his disappointing study of the northern canals, says little about the locks. "
              "Weller's latest book on the lock-keepers' letters is better. His controversial new book "
              "June 22, 1941, was banned. Weller admires Crane's History of the Salt Roads, which Martin "
              "Crane wrote in 1950. Edith Lowe's new book is short.")


@pytest.fixture(scope="module")
def canal_doc(nlp):
    return parse_text(nlp, CANAL_BODY, date="1981-01-01", header=CANAL_HEADER)


def test_a_possessive_work_without_title_is_the_owners_reviewed_work(canal_doc):
    mentions = {w.title: [m.text for m in w.mentions] for w in canal_doc._.works if w.reviewed}
    assert mentions["The Quiet Towpath"] == ["her admirable new study", "Lowe's new book"]


def test_among_several_works_of_one_author_the_subject_words_choose(canal_doc):
    mentions = {w.title: [m.text for m in w.mentions] for w in canal_doc._.works if w.reviewed}
    assert mentions["The Northern Canals"] == ["his disappointing study"]
    assert mentions["Letters from the Locks"] == ["Weller's latest book"]


def test_a_dated_title_after_adjectives_and_a_history_with_the_fullest_name(canal_doc):
    named = {w.title: w.authors for w in canal_doc._.works if not w.reviewed}
    assert named == {"June 22, 1941": ["Jonas A. Weller"], "History of the Salt Roads": ["Martin Crane"]}


def test_a_kind_of_work_with_no_reviewed_work_of_that_author_links_nothing(nlp):
    doc = parse_text(nlp, "Martin Crane wrote much. His latest book on the salt roads is long.",
                     date="1981-01-01", header=CANAL_HEADER)
    assert all(m.text != "His latest book" for w in doc._.works for m in w.mentions)


def test_whose_stands_for_the_name_before_it(nlp):
    text = "Tobiah Renn, whose admirable earlier book November 3, 1791, told of one storm, writes here of floods."
    doc = parse_text(nlp, text, date="1986-01-01")
    assert [(w.title, w.authors) for w in doc._.works if not w.reviewed] == [("November 3, 1791", ["Tobiah Renn"])]


def test_whose_is_the_name_just_before_it_not_the_subject(nlp):
    text = ("Martin Okafor, in his introduction, quotes the first manager, Elias Pardoe Whitcombe, whose "
            "Chronicle of the Copper Works is still read.")
    doc = parse_text(nlp, text, date="1984-01-01")
    named = [(w.title, w.authors) for w in doc._.works if not w.reviewed]
    assert named == [("Chronicle of the Copper Works", ["Elias Pardoe Whitcombe"])]


def test_for_writing_a_title_the_clause_subject_is_the_author(nlp):
    text = "Anna Petrova taught in Kiev. She was dismissed in 1970 for writing The Quiet Archive, and she left."
    doc = parse_text(nlp, text, date="1981-01-01")
    assert [(w.title, w.authors) for w in doc._.works if not w.reviewed] == [("The Quiet Archive", ["Anna Petrova"])]
