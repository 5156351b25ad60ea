"""Document text as HTML, reviewed works as citations, the timeline as SVG geometry.

Everything taken from a document passes through ``markupsafe.escape`` (directly or through
``Markup.format``, which escapes its arguments); only the tags written here are markup.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Optional
from urllib.parse import quote as url_quote

from markupsafe import Markup, escape

from ..model import Document, Work

# Annotation layers, outermost first: a claim holds quotations, a quotation holds names and dates.
LAYERS = ("claim", "quote", "markup", "entity", "time")
PARAGRAPH_BREAK = "\n\n"
# Entity types that have a person page.
PERSON_TYPES = ("PERSON",)
# Timeline drawing, in SVG user units.
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 720, 150, 24


def person_url(name: str) -> str:
    return "/people/" + url_quote(name, safe="")


def document_url(document_id: str) -> str:
    return "/documents/" + url_quote(document_id, safe="")


def name_search_url(name: str) -> str:
    """Search for a name that has no page of its own (a place, an organisation), as a phrase."""
    return "/search?q=" + url_quote(f'"{name}"', safe="")


def quote_url(document_id: str, quote_id: str) -> str:
    return f"/quotes/{url_quote(document_id, safe='')}/{url_quote(quote_id, safe='')}"


@dataclass
class Span:
    """An annotation over [start, end) of the text, opened with ``tag`` and closed with ``close``."""

    start: int
    end: int
    layer: str
    tag: Markup
    close: Markup
    again: Optional[Markup] = None  # the tag when reopened after a crossing span (no id)
    order: int = 0
    opened: bool = field(default=False, compare=False)


def annotation_spans(document: Document) -> list[Span]:
    spans = []
    for claim in document.claims:
        spans.append(Span(claim.start, claim.end, "claim",
                          Markup('<span class="claim stance-{}" id="{}" title="{} claim">').format(
                              claim.stance, claim.id, claim.stance),
                          Markup("</span>"), Markup('<span class="claim stance-{}">').format(claim.stance)))
    for quote in document.quotes:
        title = quote.kind + (f" — {quote.speaker_name}" if quote.speaker_name else "")
        spans.append(Span(quote.start, quote.end, "quote",
                          Markup('<mark class="quote kind-{}" id="{}" title="{}">').format(quote.kind, quote.id, title),
                          Markup("</mark>"), Markup('<mark class="quote kind-{}">').format(quote.kind)))
    for item in document.markup:
        if item.get("tag") == "i":
            spans.append(Span(item["start"], item["end"], "markup", Markup("<i>"), Markup("</i>")))
    for entity in document.entities:
        for mention in entity.mentions:
            spans.append(Span(mention.start, mention.end, "entity", *entity_tags(entity.type, entity.name)))
    for time in document.times:
        spans.append(Span(time.start, time.end, "time",
                          Markup('<span class="time" title="EDTF {}" data-edtf="{}">').format(time.value, time.value),
                          Markup("</span>")))
    for order, span in enumerate(spans):
        span.order = order
    return spans


def entity_tags(entity_type: str, name: str) -> tuple[Markup, Markup]:
    if entity_type in PERSON_TYPES:
        return Markup('<a class="entity person" href="{}">').format(person_url(name)), Markup("</a>")
    return (Markup('<a class="entity type-{}" href="{}" title="{}">').format(
        entity_type.lower(), name_search_url(name), entity_type), Markup("</a>"))


def annotated_html(text: str, start: int, end: int, spans: list[Span]) -> Markup:
    """text[start:end] with the spans inside it as nested tags. Spans that cross are closed and
    reopened at the crossing, so the HTML is always well formed."""
    inside = [s for s in spans if s.start < end and s.end > start and s.end > s.start]
    cuts = sorted({start, end} | {max(start, min(end, p)) for s in inside for p in (s.start, s.end)})
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    out, stack = [], []
    for a, b in pairwise(cuts):
        active = sorted((s for s in inside if s.start <= a and s.end >= b),
                        key=lambda s: (rank[s.layer], s.start, -s.end, s.order))
        keep = 0
        while keep < min(len(stack), len(active)) and stack[keep] is active[keep]:
            keep += 1
        out.extend(s.close for s in reversed(stack[keep:]))
        for span in active[keep:]:
            out.append(span.again if span.opened and span.again else span.tag)
            span.opened = True
        stack = active
        out.append(escape(text[a:b]))
    out.extend(s.close for s in reversed(stack))
    return Markup("").join(out)


def paragraphs(document: Document) -> list[dict]:
    """The body as paragraphs, each annotated and with the source copies it came from."""
    spans = annotation_spans(document)
    found, offset = [], 0
    for piece in document.text.split(PARAGRAPH_BREAK):
        start, end = offset, offset + len(piece)
        offset = end + len(PARAGRAPH_BREAK)
        if not piece.strip():
            continue
        found.append({"start": start, "html": annotated_html(document.text, start, end, spans),
                      "sources": paragraph_sources(document, start, end),
                      "block": any(m.get("tag") == "blockquote" and m["start"] <= start < m["end"]
                                   for m in document.markup)})
    return found


def paragraph_sources(document: Document, start: int, end: int) -> list[dict]:
    seen: dict[str, dict] = {}
    for prov in document.provenance:
        if prov.start < end and prov.end > start and prov.source not in seen:
            seen[prov.source] = {"path": prov.source, "name": os.path.basename(prov.source),
                                 "label": copy_label(document, prov.source),
                                 "range": f"{prov.source_start}–{prov.source_end}"}
    return list(seen.values())


def copy_label(document: Document, path: str) -> str:
    """"copy A", "copy B"… in the order of the document's sources (when it has several)."""
    paths = [s.get("path") for s in document.sources]
    if len(paths) < 2 or path not in paths:
        return ""
    return "copy " + chr(ord("A") + paths.index(path) % 26)


# --- citations ---------------------------------------------------------------------------------


def names(people: list[str]) -> str:
    if len(people) < 3:
        return " and ".join(people)
    return ", ".join(people[:-1]) + ", and " + people[-1]


def citation(work: Work) -> Markup:
    """A reviewed work as a bibliography entry: Authors. Title. Translated by …. Place: Publisher, Year."""
    parts = []
    if work.authors:
        parts.append(escape(names(work.authors)) + Markup("."))
    parts.append(Markup("<cite>{}</cite>.").format(work.title))
    for role, people in (("Translated by", work.translators), ("Edited by", work.editors),
                         ("Introduction by", work.introducers)):
        if people:
            parts.append(escape(f"{role} {names(people)}."))
    imprint = ": ".join(p for p in (work.place, work.publisher) if p)
    imprint = ", ".join(p for p in (imprint, str(work.year) if work.year else "") if p)
    if imprint:
        parts.append(escape(imprint + "."))
    details = [f"{work.pages} pp." if work.pages else "", work.price or "", f"({work.binding})" if work.binding else ""]
    if any(details):
        parts.append(escape(" ".join(d for d in details if d)))
    if work.isbn:
        parts.append(escape(f"ISBN {work.isbn}."))
    return Markup(" ").join(parts)


# --- timeline ----------------------------------------------------------------------------------


def timeline_chart(timeline: dict) -> dict:
    """Bar geometry for the timeline SVG: one bar per year or decade, a few labelled ticks."""
    bars = timeline["bars"]
    if not bars:
        return {"bars": [], "ticks": [], "width": CHART_WIDTH, "height": CHART_HEIGHT}
    step = 10 if timeline["unit"] == "decade" else 1
    first, last = bars[0]["start"], bars[-1]["start"] + step
    span = max(last - first, step)
    plot_width, plot_height = CHART_WIDTH - 2 * CHART_MARGIN, CHART_HEIGHT - 2 * CHART_MARGIN
    tallest = max(bar["count"] for bar in bars)
    width = max(plot_width * step / span - 1, 1)
    drawn = []
    for bar in bars:
        height = max(plot_height * bar["count"] / tallest, 2)
        label = f"{bar['start']}s" if step == 10 else str(bar["start"])
        drawn.append({"x": round(CHART_MARGIN + plot_width * (bar["start"] - first) / span, 1),
                      "y": round(CHART_MARGIN + plot_height - height, 1), "width": round(width, 1),
                      "height": round(height, 1), "label": label, "count": bar["count"]})
    ticks = _ticks(first, last, plot_width)
    return {"bars": drawn, "ticks": ticks, "width": CHART_WIDTH, "height": CHART_HEIGHT,
            "baseline": CHART_MARGIN + plot_height}


def _ticks(first: int, last: int, plot_width: float) -> list[dict]:
    span = max(last - first, 1)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000) if span / s <= 8)
    start = first + (-first) % step
    return [{"x": round(CHART_MARGIN + plot_width * (year - first) / span, 1), "label": str(year)}
            for year in range(start, last + 1, step)]
