"""A document whose every field carries markup and script, annotated by hand so that the
hostile strings reach quotations, names, claims, works and dates whatever the extractors find."""
from historiograph.model import Claim, Document, Entity, Mention, Provenance, Quote, TimeExpr, Work

SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(1)>'
LINK = '<a href="javascript:alert(2)">read more</a>'
NAME = "Ivo <script>alert(3)</script> Brack"
HOSTILE_ID = "hostile00000001"


def hostile_document() -> Document:
    first = f"In 1983 the pamphlet opened with {SCRIPT} and nobody noticed."
    quoted = f"the archive {IMG} was burned"
    second = f"{NAME} said that {quoted}, which the ledgers refute. See {LINK} or javascript:alert(4) for more."
    text = first + "\n\n" + second
    quote_start = text.index(quoted)
    name_start = text.index(NAME)
    claim_text = f"{NAME} said that {quoted}"
    return Document(
        id=HOSTILE_ID,
        text=text,
        title=f"Review {IMG}",
        date="1983-05-01",
        author=f"Reviewer {SCRIPT}",
        sources=[{"path": f"copies/{IMG}.txt", "sha256": "0" * 64}],
        provenance=[Provenance(0, len(first), f"copies/{IMG}.txt", 0, len(first)),
                    Provenance(len(first) + 2, len(text), f"copies/{IMG}.txt", len(first) + 2, len(text))],
        header={"title": f"Review {IMG}", "reviewed": [{"title": SCRIPT, "lines": [LINK]}]},
        entities=[Entity("e1", "PERSON", NAME, aliases=[f"Brack {IMG}"],
                         mentions=[Mention(name_start, name_start + len(NAME), NAME)])],
        quotes=[Quote("q1", quoted, quote_start, quote_start + len(quoted), "quotation", speaker="e1", speaker_name=NAME)],
        times=[TimeExpr("1983", 3, 7, value=f"1983{IMG}")],
        works=[Work(title=f"Ashes {SCRIPT}", authors=[NAME], publisher=LINK, year=1982)],
        claims=[Claim("c1", claim_text, name_start, name_start + len(claim_text), holder="e1", holder_name=NAME,
                      stance="disagrees", evidence={"text": f"the ledgers {LINK}", "start": 0, "end": 1},
                      quotes=["q1"])],
    )


def earlier_attestation() -> Document:
    """An earlier document quoting the hostile quotation's words under another name, so that
    linking makes a cluster with an attribution conflict; its one claim is about that name."""
    quoted = hostile_document().quotes[0].text
    speaker = "Hedda Vorn"
    claim = f"{NAME} repeated it"
    text = f"As {speaker} wrote long before, {quoted}; the phrase travelled far. {claim}."
    start, claim_start = text.index(quoted), text.index(claim)
    return Document(
        id="earlier00000001",
        text=text,
        title="An Earlier Pamphlet",
        date="1961-02-01",
        sources=[{"path": "copies/earlier.txt", "sha256": "1" * 64}],
        provenance=[Provenance(0, len(text), "copies/earlier.txt", 0, len(text))],
        entities=[Entity("e1", "PERSON", speaker, mentions=[Mention(3, 3 + len(speaker), speaker)]),
                  Entity("e2", "PERSON", NAME, mentions=[Mention(claim_start, claim_start + len(NAME), NAME)])],
        quotes=[Quote("q1", quoted, start, start + len(quoted), "quotation", speaker="e1", speaker_name=speaker)],
        claims=[Claim("c1", claim, claim_start, claim_start + len(claim), holder="e1", holder_name=speaker,
                      stance="agrees", evidence={"none_cited": True})],
    )
