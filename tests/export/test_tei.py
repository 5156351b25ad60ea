"""TEI export: well-formed, valid against the shipped RELAX NG, pointers resolve, text kept."""
from functools import partial
import re
from pathlib import Path

import pytest
from lxml import etree

from historiograph import model
from historiograph.export.tei import document_to_tei, edtf_bounds, write_tei

from tests.export.spans import mention_at, span_at

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SCHEMA = Path(__file__).parents[2] / "historiograph" / "schemas" / "tei-subset.rng"
# The paragraph rule as the module docstring states it: stretches between blank lines, stripped.
BLANK_LINE = re.compile(r"\n\s*\n")

TEXT = (
    "  Orla Fenwick's new history, The Salt Roads, is a patient book.\n"
    "\n"
    "\"We never counted the barges,\" Ivo Maddern told a reporter in Hullbridge, and the\n"
    "Tidewater Board kept no ledger between 1954/1958 either.\n"
    "   \n"
    "\n"
    "Fenwick calls it a \"quiet revolution\" & says the <script>alert(1)</script> of\n"
    "Dutch traders began in the summer of 1961 (1961-22) or in the 194X years. \"The\n"
    "river remembers,\" she writes. Somebody once wrote \"all tides turn\".\n"
    "\n"
    "Her chapter \"Ledgers of Brine\" argues against Maddern, citing the port rolls of\n"
    "4 March 1958.\n"
)


at = partial(span_at, TEXT)
mention = partial(mention_at, TEXT)


def review() -> model.Document:
    """A review with every kind of annotation, crossing spans included."""
    claim_one = at("Fenwick calls it a \"quiet revolution\" & says")
    claim_two = at("river remembers,\" she writes. Somebody")  # starts inside a quotation
    claim_three = at("either.\n   \n\nFenwick")  # crosses a paragraph break
    return model.Document(
        id="salt-roads review",
        text=TEXT,
        title="Tides and Tallies",
        date="1981-02-14",
        author="Petra Lisle",
        sources=[{"path": "a/review.txt", "sha256": "aa11"}, {"path": "b/review.html", "sha256": "bb22"}],
        provenance=[model.Provenance(0, 200, "a/review.txt", 5, 205),
                    model.Provenance(200, len(TEXT), "b/review.html", 310, 310 + len(TEXT) - 200)],
        entities=[
            model.Entity("e1", "PERSON", "Orla Fenwick", ["Fenwick"],
                         [mention("Orla Fenwick"), mention("Fenwick", 2)], "f"),
            model.Entity("e2", "PERSON", "Ivo Maddern", ["Maddern"],
                         [mention("Ivo Maddern"), mention("Maddern", 2)]),
            model.Entity("e3", "GPE", "Hullbridge", [], [mention("Hullbridge")]),
            model.Entity("e4", "ORG", "Tidewater Board", [], [mention("Tidewater Board")]),
            model.Entity("e5", "NORP", "Dutch", [], [mention("Dutch")]),
            model.Entity("e6", "WORK_OF_ART", "Ledgers of Brine", [], [mention("Ledgers of Brine")]),
        ],
        quotes=[
            model.Quote("q1", "We never counted the barges,", *at("\"We never counted the barges,\""),
                        "quotation", "e2", "Ivo Maddern", speaker_reason="told"),
            model.Quote("q2", "quiet revolution", *at("\"quiet revolution\""), "scare"),
            model.Quote("q3", "The\nriver remembers,", *at("\"The\nriver remembers,\""),
                        "quotation", "e1", "Orla Fenwick", speaker_reason="writes"),
            model.Quote("q4", "all tides turn", *at("\"all tides turn\""), "quotation", None, None,
                        speaker_reason="no cue", unbalanced=True),
            model.Quote("q5", "Ledgers of Brine", *at("\"Ledgers of Brine\""), "title"),
        ],
        times=[
            model.TimeExpr("1954/1958", *at("1954/1958"), "1954/1958"),
            model.TimeExpr("summer of 1961", *at("summer of 1961"), "1961-22"),
            model.TimeExpr("194X", *at("194X"), "194X"),
            model.TimeExpr("4 March 1958", *at("4 March 1958"), "1958-03-04"),
        ],
        works=[
            model.Work("The Salt Roads", ["Orla Fenwick"], translators=["Jun Abara"],
                       publisher="Gullwing Press", place="Norwich", year=1980, pages=342,
                       price="£14.50", binding="cloth", isbn="0-000-00000-0",
                       mentions=[mention("The Salt Roads")]),
            model.Work("Port Rolls of the Estuary", reviewed=False,
                       mentions=[mention("port rolls")]),
        ],
        claims=[
            model.Claim("c1", "", *claim_one, holder="e1", holder_name="Orla Fenwick",
                        stance="agrees", evidence={"text": "4 March 1958", "start": at("4 March 1958")[0],
                                                   "end": at("4 March 1958")[1]}, quotes=["q2"]),
            model.Claim("c2", "", *claim_two, holder=None, holder_name="Somebody",
                        stance="neutral", evidence={"none_cited": True}, quotes=["q3", "q-missing"]),
            model.Claim("c3", "", *claim_three, holder="e2", stance="disagrees"),
        ],
    )


@pytest.fixture(scope="module")
def schema():
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


@pytest.fixture(scope="module")
def document():
    return review()


@pytest.fixture(scope="module")
def xml(document):
    return document_to_tei(document)


@pytest.fixture(scope="module")
def tree(xml):
    return etree.fromstring(xml.encode("utf-8"))


def body_of(tree):
    return tree.find("tei:text/tei:body", NS)


def pointers(value: str) -> list[str]:
    """The ids a pointer attribute names: "#a #b" or "#range(a,b)"."""
    ranged = re.fullmatch(r"#range\(([^,]+),([^)]+)\)", value)
    if ranged:
        return list(ranged.groups())
    return [part[1:] for part in value.split() if part.startswith("#")]


def anchor_offsets(body) -> dict[str, int]:
    """Where each anchor stands in the string value of the body."""
    offsets, position = {}, 0
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            if element.tag == f"{{{NS['tei']}}}anchor":
                offsets[element.get(XML_ID)] = position
            position += len(element.text or "")
        elif element is not body:
            position += len(element.tail or "")
    return offsets


def test_is_well_formed_and_declares_tei(xml, tree):
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert tree.tag == "{http://www.tei-c.org/ns/1.0}TEI"


def test_validates_against_the_shipped_relax_ng(schema, tree):
    assert schema.validate(tree), schema.error_log


def test_every_pointer_resolves_to_an_xml_id(tree):
    ids = {element.get(XML_ID) for element in tree.iter() if element.get(XML_ID)}
    checked = 0
    for element in tree.iter():
        for name in ("who", "ref", "target", "datingMethod"):
            value = element.get(name)
            if value and value.startswith("#"):
                for target in pointers(value):
                    assert target in ids, f"{name}={value} on {element.tag}"
                    checked += 1
    assert checked > 20


def test_body_string_is_the_document_text(document, tree):
    assert body_of(tree).xpath("string()") == document.text


def test_paragraphs_are_the_stretches_between_blank_lines(document, tree):
    paragraphs = [p.xpath("string()") for p in body_of(tree).findall("tei:p", NS)]
    expected = [piece.strip() for piece in BLANK_LINE.split(document.text) if piece.strip()]
    assert paragraphs == expected
    assert len(paragraphs) == 4


def test_markup_characters_in_the_text_are_escaped(xml, tree):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    assert "&amp; says" in xml
    assert not list(tree.iter("script", "{http://www.tei-c.org/ns/1.0}script"))


def test_quotation_elements_follow_kind_and_speaker(tree):
    by_id = {element.get(XML_ID): element for element in tree.iter() if element.get(XML_ID)}
    said, scare, ascribed, unknown, title = (by_id[q] for q in ("q1", "q2", "q3", "q4", "q5"))
    assert (said.tag.split("}")[1], said.get("who")) == ("said", "#e2")
    assert (scare.tag.split("}")[1], scare.get("type")) == ("q", "scare")
    assert (ascribed.tag.split("}")[1], ascribed.get("type"), ascribed.get("who")) == ("q", "quotation", "#e1")
    assert (unknown.tag.split("}")[1], unknown.get("cert")) == ("quote", "low")
    assert (title.tag.split("}")[1], title.get("type")) == ("q", "title")
    assert said.xpath("string()") == "\"We never counted the barges,\""


def test_entity_mentions_point_at_their_header_entries(document, tree):
    refs = [element.get("ref") for element in tree.iter() if element.get("ref")]
    assert refs.count("#e1") == 2 + 1  # two mentions and the claim holder
    person = tree.xpath("//tei:listPerson/tei:person[@xml:id='e1']", namespaces=NS)[0]
    assert [n.text for n in person.findall("tei:persName", NS)] == ["Orla Fenwick", "Fenwick"]
    assert person.find("tei:gender", NS).get("value") == "f"
    assert tree.xpath("//tei:listOrg/tei:org[@xml:id='e4']/tei:orgName/text()", namespaces=NS) == ["Tidewater Board"]
    assert tree.xpath("//tei:settingDesc//tei:place[@xml:id='e3']/tei:placeName/text()", namespaces=NS) == ["Hullbridge"]
    assert tree.xpath("//tei:listPerson/tei:personGrp[@xml:id='e5']/tei:name/text()", namespaces=NS) == ["Dutch"]
    hullbridge = tree.xpath("//tei:body//tei:placeName", namespaces=NS)[0]
    assert (hullbridge.text, hullbridge.get("ref")) == ("Hullbridge", "#e3")


def test_speaker_named_without_entity_gets_a_person_entry(tree):
    holder = tree.xpath("//tei:annotation[@target='#c2']/tei:note[@type='holder']/tei:persName",
                        namespaces=NS)[0]
    entry = tree.xpath(f"//tei:person[@xml:id='{holder.get('ref')[1:]}']/tei:persName/text()",
                       namespaces=NS)
    assert entry == ["Somebody"]


@pytest.mark.parametrize("value, expected", [
    ("1958", {"when": "1958"}),
    ("1958-03-04", {"when": "1958-03-04"}),
    ("1985-04-XX", {"when": "1985-04"}),
    ("1954/1958", {"from": "1954", "to": "1958"}),
    ("1954-05/1958-11-02", {"from": "1954-05", "to": "1958-11-02"}),
    ("../1958", {"to": "1958"}),
    ("1954/..", {"from": "1954"}),
    ("1961-22", {"notBefore": "1961-06", "notAfter": "1961-08"}),
    ("1961-24", {"notBefore": "1961-12", "notAfter": "1962-02"}),
    ("1961-24/1962-23", {"from": "1961-12", "to": "1962-11"}),
    ("194X", {"notBefore": "1940", "notAfter": "1949"}),
    ("19XX", {"notBefore": "1900", "notAfter": "1999"}),
    ("-0050", {"when": "-0050"}),
    ("the fifties", {}),
])
def test_edtf_values_map_to_tei_date_attributes(value, expected):
    assert edtf_bounds(value) == expected


def test_dates_keep_the_edtf_value(tree):
    dates = tree.xpath("//tei:body//tei:date", namespaces=NS)
    assert [d.get("when-custom") for d in dates] == ["1954/1958", "1961-22", "194X", "1958-03-04"]
    assert all(d.get("datingMethod") == "#edtf" for d in dates)
    season = dates[1]
    assert (season.text, season.get("notBefore"), season.get("notAfter")) == ("summer of 1961", "1961-06", "1961-08")


def test_crossing_spans_stand_off_between_anchors(document, tree):
    body = body_of(tree)
    offsets = anchor_offsets(body)
    crossing = tree.xpath("//tei:listAnnotation[@type='crossing']/tei:annotation", namespaces=NS)
    assert crossing, "the test document has crossing spans"
    for annotation in crossing:
        start_id, end_id = pointers(annotation.get("target"))
        element = annotation.find("tei:note", NS)[0]
        assert document.text[offsets[start_id]:offsets[end_id]] == element.text
    claim_ids = {a.find("tei:note", NS)[0].get(XML_ID) for a in crossing}
    assert {"c2", "c3"} <= claim_ids
    assert not tree.xpath("//tei:body//tei:seg[@xml:id='c2' or @xml:id='c3']", namespaces=NS)


def test_no_annotation_is_lost(document, tree):
    ids = {element.get(XML_ID) for element in tree.iter() if element.get(XML_ID)}
    assert {q.id for q in document.quotes} | {c.id for c in document.claims} <= ids
    assert {"t1", "t2", "t3", "t4", "c1-evidence"} <= ids
    mentions = sum(len(e.mentions) for e in document.entities) + sum(len(w.mentions) for w in document.works)
    mention_tags = {"persName", "orgName", "placeName", "name", "title"}
    marked = [e for e in tree.xpath("//tei:body//* | //tei:note[@type='span']/*", namespaces=NS)
              if e.tag.split("}")[1] in mention_tags]
    assert len(marked) == mentions


def test_claim_annotation_carries_stance_holder_evidence_and_quotes(tree):
    (claim,) = tree.xpath("//tei:annotation[@target='#c1']", namespaces=NS)
    assert claim.find("tei:note[@type='stance']", NS).text == "agrees"
    assert claim.find("tei:note[@type='holder']/tei:persName", NS).get("ref") == "#e1"
    assert claim.find("tei:ptr[@type='evidence']", NS).get("target") == "#c1-evidence"
    assert [p.get("target") for p in claim.findall("tei:ptr[@type='quote']", NS)] == ["#q2"]
    (unsupported,) = tree.xpath("//tei:annotation[@target='#c2']", namespaces=NS)
    assert unsupported.find("tei:note[@type='evidence']", NS).text == "none cited"
    # a quote id the document does not have is not pointed at
    assert [p.get("target") for p in unsupported.findall("tei:ptr", NS)] == ["#q3"]


def test_header_lists_title_date_copies_and_works(tree):
    header = tree.find("tei:teiHeader", NS)
    assert header.findtext("tei:fileDesc/tei:titleStmt/tei:title", namespaces=NS) == "Tides and Tallies"
    assert header.find("tei:fileDesc/tei:publicationStmt/tei:date", NS).get("when") == "1981-02-14"
    copies = header.xpath(".//tei:listBibl[@type='copies']/tei:bibl", namespaces=NS)
    assert [c.findtext("tei:idno[@type='sha256']", namespaces=NS) for c in copies] == ["aa11", "bb22"]
    ranges = copies[1].find("tei:citedRange", NS)
    assert (ranges.get("from"), ranges.get("n")) == ("310", f"200-{len(TEXT)}")
    (book,) = header.xpath(".//tei:listBibl[@type='reviewed']/tei:biblStruct", namespaces=NS)
    monogr = book.find("tei:monogr", NS)
    assert monogr.findtext("tei:title", namespaces=NS) == "The Salt Roads"
    assert monogr.findtext("tei:imprint/tei:publisher", namespaces=NS) == "Gullwing Press"
    assert monogr.find("tei:imprint/tei:date", NS).get("when") == "1980"
    assert monogr.findtext("tei:editor[@role='translator']", namespaces=NS) == "Jun Abara"
    assert book.findtext("tei:note[@type='price']", namespaces=NS) == "£14.50"
    mentioned = tree.xpath("//tei:standOff/tei:listBibl[@type='mentioned']/*", namespaces=NS)
    assert {m.get(XML_ID) for m in mentioned} == {"w2", "e6"}


@pytest.mark.parametrize("text", ["", "   \n\n  ", "one line, no break", "\n\nstarts late\n\n"])
def test_degenerate_texts_still_validate(schema, text):
    tree = etree.fromstring(document_to_tei(model.Document(id="d", text=text)).encode())
    assert schema.validate(tree), schema.error_log
    assert body_of(tree).xpath("string()") == text


def test_bad_offsets_and_characters_do_not_break_the_xml(schema):
    text = "A form\x0cfeed and\x00 nul.\n\nSecond paragraph."
    document = model.Document(
        id="odd", text=text,
        entities=[model.Entity("e1", "PERSON", "Nobody", [], [model.Mention(-4, 3, "x"),
                                                               model.Mention(30, 999, "y")])],
        quotes=[model.Quote("q1", "", 12, 5, "scare")],
        times=[model.TimeExpr("", 26, 28, "not edtf")],  # lies in the paragraph break
    )
    tree = etree.fromstring(document_to_tei(document).encode())
    assert schema.validate(tree), schema.error_log
    body = body_of(tree).xpath("string()")
    assert len(body) == len(text)
    assert body == text.replace("\x0c", "\ufffd").replace("\x00", "\ufffd")


def test_write_tei_writes_one_file_per_document(tmp_path, document):
    other = model.Document(id="second/doc", text="Plain text.")
    paths = write_tei([document, other], tmp_path / "tei")
    assert [p.name for p in paths] == ["salt-roads_review.xml", "second_doc.xml"]
    assert etree.parse(str(paths[1])).getroot().tag.endswith("TEI")


@pytest.mark.parametrize("date, when", [("1981-02-14", "1981-02-14"), ("1981-02", "1981-02"),
                                        ("1981", "1981"), ("1981-02-30", None), ("spring 1981", None)])
def test_publication_date_goes_in_when_only_if_it_is_a_w3c_date(schema, date, when):
    tree = etree.fromstring(document_to_tei(model.Document(id="d", text="x", date=date)).encode())
    published = tree.find("tei:teiHeader/tei:fileDesc/tei:publicationStmt/tei:date", NS)
    assert (published.text, published.get("when")) == (date, when)
    assert schema.validate(tree), schema.error_log
