"""People and organisations with their aliases, and the pronouns that refer to them.

``historiograph_entities`` writes ``doc._.entities``: one ``model.Entity`` per referent in the
document ("e1", "e2"...), named by its fullest form, with every alias and every mention
(name mentions and resolved pronouns, as character offsets into the document text).

The small NER model mislabels names (a surname tagged GPE in one sentence and PERSON in the
next), so a name's type is decided once for the whole document from all its mentions, the
review header and the context (honorifics, speech verbs). Later components map a character
offset to its entity with :func:`entity_at`.
"""

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Optional

import numpy
from spacy.attrs import IS_TITLE, LOWER, ORTH, POS
from spacy.language import Language
from spacy.parts_of_speech import PROPN
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from ..model import Entity, Mention
from . import PIPELINE, annotations, text_of

ENTITY_TYPES = ("PERSON", "ORG", "WORK_OF_ART", "GPE", "NORP")
MISLABELLED_TYPES = ("LOC", "FAC")

# Titles before a name: dropped when names are compared, kept in the aliases. The gender some
# of them tell lets pronouns find the person.
HONORIFIC_GENDER = {
    "mr": "m", "mr.": "m", "sir": "m", "lord": "m", "father": "m", "monsieur": "m", "herr": "m",
    "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f", "lady": "f", "dame": "f",
    "madame": "f", "mme": "f", "mme.": "f", "sister": "f", "frau": "f",
}
HONORIFICS = set(HONORIFIC_GENDER) | {
    "dr", "dr.", "prof", "prof.", "professor", "reverend", "rev", "rev.", "captain", "capt.",
    "councillor", "senator", "judge", "general", "colonel", "president", "the",
}
# Common given names whose gender the spelling does not tell (names ending in -a mostly are f).
FEMALE_NAMES = set(
    "agnes alice ann anne annie bridget carol caroline catherine charlotte claire clara dorothy "
    "edith eleanor eliza elizabeth ellen emily emma esther frances grace hannah harriet helen "
    "irene jane janet jean joan judith julia julie karen kate katherine laura lucy margaret "
    "marie martha mary maureen miriam nancy olga priya rachel rose ruth sarah sian sophie "
    "susan vera".split()
)
MALE_NAMES = set(
    "albert alexander andrew arthur benjamin charles claude colin daniel david declan desmond "
    "edmund edward felix francis frederick gareth george harold henry hugh ivan jack james john "
    "joseph josiah kenneth leon leonard martin michael nicholas owen paul peter "
    "ray richard robert roy samuel silas simon thomas walter william ezra joshua jonah nikita "
    "ilya sasha luca andrea".split()
)
# Words that make a capitalised phrase an institution, whatever the NER said.
ORG_WORDS = set(
    "press university college company committee council party institute trust authority "
    "union society association ministry department railway bank board office museum "
    "library church publishers books review times government policy army guards congress "
    "revolution movement international federation league guild commission commissioners trustees "
    "governors directors chamber".split()
)
# Words in titles and institutions that a person's name does not contain.
NOT_IN_PERSON_NAMES = {"The", "of", "Of", "and", "And", "for", "in", "on", "&"}
# Nouns after a possessive name that show the name is a person ("Adeyemi's book").
PERSON_CONTEXT_NOUNS = set(
    "book books memoir memoirs study biography diary letter letters essay account words "
    "description view argument contention hero wife husband father mother sister brother "
    "colleague successor career life death".split()
)
KIN_GENDER = {
    "brother": "m", "son": "m", "father": "m", "husband": "m", "uncle": "m", "nephew": "m",
    "grandson": "m", "grandfather": "m", "widower": "m",
    "sister": "f", "daughter": "f", "mother": "f", "wife": "f", "aunt": "f", "niece": "f",
    "granddaughter": "f", "grandmother": "f", "widow": "f",
}
# How often each word of a two-name span must stand alone as a name before the span is split.
RUN_ON_MIN_ALONE = 2
LOCATIVE_PREPOSITIONS = {"in", "at", "near", "to", "into", "across", "around"}
# Writings whose "by/from/of X" names a person: "a manuscript of X", "a letter from X".
WRITING_NOUNS = {"letter", "letters", "manuscript", "memoir", "memoirs", "diary", "poem", "essay",
                 "notebook", "notebooks", "note", "speech", "interview", "novel", "biography"}
# Verbs whose subject is a person (or an institution speaking): evidence for PERSON.
SPEECH_LEMMAS = set(
    "say write tell call describe argue recall insist add admit note claim complain warn "
    "remember believe think reply answer explain declare announce observe suggest contend "
    "remark state report quote concede confess".split()
)
PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "himself": "m",
                  "she": "f", "her": "f", "hers": "f", "herself": "f"}
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# How many sentences back a pronoun may look for its antecedent.
PRONOUN_WINDOW = 2
# Header lines name people after these words: "by A, translated by B and C".
HEADER_ROLE = re.compile(r"\b(?:by|and|with)\s+", re.IGNORECASE)
HEADER_NAME = re.compile(r"[A-Z][\w.’'\-]*(?:\s+(?:[A-Z][\w.’'\-]*|de|van|von|la|le|du|da))*")
POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
# Lower-case particles belong to the surname, not the given names: "Karim bin Saleh" is "bin
# Saleh" for short, "Pieter de Vries" is "de Vries".
NAME_PARTICLES = {"bin", "ibn", "bint", "al", "el", "de", "del", "della", "di", "da", "du", "des",
                  "van", "von", "der", "den", "ter", "la", "le", "ben", "abu", "ap"}
USER_DATA_INDEX = "historiograph.entity_index"


@dataclass
class _Cluster:
    """An entity being built: the name forms seen so far and the mentions in text order."""

    type: str
    given: list[str] = field(default_factory=list)
    surname: str = ""
    forms: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    gender: Optional[str] = None
    bare_surname_seen: bool = False
    last_seen: int = -1

    def add(self, mention: Mention, form: str, order: int) -> None:
        self.mentions.append(mention)
        if form and form not in self.forms:
            self.forms.append(form)
        self.last_seen = order


def name_words(text: str) -> tuple[list[str], list[str]]:
    """A name's honorifics and its bare words: "Dr. Anna Petrova's" -> (["dr."], ["Anna", "Petrova"])."""
    words = POSSESSIVE.sub("", text.strip()).split()
    titles = []
    while words and words[0].lower() in HONORIFICS and len(words) > 1:
        titles.append(words.pop(0).lower())
    return titles, words


def surface_form(text: str) -> str:
    """The alias as written, without a possessive ending or a leading "the"."""
    text = POSSESSIVE.sub("", text.strip())
    return re.sub(r"^(?:the|The)\s+", "", text)


def given_compatible(known: list[str], new: list[str]) -> bool:
    """"Anna K." fits "Anna", "A." fits "Anna"; "Gareth" does not fit "Sian"."""
    if not known or not new:
        return True
    a, b = known[0].rstrip(".").lower(), new[0].rstrip(".").lower()
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return a == b


def gender_of(titles: list[str], given: list[str]) -> Optional[str]:
    for title in titles:
        if title in HONORIFIC_GENDER:
            return HONORIFIC_GENDER[title]
    if not given:
        return None
    first = given[0].lower().rstrip(".")
    if first in FEMALE_NAMES:
        return "f"
    if first in MALE_NAMES:
        return "m"
    if len(first) > 2 and first.endswith("a"):
        return "f"
    return None


def header_people(header: Optional[dict]) -> list[str]:
    """Names on the review header's "by ..., translated by ..., edited by ..." lines."""
    names = []
    for work in (header or {}).get("reviewed", []) or []:
        for line in work.get("lines", []) or []:
            for part in re.split(r",|;", line):
                match = HEADER_ROLE.search(part)
                if match:
                    name = HEADER_NAME.match(part[match.end():].strip())
                    if name and len(name.group().split()) >= 2:
                        names.append(name.group())
    return names


def _span_text(span: Span) -> str:
    """``span.text`` sliced from the document's text: ``Span.text`` makes a Token per word."""
    return text_of(span.doc)[span.start_char:span.end_char]


def _speech_subject(token: Token) -> bool:
    return token.dep_ in SUBJECT_DEPS and token.head.lemma_ in SPEECH_LEMMAS


def _person_cue(span: Span) -> bool:
    """Context saying the span names a person: an honorific, a speech verb, "X's memoir"."""
    first, last = span[0], span[-1]
    if first.i > 0 and span.doc[first.i - 1].lower_ in HONORIFICS - {"the"}:
        return True
    if any(_speech_subject(token) for token in span):
        return True
    after = span.doc[last.i + 1: last.i + 3]
    return len(after) == 2 and after[0].tag_ == "POS" and after[1].lower_ in PERSON_CONTEXT_NOUNS


def _has_org_word(text: str) -> bool:
    """An institution's word, or a title's small word ("The Salt Roads", "Rights of Man"): not a
    person ("the Reverend Silas Orme" is one)."""
    words = POSSESSIVE.sub("", text.strip()).split()
    if len(words) > 1 and words[0].lower() == "the" and words[1].lower() in HONORIFICS:
        words = words[1:]
    return any(word.lower() in ORG_WORDS or word in NOT_IN_PERSON_NAMES for word in words)


def _candidate_spans(doc: Doc) -> list[tuple[Span, str]]:
    """NER spans of the types we keep, with their label; places and facilities too, since the
    NER calls some people so ("Agnes Merrow" LOC): they are kept only if they turn out people."""
    return [(ent, ent.label_) for ent in doc.ents if ent.label_ in ENTITY_TYPES + MISLABELLED_TYPES]


def _person_keys(doc: Doc, spans: list[tuple[Span, str]], header_names: list[str]) -> set[str]:
    """Surnames (lower case) that name a person in this document."""
    keys = set()
    for name in header_names:
        keys.add(name_words(name)[1][-1].lower())
    for span, label in spans:
        text = _span_text(span)
        titles, words = name_words(text)
        if not words or _has_org_word(text) or (label == "PERSON" and _is_place_object(span)):
            continue
        given_name = len(words) > 1 and _known_given_name(words[0])
        if label == "PERSON" or titles or given_name or _person_cue(span):
            keys.add(words[-1].lower())
    return keys


# The scans below read these columns of the Doc to find the few tokens worth a Token object:
# iterating a Doc makes one per token, which cost more than all their tests.


def _capitalised_proper_nouns(doc: Doc) -> list[int]:
    """Indices of the title-case tokens tagged PROPN."""
    columns = doc.to_array([POS, IS_TITLE])
    return numpy.flatnonzero((columns[:, 0] == PROPN) & (columns[:, 1] == 1)).tolist()


def _tokens_among(doc: Doc, attr: int, words: Iterable[str]) -> list[int]:
    """Indices of the tokens whose ``attr`` (ORTH or LOWER) may be one of ``words``: the ids
    match, so the caller still tests the word itself. (A bisection: ``numpy.isin`` sorts both.)"""
    ids = numpy.unique(numpy.array([get_string_id(word) for word in words], dtype=numpy.uint64))
    if not len(ids):
        return []
    column = doc.to_array(attr)
    position = numpy.searchsorted(ids, column).clip(max=len(ids) - 1)
    return numpy.flatnonzero(ids[position] == column).tolist()


def _unlabelled_authors(doc: Doc, covered: set[int]) -> list[Span]:
    """Proper names the NER left out after "a letter from", "a manuscript of", "a memoir by", or
    as the subject of a speech verb ("Farrow told the meeting")."""
    found = []
    for i in _capitalised_proper_nouns(doc):
        if i in covered:
            continue
        token = doc[i]
        preposition = token.head
        author = token.dep_ == "pobj" and preposition.lower_ in ("by", "from", "of") \
            and preposition.head.lemma_ in WRITING_NOUNS
        titled = any(c.dep_ == "appos" for c in token.children)  # "The Attorney General, Sir X,"
        if author or (_speech_subject(token) and not titled):
            start = token.i
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound":
                start -= 1
            found.append(doc[start:token.i + 1])
    return found


def _kin_appositives(doc: Doc) -> list[Span]:
    """Names in apposition to a kinship word: "Her mother, Winifred," "his brother Jonah". The NER
    often leaves a lone first name out or calls it a product or an organisation."""
    found = []
    for token in (doc[i] for i in _capitalised_proper_nouns(doc)):
        if token.dep_ == "appos" and token.head.lower_ in KIN_GENDER:
            start = token.i
            while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].dep_ == "compound":
                start -= 1
            found.append(doc[start:token.i + 1])
    return found


def _institution_short_names(doc: Doc, spans: list[tuple[Span, str]], covered: set[int]) -> list[Span]:
    """"the Trustees" after "the Barrow Bridge Trustees": the NER often leaves the short form out."""
    last_words = {span[-1].text for span, label in spans
                  if len(span) > 1 and (label == "ORG" or span[-1].lower_ in ORG_WORDS)}
    named = (doc[i] for i in _tokens_among(doc, ORTH, last_words) if i not in covered)
    return [doc[t.i:t.i + 1] for t in named if t.text in last_words and t.is_title and not t.is_sent_start]


def _extra_person_spans(doc: Doc, covered: set[int], known: set[str]) -> list[Span]:
    """Mentions the NER missed: capitalised tokens that repeat a known person's name word."""
    spans = []
    end = 0
    for i in _tokens_among(doc, LOWER, known):
        if i < end or i in covered:
            continue
        token = doc[i]
        if not token.is_title or token.lower_ not in known:
            continue
        start = i
        while start > 0 and start - 1 not in covered and doc[start - 1].is_title \
                and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_sent_start is not True:
            start -= 1
        end = i + 1
        while end < len(doc) and end not in covered and doc[end].is_title and doc[end].pos_ == "PROPN":
            end += 1
        spans.append(doc[start:end])
    return spans


class _Resolver:
    """Groups name mentions into entities, in text order."""

    def __init__(self) -> None:
        self.people: list[_Cluster] = []
        self.others: dict[tuple[str, str], _Cluster] = {}
        self.institutions: dict[str, _Cluster] = {}  # the last word of a body's longer name
        self.order = 0

    def add_person(
        self, text: str, mention: Optional[Mention], gender: Optional[str] = None
    ) -> Optional[_Cluster]:
        titles, words = name_words(text)
        if not words:
            return None
        self.order += 1
        given, surname = _given_names(words), words[-1]
        cluster = self._find_person(given, surname)
        if cluster is None:
            cluster = _Cluster("PERSON", given=given, surname=surname)
            self.people.append(cluster)
        elif len(given) > len(cluster.given) and cluster.surname.lower() == surname.lower():
            cluster.given = given
        if not given and cluster.surname.lower() == surname.lower():
            cluster.bare_surname_seen = cluster.bare_surname_seen or mention is not None
        cluster.gender = cluster.gender or gender or gender_of(titles, given or cluster.given)
        form = surface_form(text)
        if mention is not None:
            cluster.add(mention, form, self.order)
        elif form not in cluster.forms:
            cluster.forms.append(form)
        return cluster

    def _find_person(self, given: list[str], surname: str) -> Optional[_Cluster]:
        key = surname.lower()
        same = [c for c in self.people if c.surname.lower() == key and given_compatible(c.given, given)]
        if same:
            if not given:  # a bare surname: the namesake already called so, else the latest
                return max(same, key=lambda c: (c.bare_surname_seen, c.last_seen))
            return max(same, key=lambda c: c.last_seen)
        if not given:  # a first name alone ("Agnes")
            by_given = [c for c in self.people if c.given and c.given[0].lower() == key]
            if by_given:
                return max(by_given, key=lambda c: c.last_seen)
        return None

    def institution_ending(self, text: str) -> Optional[_Cluster]:
        """"the Commissioners" after "the Carrick Harbour Commissioners": a lone word that ends
        the name of an institution already named is that institution."""
        words = surface_form(text).split()
        # a body's word or a plural ("Commissioners"), not a surname the NER ran into an ORG
        if len(words) != 1 or not (words[0].lower() in ORG_WORDS or words[0].endswith("s")):
            return None
        return self.institutions.get(words[0].lower())

    def add_to(self, cluster: _Cluster, text: str, mention: Mention) -> None:
        self.order += 1
        cluster.add(mention, surface_form(text), self.order)

    def add_other(self, text: str, label: str, mention: Mention) -> _Cluster:
        form = surface_form(text)
        key = (label, form.lower())
        cluster = self.others.setdefault(key, _Cluster(label))
        words = form.lower().split()
        if len(words) > 1 and (label == "ORG" or words[-1] in ORG_WORDS):
            self.institutions[words[-1]] = cluster
        self.order += 1
        cluster.add(mention, form, self.order)
        return cluster


def _mention(doc: Doc, span: Span) -> Mention:
    """The span without a trailing possessive token."""
    end = span.end
    while end > span.start + 1 and doc[end - 1].tag_ == "POS":
        end -= 1
    piece = doc[span.start:end]
    return Mention(piece.start_char, piece.end_char, _span_text(piece))


def _person_span_type(span: Span, label: str, person_keys: set[str]) -> str:
    text = _span_text(span)
    _titles, words = name_words(text)
    if words and not _has_org_word(text):
        if words[-1].lower() in person_keys or (len(words) > 1 and _known_given_name(words[0])):
            return "PERSON"
        if label == "PERSON" and _is_place_object(span):
            return "GPE"
    if label == "PERSON" and words and _has_org_word(text):
        return "WORK_OF_ART" if text.split()[0] == "The" else "ORG"
    return label


def _given_names(words: list[str]) -> list[str]:
    """The given names of a name's words: those before the surname and its particles."""
    given = words[:-1]
    while given and given[-1] in NAME_PARTICLES:
        given = given[:-1]
    return given


def _known_given_name(word: str) -> bool:
    return word.lower() in FEMALE_NAMES or word.lower() in MALE_NAMES


def _is_place_object(span: Span) -> bool:
    """A lone word after a locative preposition ("apples in Kent") is a place, not a person."""
    root = span.root
    return len(span) == 1 and root.dep_ == "pobj" and root.head.lower_ in LOCATIVE_PREPOSITIONS


def kinship_gender(span: Span) -> Optional[str]:
    """The gender a kinship word beside the name tells: "his brother Jonah", "Ezra's grandson"."""
    root = span.root
    neighbours = list(root.children) + ([root.head] if root.dep_ in ("appos", "compound") else [])
    for token in neighbours:
        if token.dep_ in ("appos", "compound") or token.i == root.head.i:
            if token.lower_ in KIN_GENDER:
                return KIN_GENDER[token.lower_]
    return None


def _join_fragments(doc: Doc, typed: list[tuple[Span, str]]) -> list[tuple[Span, str]]:
    """A name the NER cut in two ("Ezra" + "Pole"): adjacent name spans, one a person, are one."""
    joined: list[tuple[Span, str]] = []
    for span, label in typed:
        if joined:
            previous, previous_label = joined[-1]
            adjacent = previous.end == span.start and len(previous) == 1 and previous[0].is_title
            if adjacent and "PERSON" in (label, previous_label) and not _has_org_word(_span_text(span)):
                joined[-1] = (doc[previous.start:span.end], "PERSON")
                continue
        joined.append((span, label))
    return joined


def _split_run_on(doc: Doc, span: Span, label: str, used_alone: Counter) -> list[tuple[Span, str]]:
    """Two surnames the NER ran together ("in the quarrel Hale Sayle lost"): one mention each,
    when every word of the span is also used alone as a name elsewhere, again and again (a
    first name used alone once, "Ezra's grandson", does not split "Ezra Pole")."""
    if label != "PERSON":
        return [(span, label)]
    words = [t for t in span if t.is_alpha and t.lower_ not in HONORIFICS]
    if len(words) < 2 or any(used_alone[t.lower_] < RUN_ON_MIN_ALONE for t in words):
        return [(span, label)]
    return [(doc[t.i:t.i + 1], label) for t in words]


def _names_used_alone(typed: list[tuple[Span, str]]) -> Counter:
    return Counter(span[-1].lower_ for span, label in typed
                   if label == "PERSON" and len([t for t in span if t.is_alpha]) == 1)


def _with_title(doc: Doc, span: Span) -> Span:
    """Extend a name span left over an honorific the NER left out ("Dr." + "Petrova")."""
    start = span.start
    while start > 0 and doc[start - 1].lower_ in HONORIFICS - {"the"}:
        start -= 1
    return doc[start:span.end]


def _collect_names(doc: Doc) -> tuple[_Resolver, dict[int, _Cluster]]:
    """Every name mention, grouped; and the cluster of each token that starts a person mention."""
    header_names = header_people(doc._.header)
    spans = _candidate_spans(doc)
    person_keys = _person_keys(doc, spans, header_names)
    known_words = set(person_keys)
    for name in header_names:
        known_words.update(w.lower() for w in name_words(name)[1])
    covered = {i for span, _ in spans for i in range(span.start, span.end)}
    kin = _kin_appositives(doc)
    person_keys.update(span[-1].lower_ for span in kin)
    authors = _unlabelled_authors(doc, covered)
    named = covered | {span.root.i for span in authors}
    authors += [span for span in kin if span.root.i not in named]
    person_keys.update(span[-1].lower_ for span in authors)
    known_words.update(span[-1].lower_ for span in authors)
    covered.update(i for span in authors for i in range(span.start, span.end))
    extra = [(span, "PERSON") for span in authors + _extra_person_spans(doc, covered, known_words)]
    extra += [(span, "ORG") for span in _institution_short_names(doc, spans, covered)]
    typed = sorted(
        [(_with_title(doc, span), _person_span_type(span, label, person_keys)) for span, label in spans + extra],
        key=lambda item: item[0].start,
    )
    typed = _join_fragments(doc, typed)
    used_alone = _names_used_alone(typed)
    typed = [piece for span, label in typed for piece in _split_run_on(doc, span, label, used_alone)]
    resolver = _Resolver()
    for name in header_names:
        resolver.add_person(name, None)
    heads: dict[int, _Cluster] = {}
    for span, label in typed:
        mention = _mention(doc, span)
        text = _span_text(span)
        institution = resolver.institution_ending(text)
        if institution is not None:
            resolver.add_to(institution, text, mention)
        elif label == "PERSON":
            cluster = resolver.add_person(text, mention, kinship_gender(span))
            if cluster is not None:
                heads[span.root.i] = cluster
        elif label in ENTITY_TYPES:
            resolver.add_other(text, label, mention)
    return resolver, heads


def _antecedent(
    pronoun: Token, recent: list[tuple[Token, _Cluster]], sentence_of: list[int]
) -> Optional[_Cluster]:
    """The person a pronoun refers to: same gender, nearest sentence, subjects first."""
    gender = PRONOUN_GENDER[pronoun.lower_]
    candidates = []
    for token, cluster in recent:
        distance = sentence_of[pronoun.i] - sentence_of[token.i]
        if distance > PRONOUN_WINDOW or cluster.gender not in (None, gender):
            continue
        if distance == 0 and _bound_elsewhere(pronoun, token):
            continue
        is_subject = _plays_subject(token)
        if pronoun.dep_ in SUBJECT_DEPS:  # "he" continues the last sentence's subject over a name in passing
            rank = (distance > 1, not is_subject, distance, cluster.gender is None, -token.i)
        else:
            rank = (distance, cluster.gender is None, not is_subject, -token.i)
        candidates.append((rank, cluster))
    return min(candidates, key=lambda item: item[0])[1] if candidates else None


def _plays_subject(token: Token) -> bool:
    """A subject, or standing for one: "Her mother, the widow Susannah, ...", "Her ..."."""
    while token.dep_ == "appos" and token.head.i != token.i:
        token = token.head
    if token.dep_ == "poss":
        if token.head.lower_ in KIN_GENDER:  # "Her mother, Winifred, ran ...": the mother is the subject
            return False
        token = token.head
    return token.dep_ in SUBJECT_DEPS


def _bound_elsewhere(pronoun: Token, name: Token) -> bool:
    """A subject or object pronoun cannot be a name that is the subject of its own clause or of
    the clause it interrupts ("Dunning, he notes, was ...", "Kellaway is fair to him")."""
    if pronoun.lower_ in ("his", "her") and pronoun.dep_ == "poss":
        return False
    verb = pronoun.head
    if pronoun.dep_ in SUBJECT_DEPS:
        # "X describes ..., and he calls ...": a conjoined clause may share its subject
        clause_heads = {verb.i} if verb.dep_ == "conj" else {verb.i, verb.head.i}
    else:  # "fair to him": up through the preposition and adjective to the clause's verb
        while verb.pos_ in ("ADP", "ADJ") and verb.head.i != verb.i:
            verb = verb.head
        clause_heads = {verb.i}
    return name.dep_ in SUBJECT_DEPS and name.head.i in clause_heads


def _quoted_tokens(doc: Doc) -> list[bool]:
    """For each token, whether it lies inside quotation marks."""
    from .quotes import doc_quotes  # imported here: the quotes module reads this one

    quoted = [False] * len(doc)
    for raw in doc_quotes(doc):
        span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
        if span is not None and not raw.block:
            quoted[span.start:span.end] = [True] * len(span)
    return quoted


def _resolve_pronouns(doc: Doc, heads: dict[int, _Cluster]) -> None:
    """Add each he/she/his/her/him to the entity it refers to, in one pass over the tokens."""
    recent: list[tuple[Token, _Cluster]] = []
    sentence_of = [0] * len(doc)
    for index, sent in enumerate(doc.sents):
        sentence_of[sent.start:sent.end] = [index] * len(sent)
    quoted = _quoted_tokens(doc)
    pronouns = _tokens_among(doc, LOWER, PRONOUN_GENDER)
    for token in (doc[i] for i in sorted(heads.keys() | pronouns)):
        if token.i in heads:
            recent.append((token, heads[token.i]))
            recent = recent[-12:]
        elif token.lower_ in PRONOUN_GENDER and token.pos_ == "PRON":
            # '"... not even Hollis," he told Orrick': a name inside a quote is no antecedent outside it
            visible = recent if quoted[token.i] else [(t, c) for t, c in recent if not quoted[t.i]]
            cluster = _antecedent(token, visible, sentence_of)
            if cluster is not None:
                cluster.mentions.append(Mention(token.idx, token.idx + len(token.text), token.text))
                cluster.gender = cluster.gender or PRONOUN_GENDER[token.lower_]
                recent.append((token, cluster))


def _to_entities(resolver: _Resolver) -> list[Entity]:
    clusters = [c for c in resolver.people if c.mentions] + list(resolver.others.values())
    clusters.sort(key=lambda c: c.mentions[0].start)
    entities = []
    for number, cluster in enumerate(clusters, start=1):
        name = _fullest(cluster)
        aliases = [form for form in cluster.forms if form != name]
        mentions = sorted(cluster.mentions, key=lambda m: m.start)
        entities.append(Entity(f"e{number}", cluster.type, name, aliases, mentions, cluster.gender))
    return entities


def _fullest(cluster: _Cluster) -> str:
    def fullness(form: str) -> tuple[int, int]:
        return len(name_words(form)[1]), -len(name_words(form)[0])

    best = max(cluster.forms, key=fullness) if cluster.forms else ""
    if cluster.type == "PERSON":
        return " ".join(name_words(best)[1])
    return best


def extract_entities(doc: Doc) -> list[Entity]:
    resolver, heads = _collect_names(doc)
    _resolve_pronouns(doc, heads)
    return _to_entities(resolver)


def entity_at(doc: Doc, char_offset: int) -> Optional[Entity]:
    """The entity one of whose mentions (name or resolved pronoun) covers ``char_offset``.

    Built once per Doc and cached in ``doc.user_data``: later components (quotes, claims) call it
    for each subject token they look at, e.g. ``entity_at(doc, token.idx)``.
    """
    entities = annotations(doc, "entities")
    cached = doc.user_data.get(USER_DATA_INDEX)
    if cached is None or cached[0] is not entities:
        spans = sorted((m.start, m.end, e) for e in entities for m in e.mentions)
        cached = (entities, [s[0] for s in spans], spans)
        doc.user_data[USER_DATA_INDEX] = cached
    _, starts, spans = cached
    position = bisect.bisect_right(starts, char_offset) - 1
    if position >= 0 and spans[position][0] <= char_offset < spans[position][1]:
        return spans[position][2]
    return None


def entity_by_name(doc: Doc, name: str) -> Optional[Entity]:
    """The entity whose name or an alias is ``name``, or whose surname is its last word."""
    _titles, words = name_words(name)
    if not words:
        return None
    entities = annotations(doc, "entities")
    for entity in entities:
        if name in (entity.name, *entity.aliases):
            return entity
    for entity in entities:
        if entity.type == "PERSON" and entity.name.split()[-1] == words[-1]:
            return entity
    return None


class EntityExtractor:
    """Writes ``doc._.entities``: people and organisations with aliases and pronoun mentions."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.entities = extract_entities(doc)
        doc.user_data.pop(USER_DATA_INDEX, None)
        return doc


@Language.factory("historiograph_entities", assigns=["doc._.entities"], requires=["doc.ents", "token.dep"])
def make_entities(nlp: Language, name: str) -> EntityExtractor:
    return EntityExtractor()


PIPELINE_NAME = "historiograph_entities"
if PIPELINE_NAME not in PIPELINE:
    PIPELINE.append(PIPELINE_NAME)
