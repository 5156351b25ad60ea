"""TEI P5 XML export: one TEI document per Document.

The subset emitted is described by ``historiograph/schemas/tei-subset.rng`` (TEI element and
attribute names). Encoding decisions:

* Paragraphs. The text is cut at blank lines (``PARAGRAPH_BREAK``: a newline, any whitespace, a
  newline). Each non-blank stretch, stripped of surrounding whitespace, is one ``<p>``; the
  breaks and the stripped whitespace stand between the ``<p>`` elements as whitespace text of
  ``<body>``. So the string value of ``<body>`` is ``Document.text`` character for character,
  and the ``<p>`` string values joined with two newlines are the text with every break made one
  blank line. Characters XML 1.0 cannot carry become U+FFFD, one for one.
* Inline markup, all in the body: ``<seg type="claim">`` and ``<seg type="evidence">`` for
  claims and their evidence, quotations as ``<said who>`` (a quotation with a speaker and a
  speech cue), ``<q type=kind who>`` (other quotations with a speaker, scare quotes, quoted
  titles) or ``<quote type="quotation">`` (no speaker known); ``<persName|orgName|placeName|
  name|title ref>`` for entity mentions, ``<title ref>`` for work mentions and ``<date>`` for
  times. ``@who`` and ``@ref`` point at ``xml:id``s in the header (entities, works, and speakers
  or claim holders named without an entity).
* Dates keep the EDTF value in ``@when-custom`` with ``@datingMethod="#edtf"`` (TEI's own
  mechanism for dates in another notation; the ``#edtf`` calendar is declared in the header),
  and give its bounds in ISO form: ``@when`` for a single year, month or day, ``@notBefore`` /
  ``@notAfter`` for a season or unspecified digits ("1961-22", "194X"; seasons 21-24 read as
  northern meteorological seasons, winter running into the next February), ``@from`` / ``@to``
  for an interval ("1954/1958", open ends left out).
* Crossing spans. Spans are placed outermost first (earlier start, then longer); one that would
  cross a span already placed, or a paragraph break, is not marked up inline: two empty
  ``<anchor>`` elements mark its ends in the body, and ``standOff/listAnnotation`` holds an
  ``<annotation target="#range(ID-from,ID-to)">`` whose note carries the element it would have
  been, with its text and attributes. Nothing is dropped.
* Claims also get an ``<annotation target="#cN" motivation="assessing">`` with the stance, the
  holder, a pointer to the evidence (or "none cited") and pointers to the quotations inside.
"""
from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import edtf
from edtf.parser.parser_classes import Interval, Season, UnspecifiedIntervalSection
from lxml import etree

from .. import model

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
EDTF_SPEC = "https://www.loc.gov/standards/datetime/"

# A blank line (possibly holding spaces) separates paragraphs in every reader's output.
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# XML 1.0 cannot carry C0 controls (other than tab, newline, carriage return), surrogates or
# U+FFFE/U+FFFF; one replacement character each keeps every offset valid.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A speaker cue naming speech makes a quotation reported speech (TEI <said>), not a citation.
SPEECH_CUE = re.compile(
    r"\b(said|says|say|told|tells|asked|asks|replied|replies|recalled|recalls|remarked|"
    r"remarks|declared|declares|explained|explains|added|adds|answered|answers|insisted|"
    r"insists|exclaimed|interview|speech|lecture)\b",
    re.IGNORECASE,
)
# An xml:id is an NCName: anything else in an extractor id becomes "_".
NOT_NCNAME = re.compile(r"[^\w.\-]")
# A publication date TEI can put in @when: a year or a year and month (full dates are checked
# by the calendar instead).
ISO_YEAR_MONTH = re.compile(r"-?\d{4,}(-(0[1-9]|1[0-2]))?")

# Among spans with the same offsets, the lower rank is the outer element.
RANK_CLAIM, RANK_EVIDENCE, RANK_QUOTE, RANK_WORK, RANK_ENTITY, RANK_TIME = range(1, 7)
# Anchors sort around the spans that start at their offset: an end anchor before them (it closes
# what came earlier), a start anchor after them (it sits inside, before the first character).
ORDER_END_ANCHOR, ORDER_SPAN, ORDER_START_ANCHOR = range(3)


@dataclass(frozen=True)
class EntityEncoding:
    """How one entity type is written: inline element, header entry, and the list holding it."""

    mention: str
    entry: str
    listing: str
    name: str


ENTITY_ENCODINGS = {
    "PERSON": EntityEncoding("persName", "person", "listPerson", "persName"),
    # a nationality or religious/political group: a group of persons
    "NORP": EntityEncoding("name", "personGrp", "listPerson", "name"),
    "ORG": EntityEncoding("orgName", "org", "listOrg", "orgName"),
    "GPE": EntityEncoding("placeName", "place", "listPlace", "placeName"),
    "WORK_OF_ART": EntityEncoding("title", "bibl", "listBibl", "title"),
}
# Types the model may grow later: named, typed, and listed as organisations.
OTHER_ENTITY = EntityEncoding("name", "org", "listOrg", "name")
MOTIVATION_BY_RANK = {RANK_CLAIM: "assessing", RANK_EVIDENCE: "linking", RANK_QUOTE: "classifying",
                      RANK_WORK: "identifying", RANK_ENTITY: "identifying", RANK_TIME: "describing"}


def tei(tag: str) -> str:
    return f"{{{TEI_NS}}}{tag}"


def sub(parent: etree._Element, tag: str, text: Optional[str] = None, **attrib) -> etree._Element:
    """A child element; attributes with value None are left out, xml_id becomes xml:id."""
    element = etree.SubElement(parent, tei(tag))
    for name, value in attrib.items():
        if value is not None:
            element.set(attribute_name(name), str(value))
    if text is not None:
        element.text = xml_safe(text)
    return element


def attribute_name(keyword: str) -> str:
    """xml_id -> xml:id, when_custom -> when-custom, from_ -> from (a Python keyword)."""
    return XML_ID if keyword == "xml_id" else keyword.rstrip("_").replace("_", "-")


def xml_safe(text: str) -> str:
    return XML_ILLEGAL.sub("\ufffd", text)


def xml_id(raw: str) -> str:
    cleaned = NOT_NCNAME.sub("_", str(raw))
    return cleaned if re.match(r"[^\W\d]", cleaned) else f"_{cleaned}"


# --- spans and their placement -------------------------------------------------------------


@dataclass
class Span:
    """An element over text[start:end]; anchors are empty Spans with an order class."""

    start: int
    end: int
    tag: str
    attrib: dict
    rank: int = 0
    order: int = ORDER_SPAN
    children: list["Span"] = field(default_factory=list)

    def sort_key(self):
        return (self.start, self.order, -self.end, self.rank)

    def crosses(self, other: "Span") -> bool:
        return (self.start < other.start < self.end < other.end
                or other.start < self.start < other.end < self.end)


def paragraph_spans(text: str) -> list[Span]:
    """One span per non-blank stretch between blank lines, without its outer whitespace."""
    bounds = [(m.start(), m.end()) for m in PARAGRAPH_BREAK.finditer(text)] + [(len(text), len(text))]
    spans, position = [], 0
    for stretch_end, next_start in bounds:
        stretch = text[position:stretch_end]
        if stretch.strip():
            begin = position + len(stretch) - len(stretch.lstrip())
            spans.append(Span(begin, position + len(stretch.rstrip()), "p", {}))
        position = next_start
    if not spans:  # TEI wants a paragraph even in an empty body
        spans.append(Span(len(text), len(text), "p", {}))
    return spans


def snap(start: int, end: int, paragraphs: list[Span]) -> tuple[int, int]:
    """Offsets moved into paragraphs: a start in a break goes to the next paragraph, an end to
    the previous one; a span lying wholly in a break becomes empty."""
    after = [p for p in paragraphs if start < p.end]
    start = max(start, after[0].start) if after else paragraphs[-1].end
    before = [p for p in paragraphs if end > p.start]
    end = min(end, before[-1].end) if before else paragraphs[0].start
    return start, max(start, end)


def place_spans(candidates: list[Span], paragraphs: list[Span]) -> tuple[list[Span], list[Span]]:
    """(inline, crossing): outer spans first; one crossing a placed span goes stand-off."""
    placed, crossing = list(paragraphs), []
    for span in sorted(candidates, key=Span.sort_key):
        if any(span.crosses(other) for other in placed):
            crossing.append(span)
        else:
            placed.append(span)
    return placed, crossing


def nest(spans: list[Span], length: int) -> Span:
    """The spans as a tree under a body span covering the whole text."""
    body = Span(0, length, "body", {})
    stack = [body]
    for span in sorted(spans, key=Span.sort_key):
        while len(stack) > 1 and closes_before(stack[-1], span):
            stack.pop()
        stack[-1].children.append(span)
        if span.order == ORDER_SPAN:
            stack.append(span)
    return body


def closes_before(open_span: Span, span: Span) -> bool:
    if span.start == span.end:  # an empty element stays inside one ending at its offset
        return open_span.end < span.start
    return open_span.end <= span.start


def render(span: Span, parent: etree._Element, text: str) -> etree._Element:
    element = sub(parent, span.tag, **span.attrib)
    cursor = span.start
    previous = None
    for child in span.children:
        set_run(element, previous, text[cursor:child.start])
        previous = render(child, element, text)
        cursor = child.end
    set_run(element, previous, text[cursor:span.end])
    return element


def set_run(element: etree._Element, previous: Optional[etree._Element], run: str) -> None:
    if not run:
        return
    if previous is None:
        element.text = (element.text or "") + run
    else:
        previous.tail = (previous.tail or "") + run


# --- what the Document says, as spans ------------------------------------------------------


@dataclass
class People:
    """xml:ids of entities, plus header entries for speakers/holders named without an entity."""

    entity_ids: dict[str, str]
    named: dict[str, str] = field(default_factory=dict)

    def ref(self, entity_id: Optional[str], name: Optional[str]) -> Optional[str]:
        if entity_id and entity_id in self.entity_ids:
            return "#" + self.entity_ids[entity_id]
        if name and name.strip():
            return "#" + self.named.setdefault(name.strip(), f"speaker{len(self.named) + 1}")
        return None


def entity_encoding(entity: model.Entity) -> EntityEncoding:
    return ENTITY_ENCODINGS.get(entity.type, OTHER_ENTITY)


def entity_spans(document: model.Document, people: People) -> list[Span]:
    spans = []
    for entity in document.entities:
        encoding = entity_encoding(entity)
        for mention in entity.mentions:
            attrib = {"ref": "#" + people.entity_ids[entity.id]}
            if encoding.mention == "name":
                attrib["type"] = entity.type
            spans.append(Span(mention.start, mention.end, encoding.mention, attrib, RANK_ENTITY))
    return spans


def work_spans(document: model.Document) -> list[Span]:
    return [Span(mention.start, mention.end, "title", {"ref": f"#w{number}"}, RANK_WORK)
            for number, work in enumerate(document.works, 1) for mention in work.mentions]


def quote_spans(document: model.Document, people: People) -> list[Span]:
    return [Span(quote.start, quote.end, *quote_element(quote, people), RANK_QUOTE)
            for quote in document.quotes]


def quote_element(quote: model.Quote, people: People) -> tuple[str, dict]:
    who = people.ref(quote.speaker, quote.speaker_name)
    attrib = {"xml_id": xml_id(quote.id), "rend": "block" if quote.block else None,
              "cert": "low" if quote.unbalanced else None}
    if quote.kind == "quotation" and who is None:
        return "quote", {**attrib, "type": quote.kind}
    if quote.kind == "quotation" and SPEECH_CUE.search(quote.speaker_reason or ""):
        return "said", {**attrib, "who": who, "direct": "true"}
    return "q", {**attrib, "type": quote.kind, "who": who}


def time_spans(document: model.Document) -> list[Span]:
    spans = []
    for number, time in enumerate(document.times, 1):
        attrib = {"xml_id": f"t{number}", "type": "relative" if time.relative else None,
                  "when_custom": time.value, "datingMethod": "#edtf", **edtf_bounds(time.value)}
        spans.append(Span(time.start, time.end, "date", attrib, RANK_TIME))
    return spans


def claim_spans(document: model.Document) -> list[Span]:
    spans = []
    for claim in document.claims:
        claim_id = xml_id(claim.id)
        spans.append(Span(claim.start, claim.end, "seg",
                          {"xml_id": claim_id, "type": "claim", "subtype": claim.stance},
                          RANK_CLAIM))
        evidence = claim.evidence or {}
        if "start" in evidence and "end" in evidence:
            spans.append(Span(evidence["start"], evidence["end"], "seg",
                              {"xml_id": f"{claim_id}-evidence", "type": "evidence"},
                              RANK_EVIDENCE))
    return spans


# --- EDTF to TEI date attributes -----------------------------------------------------------


def edtf_bounds(value: str) -> dict[str, str]:
    """ISO bounds of an EDTF value as TEI attributes; {} when the value does not parse."""
    try:
        parsed = edtf.parse_edtf(value)
    except Exception:  # the EDTF string itself is kept in @when-custom
        return {}
    if isinstance(parsed, Interval):
        return interval_bounds(parsed)
    try:
        earliest, latest = iso_range(parsed)
    except (TypeError, ValueError):
        return {}
    if earliest == latest:
        return {"when": earliest}
    return {"notBefore": earliest, "notAfter": latest}


# EDTF names seasons, not their months; we read 21-24 as northern meteorological seasons of the
# year given, so winter (24) runs from its December into February of the next year.
WINTER = "24"


def interval_bounds(interval: Interval) -> dict[str, str]:
    bounds = {}
    for name, part, pick in (("from", interval.lower, 0), ("to", interval.upper, 1)):
        if isinstance(part, UnspecifiedIntervalSection):  # open or unknown end
            continue
        try:
            bounds[name] = iso_range(part)[pick]
        except (TypeError, ValueError):
            continue
    return bounds


def iso_range(parsed) -> tuple[str, str]:
    """First and last day of an EDTF value, written at the coarsest precision that is exact."""
    (y1, m1, d1), (y2, m2, d2) = parsed.lower_strict()[:3], parsed.upper_strict()[:3]
    if isinstance(parsed, Season) and parsed.season == WINTER:
        y2, m2, d2 = y1 + 1, 2, month_length(y1 + 1, 2)  # the library stops winter at 31 December
    if (m1, d1) == (1, 1) and (m2, d2) == (12, 31):
        return iso_year(y1), iso_year(y2)
    if d1 == 1 and d2 == month_length(y2, m2):
        return f"{iso_year(y1)}-{m1:02d}", f"{iso_year(y2)}-{m2:02d}"
    return f"{iso_year(y1)}-{m1:02d}-{d1:02d}", f"{iso_year(y2)}-{m2:02d}-{d2:02d}"


def month_length(year: int, month: int) -> int:
    return calendar.monthrange(year if year > 0 else 2000, month)[1]  # 2000 for BCE: leap rule


def iso_year(year: int) -> str:
    return f"-{-year:04d}" if year < 0 else f"{year:04d}"


# --- the header --------------------------------------------------------------------------


def build_header(root, document: model.Document, lists: dict[str, etree._Element]) -> None:
    header = sub(root, "teiHeader")
    file_desc = sub(header, "fileDesc")
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", document.title or f"Document {document.id}")
    if document.author:
        sub(title_stmt, "author", document.author)
    publication = sub(file_desc, "publicationStmt")
    sub(publication, "authority", "historiograph")
    sub(publication, "idno", document.id, type="historiograph")
    date_element(publication, document.date)
    build_source_desc(sub(file_desc, "sourceDesc"), document)
    encoding = sub(header, "encodingDesc")
    sub(encoding, "p", ENCODING_NOTE)
    build_profile(sub(header, "profileDesc"), lists)


ENCODING_NOTE = ("Exported by historiograph. The string value of body is the document text; "
                 "paragraphs are its stretches between blank lines. Dates give the EDTF value "
                 "in when-custom. Spans that cross another are anchored and described in "
                 "standOff.")


def date_element(parent, value: Optional[str]) -> None:
    if not value:
        sub(parent, "date", "unknown")
    elif is_w3c_date(value):
        sub(parent, "date", value, when=value)
    else:
        sub(parent, "date", value)


def is_w3c_date(value: str) -> bool:
    if ISO_YEAR_MONTH.fullmatch(value):
        return True
    try:
        return datetime.date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def build_source_desc(source_desc, document: model.Document) -> None:
    original = sub(source_desc, "bibl", type="original")
    sub(original, "title", document.title or f"Document {document.id}")
    if document.author:
        sub(original, "author", document.author)
    if document.date:
        date_element(original, document.date)
    copies = source_copies(document)
    if copies:
        listing = sub(source_desc, "listBibl", type="copies")
        for number, (source, ranges) in enumerate(copies, 1):
            copy_bibl(listing, number, source, ranges)
    reviewed = [(n, work) for n, work in enumerate(document.works, 1) if work.reviewed]
    if reviewed:
        listing = sub(source_desc, "listBibl", type="reviewed")
        for number, work in reviewed:
            bibl_struct(listing, number, work)


def source_copies(document: model.Document) -> list[tuple[dict, list[model.Provenance]]]:
    """Each source copy with the provenance ranges taken from it, sources first in order."""
    by_path = {source.get("path"): (source, []) for source in document.sources}
    for provenance in document.provenance:
        by_path.setdefault(provenance.source, ({"path": provenance.source}, []))[1].append(provenance)
    return list(by_path.values())


def copy_bibl(listing, number: int, source: dict, ranges: list[model.Provenance]) -> None:
    bibl = sub(listing, "bibl", xml_id=f"source{number}", type="copy")
    for kind in ("path", "sha256", "url"):
        if source.get(kind):
            sub(bibl, "idno", source[kind], type="URI" if kind == "url" else kind)
    if source.get("captured"):
        sub(bibl, "date", source["captured"], type="captured")
    for provenance in ranges:
        # @from/@to: the characters of the copy; @n: the range of the document text they gave
        sub(bibl, "citedRange", unit="char", from_=provenance.source_start,
            to=provenance.source_end, n=f"{provenance.start}-{provenance.end}")


def bibl_struct(listing, number: int, work: model.Work) -> None:
    struct = sub(listing, "biblStruct", xml_id=f"w{number}",
                 type="reviewed" if work.reviewed else "mentioned")
    monogr = sub(struct, "monogr")
    for author in work.authors:
        sub(monogr, "author", author)
    for editor in work.editors:
        sub(monogr, "editor", editor)
    sub(monogr, "title", work.title, level="m")
    if work.isbn:
        sub(monogr, "idno", work.isbn, type="ISBN")
    for translator in work.translators:
        sub(monogr, "editor", translator, role="translator")
    imprint = sub(monogr, "imprint")
    if work.place:
        sub(imprint, "pubPlace", work.place)
    if work.publisher:
        sub(imprint, "publisher", work.publisher)
    sub(imprint, "date", str(work.year) if work.year else None,
        when=iso_year(work.year) if work.year else None)
    if work.pages:
        extent = sub(monogr, "extent")
        sub(extent, "measure", f"{work.pages} pages", unit="pages", quantity=work.pages)
    for kind in ("price", "binding"):
        if getattr(work, kind):
            sub(struct, "note", getattr(work, kind), type=kind)


def build_profile(profile, lists: dict[str, etree._Element]) -> None:
    calendar_desc = sub(profile, "calendarDesc")
    edtf_calendar = sub(calendar_desc, "calendar", xml_id="edtf", target=EDTF_SPEC)
    sub(edtf_calendar, "p", "Extended Date/Time Format (EDTF, ISO 8601-2)")
    participants = [lists[name] for name in ("listPerson", "listOrg") if name in lists]
    if participants:
        sub(profile, "particDesc").extend(participants)
    if "listPlace" in lists:
        sub(profile, "settingDesc").append(lists["listPlace"])


def entity_lists(document: model.Document, people: People) -> dict[str, etree._Element]:
    """The header lists of entities (and of named speakers), keyed by list element name."""
    lists: dict[str, etree._Element] = {}

    def listing(name):
        if name not in lists:
            lists[name] = etree.Element(tei(name))
        return lists[name]

    for entity in document.entities:
        encoding = entity_encoding(entity)
        entry = sub(listing(encoding.listing), encoding.entry, xml_id=people.entity_ids[entity.id],
                    type=entity.type if encoding is OTHER_ENTITY else None)
        sub(entry, encoding.name, entity.name)
        for alias in entity.aliases:
            sub(entry, encoding.name, alias, type="alias")
        if entity.gender and encoding.entry == "person":
            sub(entry, "gender", value=entity.gender)
    for name, identifier in people.named.items():
        sub(sub(listing("listPerson"), "person", xml_id=identifier), "persName", name)
    return lists


# --- stand-off -----------------------------------------------------------------------------


def build_stand_off(root, document: model.Document, crossing: list[Span], text: str,
                    people: People, entity_bibls: Optional[etree._Element]) -> None:
    mentioned = [(n, work) for n, work in enumerate(document.works, 1) if not work.reviewed]
    if not (crossing or document.claims or mentioned or entity_bibls is not None):
        return
    stand_off = sub(root, "standOff")
    if crossing:
        listing = sub(stand_off, "listAnnotation", type="crossing")
        for span in crossing:
            crossing_annotation(listing, span, text)
    if document.claims:
        listing = sub(stand_off, "listAnnotation", type="claims")
        for claim in document.claims:
            claim_annotation(listing, claim, document, people)
    if mentioned or entity_bibls is not None:
        bibls = entity_bibls if entity_bibls is not None else etree.Element(tei("listBibl"))
        bibls.set("type", "mentioned")
        for number, work in mentioned:
            bibl_struct(bibls, number, work)
        stand_off.append(bibls)


def crossing_annotation(listing, span: Span, text: str) -> None:
    """The element a crossing span would have been, in a note, aimed at its two anchors."""
    base = span.attrib["xml_id"]
    annotation = sub(listing, "annotation", target=f"#range({base}-from,{base}-to)",
                     motivation=MOTIVATION_BY_RANK[span.rank])
    sub(sub(annotation, "note", type="span"), span.tag, text[span.start:span.end], **span.attrib)


def claim_annotation(listing, claim: model.Claim, document: model.Document, people: People) -> None:
    claim_id = xml_id(claim.id)
    annotation = sub(listing, "annotation", target=f"#{claim_id}", motivation="assessing")
    sub(annotation, "note", claim.stance, type="stance")
    holder = people.ref(claim.holder, claim.holder_name)
    if holder:
        note = sub(annotation, "note", type="holder")
        sub(note, "persName", claim.holder_name or holder_name(document, claim.holder), ref=holder)
    evidence = claim.evidence or {}
    if "start" in evidence and "end" in evidence:
        sub(annotation, "ptr", type="evidence", target=f"#{claim_id}-evidence")
    elif evidence.get("none_cited"):
        sub(annotation, "note", "none cited", type="evidence")
    quote_ids = {quote.id for quote in document.quotes}
    for quote_id in claim.quotes:
        if quote_id in quote_ids:
            sub(annotation, "ptr", type="quote", target=f"#{xml_id(quote_id)}")


def holder_name(document: model.Document, entity_id: Optional[str]) -> str:
    return next((entity.name for entity in document.entities if entity.id == entity_id), "")


# --- the document --------------------------------------------------------------------------


def document_to_tei(document: model.Document) -> str:
    """One TEI document (a string of XML) for one Document."""
    text = xml_safe(document.text or "")
    people = People({entity.id: xml_id(entity.id) for entity in document.entities})
    for claim in document.claims:  # holders named without an entity need a header entry
        people.ref(claim.holder, claim.holder_name)
    paragraphs = paragraph_spans(text)
    candidates = (claim_spans(document) + quote_spans(document, people) + work_spans(document)
                  + entity_spans(document, people) + time_spans(document))
    for span in candidates:
        span.start, span.end = snap(span.start, span.end, paragraphs)
    inline, crossing = place_spans(candidates, paragraphs)
    for number, span in enumerate(crossing, 1):
        span.attrib.setdefault("xml_id", f"span{number}")
    anchors = [anchor for span in crossing for anchor in anchor_pair(span)]

    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS})
    lists = entity_lists(document, people)
    build_header(root, document, lists)
    render(nest(inline + anchors, len(text)), sub(root, "text"), text)
    build_stand_off(root, document, crossing, text, people, lists.get("listBibl"))
    return serialise(root)


def anchor_pair(span: Span) -> list[Span]:
    """The two empty anchors that mark where a crossing span begins and ends."""
    base = span.attrib["xml_id"]
    return [Span(span.start, span.start, "anchor", {"xml_id": f"{base}-from"},
                 order=ORDER_START_ANCHOR),
            Span(span.end, span.end, "anchor", {"xml_id": f"{base}-to"}, order=ORDER_END_ANCHOR)]


def serialise(root: etree._Element) -> str:
    """Pretty-printed header and stand-off; the body untouched, its whitespace is text."""
    for part in root:
        if part.tag != tei("text"):
            etree.indent(part, space="  ", level=1)
    root.text = "\n  "
    for part in root:
        part.tail = "\n  "
    root[-1].tail = "\n"
    xml = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{xml}\n'


def write_tei(documents: Iterable[model.Document], out_dir) -> list[Path]:
    """One ``<document id>.xml`` per Document in out_dir (created); the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for document in documents:
        path = out_dir / f"{safe_file_name(document.id)}.xml"
        path.write_text(document_to_tei(document), encoding="utf-8")
        paths.append(path)
    return paths


# Document ids come from file names and hashes; keep them portable as file names.
UNSAFE_FILE_CHARS = re.compile(r"[^\w.\-]+")


def safe_file_name(document_id: str) -> str:
    return UNSAFE_FILE_CHARS.sub("_", document_id).strip("._") or "document"
