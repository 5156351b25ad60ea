"""W3C Web Annotation export: one JSON-LD AnnotationCollection per Document.

One Annotation per quotation, claim, time, and entity or work mention. Every target is the
document (``base_uri`` + its id) narrowed by a TextQuoteSelector (exact text with up to
``CONTEXT_CHARS`` characters of prefix and suffix) and a TextPositionSelector (code point
offsets into ``Document.text``, as the model stores them). When a source copy was captured from
the web, its URL is the target's ``scope``.

Bodies, so that generic tools and our own readers both get something:

* ``tagging`` TextualBodies: the quotation kind, the claim stance, the EDTF value of a time,
  the entity type of a mention (Hypothesis shows them as tags, Recogito as tags);
* one ``describing`` (``identifying`` for mentions) TextualBody whose value is a readable
  sentence and which carries the structured fields in our namespace: ``kind``, ``speaker``,
  ``speakerName``, ``stance``, ``holder``, ``holderName``, ``edtf``, ``entity``, ...;
* for a claim with evidence, a ``linking`` SpecificResource selecting the evidence span.

``@context`` is the W3C context URL plus an inline context declaring our terms; the W3C context
ships as ``historiograph/schemas/anno.jsonld`` so JSON-LD processors can work offline.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Optional, TextIO, Union
from urllib.parse import quote as quote_uri

from .. import model

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
ANNO_CONTEXT_FILE = Path(__file__).parents[1] / "schemas" / "anno.jsonld"
# A private namespace for our fields: a URN, because nothing should try to dereference it.
HG_NAMESPACE = "urn:historiograph:terms:"
HG_CONTEXT = {
    "hg": HG_NAMESPACE,
    "kind": "hg:kind",
    "speaker": {"@id": "hg:speaker", "@type": "@id"},
    "speakerName": "hg:speakerName",
    "speakerCue": "hg:speakerCue",
    "block": "hg:block",
    "unbalanced": "hg:unbalanced",
    "stance": "hg:stance",
    "holder": {"@id": "hg:holder", "@type": "@id"},
    "holderName": "hg:holderName",
    "quotes": {"@id": "hg:quotes", "@type": "@id", "@container": "@set"},
    "noEvidenceCited": "hg:noEvidenceCited",
    "edtf": "hg:edtf",
    "relative": "hg:relative",
    "inTitle": "hg:inTitle",
    "entity": {"@id": "hg:entity", "@type": "@id"},
    "entityType": "hg:entityType",
    "work": {"@id": "hg:work", "@type": "@id"},
}
DEFAULT_BASE_URI = "urn:historiograph:document:"
# The W3C model leaves the length open; 32 characters tell repeated phrases apart in prose.
CONTEXT_CHARS = 32


def document_uri(document: model.Document, base_uri: str = DEFAULT_BASE_URI) -> str:
    return base_uri + quote_uri(document.id, safe="")


def document_to_wadm(document: model.Document, base_uri: str = DEFAULT_BASE_URI) -> dict:
    """The Document's annotations as one AnnotationCollection (a JSON-LD dict)."""
    exporter = AnnotationWriter(document, document_uri(document, base_uri))
    items = (exporter.quotes() + exporter.claims() + exporter.times() + exporter.entity_mentions()
             + exporter.work_mentions())
    return {
        "@context": [ANNO_CONTEXT, HG_CONTEXT],
        "id": exporter.uri,
        "type": "AnnotationCollection",
        "label": document.title or document.id,
        "generator": {"type": "Software", "name": "historiograph"},
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def write_wadm(documents: Iterable[model.Document], out: Union[TextIO, Path, str],
               base_uri: str = DEFAULT_BASE_URI) -> int:
    """JSON Lines, one AnnotationCollection per Document, to a stream or a file; the count."""
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8") as stream:
            return write_wadm(documents, stream, base_uri)
    count = 0
    for document in documents:
        out.write(json.dumps(document_to_wadm(document, base_uri), ensure_ascii=False) + "\n")
        count += 1
    return count


class AnnotationWriter:
    """Builds the annotations of one document; knows its text, URI and entity names."""

    def __init__(self, document: model.Document, uri: str):
        self.document = document
        self.text = document.text or ""
        self.uri = uri
        self.entity_names = {entity.id: entity.name for entity in document.entities}
        self.quote_ids = {quote.id for quote in document.quotes}
        self.scope = next((s["url"] for s in document.sources if s.get("url")), None)

    def iri(self, local_id: str) -> str:
        return f"{self.uri}#{quote_uri(local_id, safe='')}"

    def entity_iri(self, entity_id: Optional[str]) -> Optional[str]:
        return self.iri(entity_id) if entity_id in self.entity_names else None

    def target(self, start: int, end: int) -> dict:
        start, end = clamp(start, end, len(self.text))
        target = {"type": "SpecificResource", "source": self.uri,
                  "selector": selectors(self.text, start, end)}
        if self.scope:
            target["scope"] = self.scope
        return target

    def annotation(self, local_id: str, motivation: str, start: int, end: int,
                   bodies: list[dict]) -> dict:
        return {"id": self.iri(local_id), "type": "Annotation", "motivation": motivation,
                "body": bodies, "target": self.target(start, end)}

    def quotes(self) -> list[dict]:
        return [self.annotation(quote.id, "classifying", quote.start, quote.end,
                                [tag(quote.kind), self.quote_body(quote)])
                for quote in self.document.quotes]

    def quote_body(self, quote: model.Quote) -> dict:
        speaker_name = quote.speaker_name or self.entity_names.get(quote.speaker)
        sentence = f"{quote.kind} by {speaker_name}" if speaker_name else f"{quote.kind}, speaker unknown"
        return described(sentence, kind=quote.kind, speaker=self.entity_iri(quote.speaker),
                         speakerName=speaker_name, speakerCue=quote.speaker_reason,
                         block=quote.block or None, unbalanced=quote.unbalanced or None)

    def claims(self) -> list[dict]:
        return [self.annotation(claim.id, "assessing", claim.start, claim.end,
                                [tag(claim.stance), self.claim_body(claim)] + self.evidence(claim))
                for claim in self.document.claims]

    def claim_body(self, claim: model.Claim) -> dict:
        holder_name = claim.holder_name or self.entity_names.get(claim.holder)
        sentence = (f"claim held by {holder_name or 'an unnamed holder'}; "
                    f"the writer's stance: {claim.stance}")
        quotes = [self.iri(q) for q in claim.quotes if q in self.quote_ids]
        none_cited = bool((claim.evidence or {}).get("none_cited"))
        return described(sentence, stance=claim.stance, holder=self.entity_iri(claim.holder),
                         holderName=holder_name, quotes=quotes or None,
                         noEvidenceCited=none_cited or None)

    def evidence(self, claim: model.Claim) -> list[dict]:
        evidence = claim.evidence or {}
        if not {"start", "end"} <= evidence.keys():
            return []
        return [{**self.target(evidence["start"], evidence["end"]), "purpose": "linking"}]

    def times(self) -> list[dict]:
        return [self.annotation(f"t{number}", "describing", time.start, time.end,
                                [tag(time.value), described(f"date {time.value} (EDTF)",
                                                            edtf=time.value,
                                                            relative=time.relative or None,
                                                            inTitle=time.in_title or None)])
                for number, time in enumerate(self.document.times, 1)]

    def entity_mentions(self) -> list[dict]:
        return [self.annotation(f"{entity.id}-m{number}", "identifying", mention.start, mention.end,
                                [tag(entity.type),
                                 described(entity.name, purpose="identifying",
                                           entity=self.iri(entity.id), entityType=entity.type)])
                for entity in self.document.entities
                for number, mention in enumerate(entity.mentions, 1)]

    def work_mentions(self) -> list[dict]:
        annotations = []
        for work_number, work in enumerate(self.document.works, 1):
            label = "reviewed work" if work.reviewed else "work"
            for number, mention in enumerate(work.mentions, 1):
                body = described(f"{label}: {work.title}", purpose="identifying",
                                 work=self.iri(f"w{work_number}"), entityType="WORK")
                annotations.append(self.annotation(f"w{work_number}-m{number}", "identifying",
                                                   mention.start, mention.end,
                                                   [tag("WORK"), body]))
        return annotations


def selectors(text: str, start: int, end: int) -> list[dict]:
    return [
        {"type": "TextQuoteSelector", "exact": text[start:end],
         "prefix": text[max(0, start - CONTEXT_CHARS):start], "suffix": text[end:end + CONTEXT_CHARS]},
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def clamp(start: int, end: int, length: int) -> tuple[int, int]:
    """Offsets inside the text, start not after end: bad offsets still give a valid selector."""
    start = max(0, min(start, length))
    return start, max(start, min(end, length))


def tag(value: str) -> dict:
    return {"type": "TextualBody", "purpose": "tagging", "value": value}


def described(sentence: str, purpose: str = "describing", **fields) -> dict:
    """A readable TextualBody carrying our structured fields (None fields left out)."""
    body = {"type": "TextualBody", "purpose": purpose, "value": sentence, "format": "text/plain"}
    body.update({name: value for name, value in fields.items() if value is not None})
    return body


def anno_context() -> dict:
    """The shipped W3C anno.jsonld context, for JSON-LD processors working offline."""
    return json.loads(ANNO_CONTEXT_FILE.read_text(encoding="utf-8"))
