"""Bibliographic exports of works: BibTeX, CSL-JSON and RIS, one entry per work, stable keys.

Each writer takes any iterable of ``model.Work`` and returns the file's text. A work's key is
made of its first author's (or editor's) surname, its year and the first word of its title that
is not an article or preposition ("petrova1979long"); only the works themselves decide it, so the same work
gets the same key in every export. Works sharing a key get a, b, c... in the order given.

Where the fields go:

    Work         BibTeX (biblatex names)  CSL-JSON              RIS
    title        title                    title                 TI
    authors      author                   author                AU
    editors      editor                   editor                A2
    translators  translator               translator            A4
    interviewers (note)                   interviewer           N1 "Interviewer: ..."
    introducers  (note)                   (note)                N1 "Introduction: ..."
    publisher    publisher                publisher             PB
    place        address                  publisher-place       CY
    year         year                     issued                PY
    pages        pagetotal                number-of-pages       SP
    isbn         isbn                     ISBN                  SN
    price        price                    (note)                C1
    binding      binding                  medium                M3
"""
from __future__ import annotations

import json
import re
import unicodedata
from typing import Callable, Iterable, Optional

from ..model import Work

# Words skipped when a title word goes into a key ("The Long Retreat" -> "long", "On Exile" ->
# "exile"): articles and prepositions would make many keys alike
KEY_SKIP_WORDS = {"a", "an", "the", "le", "la", "les", "der", "die", "das", "el", "il",
                  "on", "of", "in", "to", "for", "from", "at", "by", "with", "and", "about"}
# Lower-case name particles that belong to the family name ("Ellen de Kadt" -> "de Kadt")
PARTICLES = {"de", "da", "di", "del", "della", "van", "von", "der", "den", "du", "la", "le", "ten", "ter", "y"}
NAME_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}
# Characters that LaTeX reads as commands: escaped in BibTeX field values
LATEX_SPECIALS = re.compile(r"([&%$#_{}])")


def _ascii_word(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _surname(name: str) -> str:
    words = [w for w in name.replace(",", " ").split() if w not in NAME_SUFFIXES]
    return words[-1] if words else name


def base_key(work: Work) -> str:
    people = work.authors or work.editors or work.translators
    who = _ascii_word(_surname(people[0])) if people else "anon"
    words = [_ascii_word(w) for w in re.split(r"[\s:,.;!?-]+", work.title)]
    what = next((w for w in words if w and w not in KEY_SKIP_WORDS), "untitled")
    return f"{who or 'anon'}{work.year or ''}{what}"


def work_keys(works: list[Work]) -> list[str]:
    """One key per work, in order; repeated keys get a, b, c... so that every key is unique."""
    bases = [base_key(work) for work in works]
    repeated = {key for key in bases if bases.count(key) > 1}
    seen: dict[str, int] = {}
    keys = []
    for key in bases:
        if key in repeated:
            index = seen.get(key, 0)
            seen[key] = index + 1
            key += chr(ord("a") + index % 26) * (index // 26 + 1)
        keys.append(key)
    return keys


def _notes(work: Work) -> list[str]:
    notes = [f"Interviewer: {name}" for name in work.interviewers]
    notes += [f"Introduction: {name}" for name in work.introducers]
    return notes


# --- BibTeX --------------------------------------------------------------------------------


def _bibtex_value(text: str) -> str:
    return "{" + LATEX_SPECIALS.sub(r"\\\1", text) + "}"


def bibtex_fields(work: Work) -> dict[str, str]:
    """The BibTeX fields of a work, unescaped; empty ones left out."""
    fields = {
        "title": work.title,
        "author": " and ".join(work.authors),
        "editor": " and ".join(work.editors),
        "translator": " and ".join(work.translators),
        "publisher": work.publisher or "",
        "address": work.place or "",
        "year": str(work.year or ""),
        "pagetotal": str(work.pages or ""),
        "isbn": work.isbn or "",
        "price": work.price or "",
        "binding": work.binding or "",
        "note": "; ".join(_notes(work)),
    }
    return {name: value for name, value in fields.items() if value}


def write_bibtex(works: Iterable[Work]) -> str:
    works = list(works)
    entries = []
    for key, work in zip(work_keys(works), works):
        lines = [f"  {name} = {_bibtex_value(value)}" for name, value in bibtex_fields(work).items()]
        entries.append(f"@book{{{key},\n" + ",\n".join(lines) + "\n}\n")
    return "\n".join(entries)


# --- CSL-JSON ------------------------------------------------------------------------------


def csl_name(name: str) -> dict[str, str]:
    """A personal name split the CSL way: given, family, particle, suffix."""
    words = name.replace(",", " ").split()
    suffix = [w for w in words if w in NAME_SUFFIXES]
    words = [w for w in words if w not in NAME_SUFFIXES]
    if len(words) < 2:
        return {"literal": name}
    first_particle = next((i for i, w in enumerate(words[1:-1], 1) if w in PARTICLES), len(words) - 1)
    parts = {"family": words[-1], "given": " ".join(words[:first_particle])}
    if first_particle < len(words) - 1:
        parts["non-dropping-particle"] = " ".join(words[first_particle:-1])
    if suffix:
        parts["suffix"] = " ".join(suffix)
    return parts


def csl_item(work: Work, key: str) -> dict:
    item: dict = {"id": key, "type": "book", "title": work.title}
    for field, names in (("author", work.authors), ("editor", work.editors),
                         ("translator", work.translators), ("interviewer", work.interviewers)):
        if names:
            item[field] = [csl_name(name) for name in names]
    optional = {
        "publisher": work.publisher,
        "publisher-place": work.place,
        "number-of-pages": str(work.pages) if work.pages else None,
        "ISBN": work.isbn,
        "medium": work.binding,
        # CSL has no price and no introducer: they go into the note
        "note": "; ".join(([f"Price: {work.price}"] if work.price else [])
                          + [f"Introduction: {name}" for name in work.introducers]),
    }
    item.update({name: value for name, value in optional.items() if value})
    if work.year:
        item["issued"] = {"date-parts": [[work.year]]}
    return item


def write_csl_json(works: Iterable[Work]) -> str:
    works = list(works)
    items = [csl_item(work, key) for key, work in zip(work_keys(works), works)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


# --- RIS -----------------------------------------------------------------------------------


def ris_tags(work: Work, key: str) -> list[tuple[str, str]]:
    tags = [("TY", "BOOK"), ("ID", key), ("TI", work.title)]
    for tag, names in (("AU", work.authors), ("A2", work.editors), ("A4", work.translators)):
        tags += [(tag, name) for name in names]
    single: list[tuple[str, Optional[object]]] = [
        ("PB", work.publisher), ("CY", work.place), ("PY", work.year), ("SP", work.pages),
        ("SN", work.isbn), ("C1", work.price), ("M3", work.binding),
    ]
    tags += [(tag, str(value)) for tag, value in single if value]
    tags += [("N1", note) for note in _notes(work)]
    return tags + [("ER", "")]


def write_ris(works: Iterable[Work]) -> str:
    works = list(works)
    records = []
    for key, work in zip(work_keys(works), works):
        records.append("\n".join(f"{tag}  - {value}".rstrip() for tag, value in ris_tags(work, key)))
    return "\n\n".join(records) + "\n" if records else ""


# ``historiograph export --format NAME`` -> the writer
FORMATS: dict[str, Callable[[Iterable[Work]], str]] = {
    "bibtex": write_bibtex,
    "csl-json": write_csl_json,
    "ris": write_ris,
}
