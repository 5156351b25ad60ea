"""Works under review and works named in the body: the ``historiograph_works`` component.

The review header (``doc._.header["reviewed"]``, one ``{"title", "lines"}`` per book, the lines
as printed under the title) becomes one ``Work`` each with ``reviewed=True``. Titles the body
names ("his History of the Civil War", "Petrova's The Long Retreat") become mentions of the
header work they match, or works of their own with ``reviewed=False``, linked to their author
when the text says whose they are.
"""

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from rapidfuzz import fuzz
from spacy.language import Language
from spacy.tokens import Doc

from ..model import Mention, Work
from . import PIPELINE, annotations, text_of
from .entities import entity_at, entity_by_name

# --- the header block ---------------------------------------------------------------------

# The phrases that introduce names in a header, longest first so that "translated from the
# German by" wins over "by"; the role comes from the words in the cue (see ``cue_roles``).
ROLE_CUE = re.compile(
    r"(?<![\w-])(?:"
    r"(?:edited|translated|selected|compiled|annotated|introduced|interviewed)"
    r"(?:(?:,|\sand)\s(?:edited|translated|annotated|introduced))*"
    r"(?:\sfrom\sthe\s[A-Z][a-z]+)?"
    r"(?:,?\swith\san?\s(?:introduction|foreword|preface|afterword)(?:\sand\snotes)?,?)?"
    r"\sby"
    r"|with\san?\s(?:new\s)?(?:introduction|foreword|preface|afterword)(?:\sand\snotes)?\sby"
    r"|(?:introduction|foreword|preface|afterword)\sby"
    r"|by"
    r")\s",
    re.I,
)
# Where a run of names ends: the next cue, a line end, a parenthesis, or a full stop that is not
# an initial ("Anna K. Petrova. Knopf, 1979")
NAMES_END = re.compile(r"\n|\(|(?<=[a-z]{2})\.\s|(?<=[a-z]{2})\.$|;")
# Separators between names: "A and B", "A, B and C", "A, B, and C", "A & B"
NAME_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
# Name suffixes that follow a comma but belong to the name before it
NAME_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III"}
ISBN = re.compile(r"\bISBN(?:-1[03])?:?\s*(?P<isbn>[\dXx][\d\s-]{8,15}[\dXx])")
PRICE = re.compile(r"(?P<price>[$£€]\s?\d[\d,]*(?:\.\d{2})?|\d+(?:\.\d{2})?\s?(?:DM|francs|Fr\.))")
BINDING = re.compile(r"\(\s*(?P<binding>paper|paperback|paperbound|cloth|hardcover|hardback|boards)\s*\)"
                     r"|(?<=\d\s)(?P<loose>paper|paperback|cloth)\b", re.I)
# "240 pp.", "xii + 300 pp.", "412 pages": the front matter in roman numerals is not counted
PAGES = re.compile(r"(?:\b[ivxlc]+\s?\+\s?)?\b(?P<pages>\d[\d,]*)\s?(?:pp\b\.?|pages\b)", re.I)
YEAR = re.compile(r"(?<![\d$£.])\b(?P<year>1[5-9]\d\d|20\d\d)\b(?![\d.]\d)")
# "New York: Knopf" and "(Oxford: Clarendon Press"
PLACE_PUBLISHER = re.compile(
    r"(?P<place>[A-Z][\w.'’ -]*?(?:,\s[A-Z][\w.]*)?)\s?:\s?(?P<publisher>[A-Z][^,;\n]*)")
# What is left around the publisher once the other fields are taken out
PUNCTUATION_RESIDUE = re.compile(r"^[\s,.;:()+\-–]+|[\s,.;:()+\-–]+$")


def cue_roles(cue: str) -> list[str]:
    """The roles a cue gives its names, as Work field names."""
    cue = cue.lower()
    roles = [field for word, field in (("translat", "translators"), ("edit", "editors"),
                                        ("interview", "interviewers"), ("compiled", "editors"),
                                        ("selected", "editors"))
             if word in cue]
    if re.search(r"introduc|foreword|preface|afterword", cue):
        roles.append("introducers")
    return roles or ["authors"]


def _clean_name(text: str) -> str:
    """A name without the punctuation around it; the full stop stays after an initial or Jr."""
    text = text.strip(" ,;:")
    last = text.split()[-1] if text.split() else ""
    if text.endswith(".") and len(last) > 3 and last not in NAME_SUFFIXES:
        text = text[:-1]
    return text


def split_names(text: str) -> list[str]:
    parts = [_clean_name(p) for p in NAME_SEPARATOR.split(text) if _clean_name(p)]
    names: list[str] = []
    for part in parts:
        if part in NAME_SUFFIXES and names:
            names[-1] += ", " + part
        elif part[:1].isupper():  # "street by street, and translated them": prose, not names
            names.append(part)
    return names


@dataclass
class NameRun:
    roles: list[str]
    names: list[str]
    start: int
    end: int


def find_name_runs(text: str) -> list[NameRun]:
    """Each cue with the names that follow it, up to the next cue or the end of the run."""
    cues = list(ROLE_CUE.finditer(text))
    runs = []
    for index, cue in enumerate(cues):
        if cue.start() > 0 and not re.search(r"(?:^|[\n,;.(]\s*|\s)$", text[: cue.start()]):
            continue
        limit = cues[index + 1].start() if index + 1 < len(cues) else len(text)
        stop = NAMES_END.search(text, cue.end(), limit)
        end = stop.start() + (1 if stop and text[stop.start()] == "." else 0) if stop else limit
        names = split_names(text[cue.end(): stop.start() if stop else limit])
        runs.append(NameRun(cue_roles(cue.group(0)), names, cue.start(), end))
    return runs


def assign_names(work: Work, runs: list[NameRun]) -> None:
    """Names into their fields; a second plain "by" right after the author's names an interviewer."""
    for index, run in enumerate(runs):
        roles = run.roles
        follows_author = index > 0 and runs[index - 1].roles == ["authors"] and work.authors
        if roles == ["authors"] and follows_author:
            roles = ["interviewers"]
        for role in roles:
            getattr(work, role).extend(n for n in run.names if n not in getattr(work, role))


def _take(pattern: re.Pattern, text: str, group: str) -> tuple[Optional[str], str]:
    """The first match of a group, and the text with that match blanked out."""
    match = pattern.search(text)
    if not match or match.group(group) is None:
        return None, text
    return match.group(group), text[: match.start()] + " " + text[match.end():]


def _integer(text: Optional[str]) -> Optional[int]:
    return int(text.replace(",", "")) if text else None


def parse_publication(text: str, work: Work) -> None:
    """Publisher, place, year, pages, price, binding and ISBN from what the names left."""
    isbn, text = _take(ISBN, text, "isbn")
    work.isbn = re.sub(r"\s", "", isbn) if isbn else None
    binding = BINDING.search(text)
    if binding:
        work.binding = (binding.group("binding") or binding.group("loose")).lower()
        text = text[: binding.start()] + " " + text[binding.end():]
    work.price, text = _take(PRICE, text, "price")
    pages, text = _take(PAGES, text, "pages")
    work.pages = _integer(pages)
    year, text = _take(YEAR, text, "year")
    work.year = _integer(year)
    place_publisher = PLACE_PUBLISHER.search(text)
    if place_publisher:
        work.place = place_publisher.group("place").strip()
        work.publisher = PUNCTUATION_RESIDUE.sub("", place_publisher.group("publisher")) or None
        return
    segments = (PUNCTUATION_RESIDUE.sub("", part) for part in re.split(r"[\n;]|,\s|\.\s", text))
    work.publisher = next((s for s in segments if re.match(r"[A-Z]", s)), None)


def parse_work_block(title: str, lines: list[str]) -> Work:
    """One reviewed work from its header block: the title and the lines printed under it."""
    work = Work(title=title.strip().rstrip(".").strip(), reviewed=True)
    text = "\n".join(line.strip() for line in lines if line and line.strip())
    runs = find_name_runs(text)
    assign_names(work, runs)
    leftover = list(text)
    for run in runs:
        leftover[run.start: run.end] = " " * (run.end - run.start)
    parse_publication("".join(leftover), work)
    return work


def header_works(header: Optional[dict]) -> list[Work]:
    works = []
    for block in (header or {}).get("reviewed") or []:
        if isinstance(block, dict) and block.get("title"):
            works.append(parse_work_block(block["title"], list(block.get("lines") or [])))
    return works


# --- works named in the body --------------------------------------------------------------

_SMALL_WORDS = r"of|the|and|in|on|a|an|to|for|at|from|with|under|against|its|his|her|their|as|into"
# A title in running text: capitalised words (or numbers: "Reports from Spain 1936–1939"), with at
# most two small words between them
TITLE_WORDS = rf"[A-Z][\w'’-]*(?:(?:\s(?:{_SMALL_WORDS})){{0,2}}\s[A-Z0-9][\w'’–-]*)*"
# Whose work it is: "his History of ...", "Petrova's The Long Retreat", "her book The Flood"
_WORK_NOUNS = (r"book|novel|study|memoirs?|biography|history|essay|poem|play|pamphlet|treatise|diary|"
               r"autobiography|account|survey|monograph|collection|volume")
# Up to three words between the owner and the noun: adjectives ("his admirable new study")
_ADJECTIVES = r"(?:[a-z][\w-]*,?\s){0,3}?"
# Whose work: a possessive pronoun (or "whose", standing for the name before it) or a name's
_OWNER = r"(?:(?P<pronoun>[Hh]is|[Hh]er|[Tt]heir|[Ww]hose)|(?P<owner>[A-Z][\w-]+)['’]s?)"
OWNED_TITLE = re.compile(
    rf"\b{_OWNER}\s"
    rf"(?:(?:new|last|first|latest|early|earlier|late|later|great|famous|own|recent|best-known|celebrated)\s)?"
    rf"(?:{_ADJECTIVES}(?:{_WORK_NOUNS}),?\s)?"
    rf"(?P<title>{TITLE_WORDS})")
# A work named by its kind, not its title: "his latest book on the canals", "her admirable new
# study"; the words after "on"/"of"/"about" say which of the owner's works it is
OWNED_WORK = re.compile(
    rf"\b{_OWNER}\s{_ADJECTIVES}(?P<noun>book|study|memoirs?|biography|history|account|survey|monograph|volume)\b"
    r"(?!\s[A-Z0-9])(?:\s(?:on|of|about)\s(?P<subject>[^,.;:()—–\n]{1,80}))?")
# "wrote The Long Retreat", "the author of Red Winter", "for writing The Last Ledger"
AUTHORED_TITLE = re.compile(rf"\b(?:wrote|writing|published|publishing|author of|authors of)\s(?P<title>{TITLE_WORDS})")
# A date named as a work: "Halloran's book May 9, 1945" (the noun before it is required)
_MONTH_NAMES = "January|February|March|April|May|June|July|August|September|October|November|December"
DATED_TITLE = re.compile(
    rf"\b{_OWNER}\s{_ADJECTIVES}"
    rf"(?:book|novel|study|memoir|history|essay|poem|play|film|pamphlet|chronicle),?\s"
    rf"(?P<title>(?:{_MONTH_NAMES})\s\d{{1,2}},\s\d{{4}}|\d{{1,2}}\s(?:{_MONTH_NAMES})\s\d{{4}})")
# Entity labels that say a capitalised run is a name, not a title
NOT_TITLE_LABELS = {"PERSON", "GPE", "LOC", "ORG", "NORP", "DATE", "FAC", "EVENT"}
# A body title this close to a header title (0-100) is that work
SAME_WORK_SCORE = 90
# The dependencies of a clause's subject
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# How far back (characters) "his"/"her" looks for the person it stands for
PRONOUN_REACH = 400
# ... and "whose", which follows its name and a comma
WHOSE_REACH = 3
# The name before ", whose" when the parser did not take it for a person: capitalised words
NAME_BEFORE_WHOSE = re.compile(r"(?P<name>(?:[A-Z][\w.'’-]*\s){1,3}[A-Z][\w'’-]+),\s$")


@dataclass
class PersonMention:
    name: str  # the full name of the person
    start: int
    end: int
    text: str


def person_mentions(doc: Doc) -> list[PersonMention]:
    """People in the body: the entities component's if it ran, else the parser's PERSON spans."""
    found = [PersonMention(e.name, m.start, m.end, m.text)
             for e in annotations(doc, "entities") if e.type == "PERSON" for m in e.mentions]
    if not found:
        found = [PersonMention(ent.text, ent.start_char, ent.end_char, ent.text)
                 for ent in doc.ents if ent.label_ == "PERSON"]
    return sorted(found, key=lambda p: p.start)


def _same_person(short: str, name: str) -> bool:
    """A surname alone matches on the surname; "Roy Medvedev" also matches "Roy A. Medvedev"."""
    short_words, words = short.split(), name.split()
    if not short_words or not words:
        return False
    if len(short_words) == 1:
        return words[-1] == short_words[0]
    return (words[0], words[-1]) == (short_words[0], short_words[-1])


def full_name(short: str, doc: Doc, people: list[PersonMention], works: list[Work]) -> str:
    """The longest name known for someone called by a surname ("Petrova" -> "Anna K. Petrova"):
    the entity's name and aliases, the people named, the header's authors."""
    entity = entity_by_name(doc, short) if annotations(doc, "entities") else None
    known = [p.name for p in people] + [a for w in works for a in w.authors]
    known += [entity.name, *entity.aliases] if entity and entity.type == "PERSON" else []
    matches = [n for n in known if n == short or _same_person(short, n)]
    return max(matches, key=len) if matches else short


def name_spans(doc: Doc) -> list[tuple[int, int]]:
    return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in NOT_TITLE_LABELS]


def _covers(spans: Iterable[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


@dataclass
class TitleMention:
    title: str
    start: int
    end: int
    author: Optional[str] = None


def _trim_title(title: str) -> str:
    """Drop trailing small words a greedy match may have taken."""
    return re.sub(rf"(?:\s(?:{_SMALL_WORDS}))+$", "", title)


def sentence_subjects(doc: Doc, people: list[PersonMention]) -> set[int]:
    """Starts of the person mentions that are the subject of their clause: "his" most often
    stands for the subject ("Medvedev, when he comes to Stalin, as his book shows")."""
    subjects = set()
    for person in people:
        span = doc.char_span(person.start, person.end, alignment_mode="expand")
        if span is not None and span.root.dep_ in SUBJECT_DEPS:
            subjects.add(person.start)
    return subjects


def owned_titles(doc: Doc, people: list[PersonMention], works: list[Work]) -> list[TitleMention]:
    text = text_of(doc)
    names = name_spans(doc)
    subjects = sentence_subjects(doc, people)
    found = []
    for pattern in (OWNED_TITLE, AUTHORED_TITLE, DATED_TITLE):
        for match in pattern.finditer(text):
            title = _trim_title(match.group("title"))
            start = match.start("title")
            end = start + len(title)
            is_name = pattern is not DATED_TITLE and _covers(names, start, end)
            if len(title.split()) < 2 or is_name:
                continue
            owner = _owner(match, doc, people, works, subjects)
            if owner is None and pattern is AUTHORED_TITLE:
                owner = _writer(doc, match.start(), people, works)
            found.append(TitleMention(title, start, end, owner))
    return found


# How many heads up from "wrote"/"writing" the clause's subject is looked for
WRITER_DEPTH = 4


def _writer(doc: Doc, start: int, people: list[PersonMention], works: list[Work]) -> Optional[str]:
    """Who wrote it: the person (or the pronoun standing for one) who is the subject of the
    clause of "wrote"/"for writing" ("he was expelled for writing The Long Retreat")."""
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    if span is None or not doc.has_annotation("DEP"):
        return None
    token = span[0]
    for _ in range(WRITER_DEPTH):
        for child in token.children:
            if child.dep_ in SUBJECT_DEPS:
                entity = entity_at(doc, child.idx) if annotations(doc, "entities") else None
                person = entity.name if entity is not None and entity.type == "PERSON" else None
                return full_name(person, doc, people, works) if person else None
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _owner(match: re.Match, doc: Doc, people: list[PersonMention], works: list[Work],
           subjects: set[int]) -> Optional[str]:
    """Whose work: the named owner, for "whose" the name just before it, or for "his"/"her" the
    first person who is a subject in the sentence (its topic), else the last person named before it."""
    groups = match.groupdict()
    if groups.get("owner"):
        return full_name(groups["owner"], doc, people, works)
    if not groups.get("pronoun"):
        return None
    before = [p for p in people if p.end <= match.start() and match.start() - p.end <= PRONOUN_REACH]
    if groups["pronoun"].lower() == "whose":  # the name it follows: "the manager, Elias Whitcombe, whose"
        antecedent = [p.name for p in before if match.start() - p.end <= WHOSE_REACH]
        named = NAME_BEFORE_WHOSE.search(text_of(doc), max(0, match.start() - 80), match.start())
        name = antecedent[-1] if antecedent else named.group("name") if named else None
        return full_name(name, doc, people, works) if name else None
    sentence = doc.char_span(match.start(), match.end(), alignment_mode="expand")
    sentence_start = sentence.sent.start_char if sentence is not None and doc.has_annotation("SENT_START") else match.start()
    in_sentence = [p for p in before if p.start >= sentence_start and p.start in subjects]
    chosen = in_sentence[0] if in_sentence else (before[-1] if before else None)
    return full_name(chosen.name, doc, people, works) if chosen else None


def header_title_mentions(text: str, works: list[Work], names: list[tuple[int, int]]) -> list[tuple[Work, Mention]]:
    """Where the body repeats a reviewed title (or its main title, before the colon)."""
    found = []
    for work in works:
        for title in _searchable_titles(work.title):
            shortened = title != work.title  # a main title alone may be a name ("Anna Petrova: A Life")
            for match in re.finditer(rf"(?<!\w){re.escape(title)}(?!\w)", text):
                if not (shortened and _covers(names, match.start(), match.end())):
                    found.append((work, Mention(match.start(), match.end(), match.group(0))))
    return found


def _searchable_titles(title: str) -> list[str]:
    main = title.split(":")[0].strip()
    return [title] + ([main] if main != title and len(main.split()) >= 2 else [])


# Running text drops a title's article ("Marten's Harbour Gate"): compared without it
LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.I)


def _comparable(title: str) -> str:
    return LEADING_ARTICLE.sub("", title.lower())


def same_work(title: str, works: list[Work]) -> Optional[Work]:
    best, best_score = None, 0.0
    for work in works:
        for candidate in _searchable_titles(work.title):
            score = fuzz.ratio(_comparable(title), _comparable(candidate))
            if score > best_score:
                best, best_score = work, score
    return best if best_score >= SAME_WORK_SCORE else None


def _overlaps(mention: Mention, works: list[Work]) -> bool:
    return any(m.start < mention.end and mention.start < m.end for w in works for m in w.mentions)


def add_body_works(doc: Doc, works: list[Work]) -> list[Work]:
    """Header works get their body mentions; other named works are appended, reviewed=False."""
    people = person_mentions(doc)
    reviewed = list(works)
    for work, mention in header_title_mentions(text_of(doc), reviewed, name_spans(doc)):
        if not _overlaps(mention, works):
            work.mentions.append(mention)
    by_title: dict[str, Work] = {}
    for found in sorted(owned_titles(doc, people, works), key=lambda t: t.start):
        mention = Mention(found.start, found.end, found.title)
        if _overlaps(mention, works):
            continue
        work = same_work(found.title, reviewed) or by_title.get(found.title.lower())
        if work is None:
            work = Work(title=found.title, reviewed=False)
            by_title[found.title.lower()] = work
            works.append(work)
        if found.author and not work.authors:
            work.authors.append(found.author)
        work.mentions.append(mention)
    link_owned_works(doc, people, reviewed, works)
    for work in works:
        work.mentions.sort(key=lambda m: m.start)
    return works


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if not re.fullmatch(_SMALL_WORDS, w)}


def owners_work(owner: str, subject: str, reviewed: list[Work]) -> Optional[Work]:
    """The reviewed work of this author: the only one, or the one whose title shares most words
    with what the phrase says it is about."""
    theirs = [w for w in reviewed if any(_same_person(owner, a) or _same_person(a, owner)
                                         for a in w.authors + w.editors)]
    if len(theirs) == 1:
        return theirs[0]
    words = _content_words(subject)
    scored = sorted(((len(words & _content_words(w.title)), i) for i, w in enumerate(theirs)), reverse=True)
    if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[1][0] < scored[0][0]):
        return theirs[scored[0][1]]
    return None


def link_owned_works(doc: Doc, people: list[PersonMention], reviewed: list[Work], works: list[Work]) -> None:
    """"his latest book on X", "her admirable new study": a mention of the owner's reviewed work.
    The mention ends at the noun, so dates in what it is about are not taken for a title."""
    subjects = sentence_subjects(doc, people)
    for match in OWNED_WORK.finditer(text_of(doc)):
        mention = Mention(match.start(), match.end("noun"), text_of(doc)[match.start():match.end("noun")])
        if _overlaps(mention, works):
            continue
        owner = _owner(match, doc, people, reviewed, subjects)
        work = owners_work(owner, match.group("subject") or "", reviewed) if owner else None
        if work is not None:
            work.mentions.append(mention)


class WorkExtractor:
    def __call__(self, doc: Doc) -> Doc:
        doc._.works = add_body_works(doc, header_works(doc._.header))
        return doc


@Language.factory("historiograph_works", assigns=["doc._.works"], requires=["doc._.entities"])
def make_works(nlp: Language, name: str) -> WorkExtractor:
    return WorkExtractor()


PIPELINE.append("historiograph_works")
