"""W3C Web Annotation export: selectors find their text, bodies carry the ledger, JSON-LD expands."""
from functools import partial
import io
import json

import pytest
from pyld import jsonld

from historiograph import model
from historiograph.export.wadm import (ANNO_CONTEXT, CONTEXT_CHARS, HG_CONTEXT, HG_NAMESPACE,
                                       anno_context, document_to_wadm, write_wadm)

from tests.export.spans import mention_at, span_at

OA = "http://www.w3.org/ns/oa#"
TEXT = (
    "In Copper and Creed, Hallam Vey retells the miners' strike of 1926 & its long echo.\n"
    "\n"
    "\"Nobody asked the wives,\" Vey said at a lecture in Tarnwick, and he dates their\n"
    "committees to the winter of 1926-27, perhaps 1926/1927, or the 192X decade at large.\n"
    "\n"
    "Ruth Okafor doubts this: the union minutes she quotes (\"no women present\") tell\n"
    "against him. The <b>tidy</b> story, as Vey calls it, is a \"comfort\" & no more.\n"
)


at = partial(span_at, TEXT)
mention = partial(mention_at, TEXT)


def essay() -> model.Document:
    evidence = at("the union minutes she quotes")
    return model.Document(
        id="copper/creed#1",
        text=TEXT,
        title="Strike Wives",
        date="1979-10-01",
        sources=[{"path": "warc/rec-7.html", "sha256": "cc33", "url": "https://example.org/strike"}],
        entities=[
            model.Entity("e1", "PERSON", "Hallam Vey", ["Vey"],
                         [mention("Hallam Vey"), mention("Vey", 2), mention("Vey", 3)]),
            model.Entity("e2", "PERSON", "Ruth Okafor", [], [mention("Ruth Okafor")]),
            model.Entity("e3", "GPE", "Tarnwick", [], [mention("Tarnwick")]),
        ],
        quotes=[
            model.Quote("q1", "Nobody asked the wives,", *at("\"Nobody asked the wives,\""),
                        "quotation", "e1", "Hallam Vey", speaker_reason="said"),
            model.Quote("q2", "no women present", *at("\"no women present\""), "quotation",
                        "e2", "Ruth Okafor"),
            model.Quote("q3", "comfort", *at("\"comfort\""), "scare", block=False, unbalanced=True),
        ],
        times=[
            model.TimeExpr("1926", *at("1926"), "1926"),
            model.TimeExpr("the winter of 1926-27", *at("the winter of 1926-27"), "1926-24"),
            model.TimeExpr("1926/1927", *at("1926/1927"), "1926/1927"),
            model.TimeExpr("the 192X decade", *at("192X"), "192X"),
        ],
        works=[model.Work("Copper and Creed", ["Hallam Vey"], publisher="Fellside", year=1978,
                          mentions=[mention("Copper and Creed")])],
        claims=[
            model.Claim("c1", "", *at("Ruth Okafor doubts this"), holder="e2",
                        holder_name="Ruth Okafor", stance="agrees",
                        evidence={"text": "the union minutes she quotes", "start": evidence[0],
                                  "end": evidence[1]}, quotes=["q2"]),
            model.Claim("c2", "", *at("The <b>tidy</b> story"), holder=None, holder_name=None,
                        stance="disagrees", evidence={"none_cited": True}, quotes=["q9"]),
        ],
    )


def offline_loader(url, options=None):
    """Serves the shipped W3C context; any other fetch fails the test (no network)."""
    if url.rstrip("/") not in (ANNO_CONTEXT, ANNO_CONTEXT.replace("http:", "https:")):
        raise AssertionError(f"tried to fetch {url}")
    return {"contextUrl": None, "documentUrl": url, "document": anno_context()}


@pytest.fixture(scope="module")
def document():
    return essay()


@pytest.fixture(scope="module")
def collection(document):
    return document_to_wadm(document)


@pytest.fixture(scope="module")
def items(collection):
    return collection["first"]["items"]


def by_id(items, local_id):
    (found,) = [item for item in items if item["id"].endswith("#" + local_id)]
    return found


def body(annotation, purpose):
    (found,) = [b for b in annotation["body"] if b.get("purpose") == purpose]
    return found


def all_selectors(items):
    for annotation in items:
        yield annotation["target"]["selector"]
        for part in annotation["body"]:
            if part.get("type") == "SpecificResource":
                yield part["selector"]


def test_collection_holds_one_annotation_per_item(document, collection, items):
    assert collection["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    assert collection["first"]["type"] == "AnnotationPage"
    mentions = sum(len(e.mentions) for e in document.entities) + len(document.works[0].mentions)
    expected = len(document.quotes) + len(document.claims) + len(document.times) + mentions
    assert collection["total"] == len(items) == expected == 15
    assert len({item["id"] for item in items}) == len(items)
    assert all(item["type"] == "Annotation" for item in items)


def test_every_selector_finds_its_text(document, items):
    text = document.text
    checked = 0
    for quote_selector, position in all_selectors(items):
        assert quote_selector["type"] == "TextQuoteSelector"
        assert position["type"] == "TextPositionSelector"
        start, end = position["start"], position["end"]
        assert text[start:end] == quote_selector["exact"]
        assert text[:start].endswith(quote_selector["prefix"])
        assert text[end:].startswith(quote_selector["suffix"])
        assert len(quote_selector["prefix"]) == min(CONTEXT_CHARS, start)
        assert len(quote_selector["suffix"]) == min(CONTEXT_CHARS, len(text) - end)
        checked += 1
    assert checked == 16  # fifteen targets and one evidence span


def test_targets_name_the_document_and_the_captured_page(collection, items):
    for item in items:
        assert item["target"]["source"] == collection["id"] == "urn:historiograph:document:copper%2Fcreed%231"
        assert item["target"]["scope"] == "https://example.org/strike"


def test_quotation_bodies_carry_kind_and_speaker(collection, items):
    said = by_id(items, "q1")
    assert said["motivation"] == "classifying"
    assert body(said, "tagging")["value"] == "quotation"
    described = body(said, "describing")
    assert described["speaker"] == collection["id"] + "#e1"
    assert (described["speakerName"], described["kind"], described["speakerCue"]) == ("Hallam Vey", "quotation", "said")
    scare = body(by_id(items, "q3"), "describing")
    assert (scare["kind"], scare["unbalanced"], "speaker" in scare) == ("scare", True, False)
    assert scare["value"] == "scare, speaker unknown"


def test_claim_bodies_carry_stance_holder_and_evidence(document, collection, items):
    claim = by_id(items, "c1")
    assert claim["motivation"] == "assessing"
    assert body(claim, "tagging")["value"] == "agrees"
    described = body(claim, "describing")
    assert (described["stance"], described["holder"], described["holderName"]) == (
        "agrees", collection["id"] + "#e2", "Ruth Okafor")
    assert described["quotes"] == [collection["id"] + "#q2"]
    evidence = body(claim, "linking")
    assert evidence["type"] == "SpecificResource"
    assert evidence["selector"][0]["exact"] == "the union minutes she quotes"
    unsupported = body(by_id(items, "c2"), "describing")
    assert unsupported["noEvidenceCited"] is True
    assert "quotes" not in unsupported  # q9 is not a quotation of this document
    assert not [b for b in by_id(items, "c2")["body"] if b.get("purpose") == "linking"]


def test_time_bodies_carry_the_edtf_value(items):
    values = {}
    for number in range(1, 5):
        time = by_id(items, f"t{number}")
        assert time["motivation"] == "describing"
        values[time["target"]["selector"][0]["exact"]] = (body(time, "tagging")["value"],
                                                         body(time, "describing")["edtf"])
    assert values == {"1926": ("1926", "1926"),
                      "the winter of 1926-27": ("1926-24", "1926-24"),
                      "1926/1927": ("1926/1927", "1926/1927"),
                      "192X": ("192X", "192X")}


def test_mentions_identify_entities_and_works(collection, items):
    vey = by_id(items, "e1-m3")
    assert vey["motivation"] == "identifying"
    assert body(vey, "tagging")["value"] == "PERSON"
    assert body(vey, "identifying")["entity"] == collection["id"] + "#e1"
    assert vey["target"]["selector"][0]["exact"] == "Vey"
    book = body(by_id(items, "w1-m1"), "identifying")
    assert (book["value"], book["work"]) == ("reviewed work: Copper and Creed", collection["id"] + "#w1")


def test_every_term_is_declared_in_a_context(collection):
    declared = set(anno_context()["@context"]) | set(HG_CONTEXT) | {"@context"}

    def keys(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key != "@context":
                    yield key
                    yield from keys(value)
        elif isinstance(node, list):
            for value in node:
                yield from keys(value)

    assert set(keys(collection)) <= declared


def test_expands_with_pyld_against_the_shipped_context(collection, items):
    (expanded,) = jsonld.expand(collection, {"documentLoader": offline_loader})
    assert expanded["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollection"]
    page = expanded["http://www.w3.org/ns/activitystreams#first"][0]
    annotations = page["http://www.w3.org/ns/activitystreams#items"][0]["@list"]
    assert len(annotations) == len(items)
    assert all(a["@type"] == [OA + "Annotation"] for a in annotations)
    first_body = annotations[0][OA + "hasBody"][1]
    assert first_body[HG_NAMESPACE + "kind"] == [{"@value": "quotation"}]
    assert first_body[HG_NAMESPACE + "speaker"] == [{"@id": collection["id"] + "#e1"}]
    assert annotations[0][OA + "motivatedBy"] == [{"@id": OA + "classifying"}]
    selector = annotations[0][OA + "hasTarget"][0][OA + "hasSelector"][0]
    assert selector["@type"] == [OA + "TextQuoteSelector"]


def test_rdf_triples_carry_our_fields(collection):
    nquads = jsonld.to_rdf(collection, {"documentLoader": offline_loader, "format": "application/n-quads"})
    assert f'<{HG_NAMESPACE}edtf> "1926-24"' in nquads
    assert f"<{HG_NAMESPACE}stance> \"disagrees\"" in nquads
    assert f"<{OA}hasPurpose> <{OA}tagging>" in nquads


def test_bad_offsets_still_give_consistent_selectors():
    text = "Short text."
    document = model.Document(id="d", text=text, quotes=[
        model.Quote("q1", "", -5, 3, "scare"), model.Quote("q2", "", 8, 400, "scare"),
        model.Quote("q3", "", 9, 2, "scare")])
    for item in document_to_wadm(document)["first"]["items"]:
        quote_selector, position = item["target"]["selector"]
        assert 0 <= position["start"] <= position["end"] <= len(text)
        assert text[position["start"]:position["end"]] == quote_selector["exact"]


def test_empty_document_gives_an_empty_collection():
    collection = document_to_wadm(model.Document(id="empty", text=""))
    assert (collection["total"], collection["first"]["items"], collection["label"]) == (0, [], "empty")


def test_base_uri_prefixes_every_id(document):
    collection = document_to_wadm(document, base_uri="https://ledger.example.net/docs/")
    assert collection["id"] == "https://ledger.example.net/docs/copper%2Fcreed%231"
    assert all(item["id"].startswith(collection["id"] + "#") for item in collection["first"]["items"])


def test_write_wadm_writes_json_lines(tmp_path, document):
    other = model.Document(id="second", text="Nothing marked.")
    path = tmp_path / "annotations.jsonl"
    assert write_wadm([document, other], path) == 2
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["label"] for line in lines] == ["Strike Wives", "second"]
    stream = io.StringIO()
    write_wadm([other], stream)
    assert json.loads(stream.getvalue())["total"] == 0
