"""Quotations: every quoted span, its kind (quotation, scare, title) and, for quotations, its speaker.

``historiograph_quotes`` writes ``doc._.quotes``: a list of ``model.Quote`` ("q1", "q2"...).

Offsets: ``start``/``end`` cover the quoted words *without* the quotation marks, so
``doc.text[start:end] == quote.text``. A quotation that runs over a paragraph break with the
opening mark repeated is one Quote whose text keeps the break and the repeated mark. A block
quotation (a paragraph quoted whole after "she quotes a letter from ...:") covers the paragraph.

Marks: curly and straight double quotes, single quotes (an apostrophe inside or at the edge of a
word is not a mark: don't, students', 'tis, rock 'n' roll), guillemets, a single quote nested in
a double one. A mark without its partner never raises: the quote runs from the paragraph start to
a lone closing mark, or from a lone opening mark to the paragraph end, with ``unbalanced=True``.

Kinds: ``title`` for title case after a work noun ("her essay, 'Gold Without Kings'") or a title
the works component found; ``scare`` for a short verbless phrase no speaker cue governs (a term,
a word used as a word) and for unattributed names and slogans; ``quotation`` otherwise.

Speakers come from cues around the quote, read off the one parse (no re-parsing), and are
entity ids from ``historiograph_entities`` (see ``entities.entity_at``). ``speaker_reason`` names
the cue: "verb:writes" (a speech or thought verb whose subject is the speaker), "according to",
"in X's words", "possessive" ("X's description"), "work author" ("so her memoir has it", "the
report described"), "summary of view" ("the assertion that ... 'temporary'"), "continuation"
(the same voice goes on), "block source" ("a letter from X:"); prefixed "pronoun, " when a
resolved pronoun led there. Guesses say so: "previous sentence subject (weak)", "sentence subject
(weak)". With no speaker the reason says why: "no cue", "unnamed speaker: <the subject word>",
"a term in the writer's own quotes", "title of a work".
"""

import bisect
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from ..model import Entity, Quote
from . import PIPELINE, annotations, text_of
from .entities import entity_at, entity_by_name

DOUBLE_OPEN, DOUBLE_CLOSE = "“„", "”"
GUILLEMET_OPEN, GUILLEMET_CLOSE = "«‹", "»›"
SINGLE_OPEN, SINGLE_CLOSE = "‘", "’"
STRAIGHT_DOUBLE, STRAIGHT_SINGLE = '"', "'"
ALL_MARKS = DOUBLE_OPEN + DOUBLE_CLOSE + GUILLEMET_OPEN + GUILLEMET_CLOSE + SINGLE_OPEN + SINGLE_CLOSE + '"\''
# A mark that opens follows a space, a bracket, a dash or another mark; one that closes does not.
OPENING_CONTEXT = set(" \t\n([{—–-/") | set(ALL_MARKS)
# Elisions that begin with an apostrophe, not a quotation mark: 'tis, 'em, rock 'n' roll, '90s.
ELISION = re.compile(r"['’‘](?:tis|twas|twere|em|n['’‘]|til|cause|round|\d0s|\d\d\b)", re.IGNORECASE)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Words in the sentence before a colon that announce a paragraph quoted whole.
BLOCK_INTRODUCERS = re.compile(
    r"\b(quot\w*|letter|passage|extract|entry|diary|reads?|wr[io]tes?|written|following|says?|said|"
    r"manuscript|memoir|puts it)\b",
    re.IGNORECASE,
)
# Verbs whose subject is the speaker of the quote they govern or sit beside.
SPEECH_LEMMAS = set(
    "say write tell call describe argue recall insist add admit note claim complain warn remember "
    "reply answer explain declare announce observe suggest contend remark state report concede "
    "confess think regard consider term dub label brand dismiss praise predict promise ask cry "
    "shout proclaim assert maintain conclude put sum recount protest boast lament reflect believe "
    "hold feel envisage record relate".split()
)
# Verbs that pass judgment through "as": the quoted judgment is the subject's ("hail X as 'y'").
AS_VERBS = {"approve", "denounce", "condemn", "hail", "characterise", "characterize", "portray",
            "depict", "present", "see", "treat", "welcome", "attack", "defend", "celebrate"}
# Documents whose words are their author's: "her memoir begins", "his letter says".
DOCUMENT_NOUNS = set(
    "book memoir memoirs diary letter letters account history study biography survey report "
    "entry essay article pamphlet preface introduction manuscript autobiography journal notebook "
    "statement speech lecture review column subtitle epigraph caption headline almanac tract "
    "broadside newsletter chronicle daybook logbook log ledger minutes notes papers testimony "
    "recollections reminiscences interview deposition".split()
)
# How many tokens back "the report" may look for "a report by X".
EARLIER_DOCUMENT_WINDOW = 400
# Verbs a document "speaks" with: "so her memoir has it", "the entry reads".
DOCUMENT_VERBS = {"have", "read", "begin", "end", "run", "say", "put", "state", "conclude", "open", "declare"}
# Nouns a possessive speaker owns the quote through: "Trotsky's description", "Lenin's word".
QUOTE_NOUNS = set(
    "description word words phrase term formula remark verdict judgment judgement account "
    "explanation expression slogan characterisation characterization definition comment "
    "summary motto epithet label view".split()
)
# Nouns before a quoted title-case span that say it is the title of a work.
TITLE_CONTEXT = set(
    "titled entitled chapter essay poem song hit single album story novel article book film play "
    "pamphlet broadside introduction headline column lecture tract volume series record tune "
    "painting section part opera symphony".split()
)
TITLE_LOWER_WORDS = {"a", "an", "the", "of", "in", "on", "and", "or", "for", "to", "at", "by", "from", "with", "as"}
# A verbless quoted phrase this short without a speaker cue governing it is the writer's own
# (scare quotes, terms, words used as words).
SHORT_QUOTE_WORDS = 5
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
RELATIVE_PRONOUNS = {"who", "which", "that"}
# The parser's guesses for a speaker after an interrupting verb ("..., writes the historian Y, ...").
INVERTED_SPEAKER_DEPS = {"dobj", "attr", "nsubj", "npadvmod", "appos"}
# Nouns for a view held: a quote inside "the assertion that ... 'temporary'" is the holder's word.
VIEW_NOUNS = {"assertion", "claim", "argument", "view", "idea", "notion", "belief", "contention",
              "thesis", "conviction", "insistence", "suggestion"}
# How far below a view noun a quote may sit to be its holder's word ("the assertion that X was 'y'").
VIEW_PATH_STEPS = 4
MODIFIER_DEPS = {"compound", "amod", "nmod", "npadvmod"}
# Participles that name the noun they hang on: "a plater named X", "a clerk called X".
NAMING_LEMMAS = {"name", "call"}
# Prepositions that make a possessed quote noun the frame of what follows: "in her words",
# "by his own account", "in his view".
FRAME_PREPOSITIONS = {"in", "by"}
# Clauses without a subject of their own whose subject is the main verb's object: "remembered
# his foreman telling him", "heard the clerk say".
OBJECT_CONTROLLED_DEPS = {"advcl", "xcomp", "ccomp", "acl"}
# How far up the parse a quote inside a reported clause may sit below its speech verb.
CLAUSE_PATH_STEPS = 8
# Dependency steps from a short quote up to the verb that can own it: call X "a", regard X as "b",
# said the word meant "c" (through verbs, "as"/"that" and the verb's object).
TIGHT_PATH_STEPS = 4
TIGHT_PASS_DEPS = {"dobj", "conj"}  # "described X as 'a' and Y as 'b'"
TIGHT_PASS_POS = {"VERB", "AUX"}
TIGHT_PASS_WORDS = {"as", "that", "it"}


@dataclass
class RawQuote:
    """A quoted span found by the mark scanner, before kind and speaker."""

    start: int
    end: int
    block: bool = False
    unbalanced: bool = False
    nested: bool = False


USER_DATA_SENTENCES = "historiograph.sentence_index"
USER_DATA_RAW_QUOTES = "historiograph.raw_quotes"


# --- finding the marks ---------------------------------------------------------------------------

def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, breaks being blank lines."""
    spans, position = [], 0
    for match in PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


class ParagraphIndex:
    """The paragraph breaks of a text, found once, so each quote's paragraph is a lookup."""

    def __init__(self, text: str) -> None:
        breaks = [(m.start(), m.end()) for m in PARAGRAPH_BREAK.finditer(text)]
        self.break_starts = [b[0] for b in breaks]
        self.break_ends = [b[1] for b in breaks]
        self.length = len(text)

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The start of the paragraph holding ``start`` and the end of the one holding ``end``."""
        before = bisect.bisect_right(self.break_ends, start)
        after = bisect.bisect_left(self.break_starts, end)
        return (self.break_ends[before - 1] if before else 0,
                self.break_starts[after] if after < len(self.break_starts) else self.length)


def _opens_here(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in OPENING_CONTEXT and not after.isspace()


def _is_apostrophe(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isalnum() and after.isalnum()) or bool(ELISION.match(text, i))


class _Scanner:
    """Pairs quotation marks in one pass over the text, paragraph by paragraph."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: list[RawQuote] = []
        self.carried: Optional[tuple[str, int]] = None  # a quote running into the next paragraph

    def scan(self) -> list[RawQuote]:
        spans = paragraphs(self.text)
        for number, (start, end) in enumerate(spans):
            next_start = spans[number + 1][0] if number + 1 < len(spans) else None
            self._scan_paragraph(start, end, next_start)
        return sorted(self.found, key=lambda q: q.start)

    def _scan_paragraph(self, start: int, end: int, next_start: Optional[int]) -> None:
        text = self.text
        stack: list[tuple[str, int]] = []  # (family, position of the first quoted character)
        skip_to = start
        if self.carried is not None:
            stack.append(self.carried)
            self.carried = None
            skip_to = start + 1  # the repeated opening mark
        last_closed = start
        for i in range(skip_to, end):
            char = text[i]
            if char not in ALL_MARKS:
                continue
            family = self._family(char, i, stack)
            if family is None:
                continue
            kind, action = family
            if action == "open":
                stack.append((kind, i + 1))
            else:
                last_closed = self._close(kind, i, stack, last_closed, start)
        self._finish(stack, end, next_start)

    def _family(self, char: str, i: int, stack: list) -> Optional[tuple[str, str]]:
        """("double"|"single"|"guillemet", "open"|"close") for a mark, None for an apostrophe."""
        open_kinds = [kind for kind, _ in stack]
        if char in DOUBLE_OPEN:
            return "double", "open"
        if char in DOUBLE_CLOSE:
            return "double", "close"
        if char in GUILLEMET_OPEN:
            return "guillemet", "open"
        if char in GUILLEMET_CLOSE:
            return "guillemet", "close"
        if char == STRAIGHT_DOUBLE:
            if open_kinds and open_kinds[-1] == "double" or not _opens_here(self.text, i):
                return "double", "close"
            return "double", "open"
        if _is_apostrophe(self.text, i):
            return None
        single_open = "single" in open_kinds
        if char in SINGLE_OPEN or (char == STRAIGHT_SINGLE and _opens_here(self.text, i)):
            # nesting alternates double and single: a second single inside a single is an elision
            return None if open_kinds and open_kinds[-1] == "single" else ("single", "open")
        return ("single", "close") if single_open else None  # else a plural possessive: students'

    def _close(self, kind: str, i: int, stack: list, last_closed: int, paragraph_start: int) -> int:
        while stack and stack[-1][0] != kind:
            stack.pop()  # an inner single that never closed was an apostrophe
        if stack:
            _, start = stack.pop()
            self._add(start, i, nested=bool(stack))
        elif kind != "single":
            self._add(self._lone_close_start(last_closed, paragraph_start), i, unbalanced=True)
        return i + 1

    def _lone_close_start(self, last_closed: int, paragraph_start: int) -> int:
        """A closing mark with no opening one: the quote began at the paragraph (or last quote)."""
        start = max(last_closed, paragraph_start)
        while start < len(self.text) and (self.text[start].isspace() or self.text[start] in ",.;:"):
            start += 1
        return start

    def _finish(self, stack: list, end: int, next_start: Optional[int]) -> None:
        """Marks still open at the paragraph end: carried on, or closed at the end and flagged."""
        stack = [(kind, start) for kind, start in stack if kind != "single"]
        if not stack:
            return
        kind, start = stack[0]
        opener = DOUBLE_OPEN + STRAIGHT_DOUBLE if kind == "double" else GUILLEMET_OPEN
        if next_start is not None and self.text[next_start] in opener:
            self.carried = (kind, start)
            return
        self._add(start, end, unbalanced=True)

    def _add(self, start: int, end: int, unbalanced: bool = False, nested: bool = False) -> None:
        while end > start and self.text[end - 1].isspace():
            end -= 1
        if end > start:
            self.found.append(RawQuote(start, end, unbalanced=unbalanced, nested=nested))


def block_quotes(text: str, marked: list[RawQuote]) -> list[RawQuote]:
    """Paragraphs quoted whole: after a paragraph ending with a colon that announces a quotation,
    and not themselves opening with a quotation mark."""
    found = []
    spans = paragraphs(text)
    for (prev_start, prev_end), (start, end) in zip(spans, spans[1:]):
        intro = text[prev_start:prev_end].rstrip()
        if not intro.endswith(":") or text[start] in ALL_MARKS:
            continue
        last_sentence = re.split(r"(?<=[.!?])\s+", intro)[-1]
        if BLOCK_INTRODUCERS.search(last_sentence) and not any(q.start < end and q.end > start for q in marked):
            found.append(RawQuote(start, end, block=True))
    return found


def find_quotes(text: str) -> list[RawQuote]:
    """Every quoted span of a text: marked quotes and block quotations, in text order."""
    marked = _Scanner(text).scan()
    return sorted(marked + block_quotes(text, marked), key=lambda q: q.start)


def doc_quotes(doc: Doc) -> list[RawQuote]:
    """``find_quotes`` of the document's text, scanned once for the entities component (which
    keeps names inside quotes apart) and this one (kept until this component is done)."""
    found = doc.user_data.get(USER_DATA_RAW_QUOTES)
    if found is None:
        found = doc.user_data[USER_DATA_RAW_QUOTES] = find_quotes(text_of(doc))
    return found


# --- reading the parse around a quote ------------------------------------------------------------

@dataclass
class Speaker:
    entity: Optional[Entity]
    reason: str
    tight: bool = True  # the cue governs the quote itself, not just its sentence


class QuoteContext:
    """One quote's place in the parse: its tokens, the tokens of its sentences outside any quote."""

    def __init__(self, doc: Doc, raw: RawQuote, inside: list[bool], text: str, paragraphs: ParagraphIndex) -> None:
        self.doc = doc
        self.text = text  # doc.text, built once: spaCy joins the tokens anew on every access
        self.raw = raw
        self.span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
        first, last = self.span[0], self.span[-1]
        self.sentences = _sentences_between(doc, sentence_of(doc, first.i).start, sentence_of(doc, last.i).end)
        # the parser sometimes runs a sentence over a paragraph break: cues stay in the paragraph
        start, end = self.paragraph = paragraphs.bounds(raw.start, raw.end)
        self.outside = [t for s in self.sentences for t in s if not inside[t.i] and start <= t.idx < end]
        self.inside = inside

    @property
    def words(self) -> list[Token]:
        return [t for t in self.span if not t.is_punct and not t.is_space]

    def root(self) -> Token:
        """The quote token whose head lies outside the quote (the quote's attachment point)."""
        for token in self.span:
            if not (self.span.start <= token.head.i < self.span.end) or token.head.i == token.i:
                if not token.is_punct:
                    return token
        return self.span.root


def sentence_of(doc: Doc, i: int) -> Span:
    """The sentence of token ``i``; ``Token.sent`` walks all sentences on every call, this
    indexes them once per Doc (cached in ``doc.user_data``)."""
    cached = doc.user_data.get(USER_DATA_SENTENCES)
    if cached is None:
        sentences = list(doc.sents)
        index = [0] * len(doc)
        for number, sentence in enumerate(sentences):
            index[sentence.start:sentence.end] = [number] * len(sentence)
        cached = doc.user_data[USER_DATA_SENTENCES] = (sentences, index)
    sentences, index = cached
    return sentences[index[i]]


def _sentences_between(doc: Doc, start: int, end: int) -> list[Span]:
    sentences, i = [], start
    while i < end:
        sentence = sentence_of(doc, i)
        sentences.append(sentence)
        i = sentence.end
    return sentences


def _inside_marks(doc: Doc, raws: Iterable[RawQuote]) -> list[bool]:
    """For each token, whether it lies inside a quote or is a quotation mark."""
    inside = [token.is_quote for token in doc]
    for raw in raws:
        span = doc.char_span(raw.start, raw.end, alignment_mode="expand")
        if span is not None:
            for i in range(span.start, span.end):
                inside[i] = True
    return inside


def _entity_of(doc: Doc, token: Token) -> tuple[Optional[Entity], bool]:
    """The entity a token (or its noun phrase: "their chairman, Dr. Obi") names; and whether a
    pronoun led there. "whose" reaches the noun its relative clause hangs on."""
    if token.lower_ == "whose":
        clause = token.head.head
        if clause.dep_ == "relcl":
            return _entity_of(doc, clause.head)
    entity = entity_at(doc, token.idx)
    if entity is not None:
        return entity, token.pos_ == "PRON"
    if token.dep_ == "appos" and entity_at(doc, token.head.idx) is not None:  # "Lisle, a colonial officer"
        return entity_at(doc, token.head.idx), False
    # "their chairman, Dr. Obi": the appositive names him; "his brother" is not "he"
    children = sorted(token.children, key=lambda c: c.dep_ != "appos")
    for child in children:
        if child.dep_ == "acl" and child.lemma_ in NAMING_LEMMAS:  # "a plater named X"
            named = next((entity_at(doc, t.idx) for t in child.children if entity_at(doc, t.idx)), None)
            if named is not None:
                return named, False
        if child.dep_ in ("appos", "compound") or (child.dep_ == "prep" and child.lower_ == "by"):
            found = entity_at(doc, child.idx)
            if found is None and child.dep_ == "prep":
                found = next((entity_at(doc, t.idx) for t in child.children if entity_at(doc, t.idx)), None)
            if found is not None:
                return found, child.pos_ == "PRON"
    return None, False


def _with_pronoun(reason: str, via_pronoun: bool) -> str:
    return f"pronoun, {reason}" if via_pronoun else reason


def _document_author(doc: Doc, noun: Token) -> Optional[tuple[Entity, bool]]:
    """The author of "her memoir", "Whitcombe's survey", "a letter from Whitcombe"."""
    for child in noun.children:
        if child.dep_ == "poss":
            entity, via_pronoun = _entity_of(doc, child)
            if entity is not None:
                return entity, via_pronoun
        if child.dep_ == "acl" and child.tag_ == "VBN":  # "a letter written by X"
            author = _document_author(doc, child)
            if author is not None:
                return author
        if child.dep_ in ("prep", "agent") and child.lower_ in ("by", "from", "of"):
            for object_ in child.children:
                entity, via_pronoun = _entity_of(doc, object_)
                if entity is not None:
                    return entity, via_pronoun
                if object_.lemma_ in DOCUMENT_NOUNS:  # "a quotation from a manuscript of X"
                    return _document_author(doc, object_)
    return None


def _document_it(doc: Doc, pronoun: Token) -> Optional[Token]:
    """"The report was blunt. It described ...": "it" as the previous sentence's document subject."""
    sentence = sentence_of(doc, pronoun.i)
    if sentence.start == 0:
        return None
    previous = sentence_of(doc, sentence.start - 1)
    return next((t for t in previous if t.dep_ in SUBJECT_DEPS and t.lemma_ in DOCUMENT_NOUNS), None)


def _earlier_document_author(doc: Doc, noun: Token) -> Optional[tuple[Entity, bool]]:
    """"the report" after "a report by the auditors Fennick & Dole": the author named the first time."""
    for earlier in doc[max(0, noun.i - EARLIER_DOCUMENT_WINDOW):noun.i]:
        if earlier.lemma_ == noun.lemma_:
            author = _document_author(doc, earlier)
            if author is not None:
                return author
    return None


def _subject_speaker(doc: Doc, verb: Token, reason: str) -> Optional[Speaker]:
    """The speaker a verb's subject names: a person, a pronoun, or a document's author."""
    subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and _same_paragraph(doc, c, verb)]
    subjects = subjects or _controller(verb)
    if not subjects and verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.pos_ in ("VERB", "AUX"):
        subjects = [c for c in verb.head.children if c.dep_ in SUBJECT_DEPS]
    agents = [t for c in verb.children if c.dep_ == "agent" for t in c.children]
    inverted = [c for c in verb.children if c.i > verb.i and c.dep_ in INVERTED_SPEAKER_DEPS]
    if verb.dep_ == "parataxis":  # "X, writes the historian Y, was ...": Y follows the verb
        agents += inverted
    elif not subjects:  # the same, parsed as the main verb: only a named person will do
        agents += [c for c in inverted if _entity_of(doc, c)[0] is not None]
    for subject in agents + subjects:
        if subject.lower_ in RELATIVE_PRONOUNS and verb.dep_ in ("relcl", "conj"):
            subject = _relative_antecedent(verb) or subject
        if subject.lower_ == "it":
            subject = _document_it(doc, subject) or subject
        if subject.lemma_ in DOCUMENT_NOUNS:
            author = _document_author(doc, subject) or _earlier_document_author(doc, subject)
            if author is not None:
                return Speaker(author[0], _with_pronoun("work author", author[1]))
            continue
        entity, via_pronoun = _entity_of(doc, subject)
        if entity is not None:
            return Speaker(entity, _with_pronoun(reason, via_pronoun))
        institution = _named_institution(doc, subject)
        if institution is not None:
            return Speaker(institution, f"{reason}, the {subject.lower_}")
        if subject.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and subject.lower_ not in ("it", "which", "that"):
            return Speaker(None, f"unnamed speaker: {subject.text}")
    return None


def _same_paragraph(doc: Doc, a: Token, b: Token) -> bool:
    """The parser sometimes runs a review header into the first sentence: no blank line between."""
    first, last = sorted((a.i, b.i))
    return not any(t.is_space and t.text.count("\n") > 1 for t in doc[first:last])


def _controller(verb: Token) -> list[Token]:
    """The doer of a subjectless participle or infinitive that follows an object: "remembered his
    foreman, X, telling him" (X tells), "a clerk writing to ..." (the clerk writes)."""
    if verb.tag_ != "VBG" or verb.dep_ not in OBJECT_CONTROLLED_DEPS:
        return []
    head = verb.head
    if verb.dep_ == "acl" and head.pos_ in ("NOUN", "PROPN"):
        return [head]
    return [c for c in head.children if c.dep_ == "dobj" and c.i < verb.i]


def _relative_antecedent(verb: Token) -> Optional[Token]:
    """The noun a relative clause hangs on: "Wistrich, who has summed up ..." -> Wistrich."""
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.head if verb.dep_ == "relcl" else None


def _named_institution(doc: Doc, noun: Token) -> Optional[Entity]:
    """"the authority" after "the Westhaven Port Authority": the organisation named earlier whose
    name ends in the noun."""
    if noun.pos_ != "NOUN" or not any(c.lower_ == "the" for c in noun.children):
        return None
    earlier = [e for e in annotations(doc, "entities") if e.type == "ORG" and e.mentions
               and e.mentions[0].start < noun.idx and e.name.split()[-1].lower() == noun.lower_]
    return max(earlier, key=lambda e: e.mentions[0].start) if earlier else None


def _is_speech_verb(token: Token) -> bool:
    if token.lemma_ in SPEECH_LEMMAS and token.pos_ in ("VERB", "AUX"):
        return True
    return token.lemma_ in DOCUMENT_VERBS and any(
        c.dep_ in SUBJECT_DEPS and c.lemma_ in DOCUMENT_NOUNS for c in token.children
    )


def _governs(verb: Token, context: QuoteContext) -> bool:
    """Whether the verb governs the quote closely: "called it 'x'", "regards X as 'y'",
    "said the word meant 'z'"; not "complained of the 'ghost town'"."""
    token = context.root()
    if token.dep_ in ("appos", "oprd") and token.head.head.i == verb.i:  # thought Hale "a fool"
        return True
    steps = 0
    while steps <= TIGHT_PATH_STEPS:
        head = token.head
        if head.i == verb.i:
            return True
        # "regarded X as 'a' and Y as 'b'": from a conjunct to the first one costs nothing
        steps += token.dep_ != "conj"
        passes = head.pos_ in TIGHT_PASS_POS or head.lower_ in TIGHT_PASS_WORDS or head.dep_ in TIGHT_PASS_DEPS \
            or token.dep_ == "conj"
        if head.i == token.i or not passes:
            return False
        token = head
    return False


def _in_reported_clause(verb: Token, context: QuoteContext) -> bool:
    """The quote lies in the clause the verb reports: "he writes that the crushing of 'x' ..."."""
    token, through_clause = context.root(), False
    for _ in range(CLAUSE_PATH_STEPS):
        through_clause = through_clause or token.dep_ in ("ccomp", "xcomp")
        if token.head.i == token.i:
            return False
        token = token.head
        if token.i == verb.i:
            return through_clause
    return False


def _judges_as(verb: Token, context: QuoteContext) -> bool:
    """"approve the annexation as 'progressive'", "hail X as 'y'": a judgment in the subject's words."""
    return verb.lemma_ in AS_VERBS and any(
        c.lower_ == "as" and _below(context.root(), c, 2) for c in verb.children)


def _interrupts(verb: Token, context: QuoteContext) -> bool:
    """"X, writes Y, was 'z'": a parenthetical verb reports the clause it interrupts."""
    return verb.dep_ == "parataxis" and _below(context.root(), verb.head, CLAUSE_PATH_STEPS)


def verb_cue(context: QuoteContext) -> Optional[Speaker]:
    """A speech verb in the quote's sentences, outside the quote: its subject is the speaker."""
    doc, span = context.doc, context.span
    # "the book does not say whether ...": a denied saying attributes nothing
    verbs = [t for t in context.outside if (_is_speech_verb(t) or _judges_as(t, context))
             and not any(c.dep_ == "neg" for c in t.children)]
    def governs(verb: Token) -> bool:
        return _governs(verb, context) or _in_reported_clause(verb, context) or _interrupts(verb, context)

    verbs.sort(key=lambda v: (not governs(v), min(abs(v.i - span.start), abs(v.i - span.end))))
    for verb in verbs:
        verb = _reporting_participle(verb, span) or verb
        lemma = verb.lemma_
        speaker = _subject_speaker(doc, verb, f"verb:{verb.text.lower()}")
        if speaker is not None:
            speaker.tight = governs(verb)
            if lemma in DOCUMENT_VERBS and lemma not in SPEECH_LEMMAS:
                speaker.reason = speaker.reason if "work author" in speaker.reason else "work author"
            return speaker
    return None


def _reporting_participle(verb: Token, span: Span) -> Optional[Token]:
    """"recalled his superintendent, X, warning him: '...'": the quote is what the participle
    between the verb and the quote reports, and its doer is the verb's object."""
    for child in verb.children:
        if verb.i < child.i < span.start and child.dep_ in OBJECT_CONTROLLED_DEPS \
                and child.lemma_ in SPEECH_LEMMAS and _controller(child):
            return child
    return None


def according_to_cue(context: QuoteContext) -> Optional[Speaker]:
    """"according to X" / "according to his book" anywhere in the sentence outside the quote."""
    doc = context.doc
    for token in context.outside:
        if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
            continue
        # "According to X, the wire was 'down ...'": the cue frames the quote's own clause, unless
        # the clause denies the words ("was never the 'primitive barter'")
        root, clause = context.root(), token.head
        tight = (root.i == clause.i or _below(root, clause, CLAUSE_PATH_STEPS)) \
            and not any(c.dep_ == "neg" for c in clause.children)
        for object_ in doc[token.i + 1].children:
            if object_.lemma_ in DOCUMENT_NOUNS:
                author = _document_author(doc, object_) or _earlier_document_author(doc, object_)
                if author is not None:
                    return Speaker(author[0], _with_pronoun("work author", author[1]), tight=tight)
            entity, via_pronoun = _entity_of(doc, object_)
            entity = entity or _name_after_comma(doc, object_)
            if entity is not None:
                return Speaker(entity, _with_pronoun("according to", via_pronoun), tight=tight)
            return Speaker(None, f"unnamed speaker: according to {object_.text}", tight=False)
    return None


def _name_after_comma(doc: Doc, noun: Token) -> Optional[Entity]:
    """"according to the editor, Silas Pym, ...": the name the parser did not hang on the noun."""
    if noun.i + 2 < len(doc) and doc[noun.i + 1].text == ",":
        return entity_at(doc, doc[noun.i + 2].idx)
    return None


def possessive_cue(context: QuoteContext) -> Optional[Speaker]:
    """"X's description", "in her words", "by his own account": the possessor is the speaker."""
    doc = context.doc
    for token in context.outside:
        if token.lemma_ not in QUOTE_NOUNS:
            continue
        for child in token.children:
            if child.dep_ == "poss":
                entity, via_pronoun = _entity_of(doc, child)
                if entity is not None:
                    reason = "in X's words" if token.lower_ == "words" else "possessive"
                    framed = token.head.lower_ in FRAME_PREPOSITIONS and token.dep_ == "pobj"
                    tight = token.lower_ == "words" or framed or _copula_pair(token, context) \
                        or _judged_as(token, context)
                    return Speaker(entity, _with_pronoun(reason, via_pronoun), tight=tight)
    return None


def _judged_as(noun: Token, context: QuoteContext) -> bool:
    """"his description of the strikers as 'wreckers'": the quote is what the noun calls them."""
    root = context.root()
    return root.head.lower_ == "as" and _below(root.head, noun, 3)


def _copula_pair(noun: Token, context: QuoteContext) -> bool:
    """"'x' was Lenin's word": the noun and the quote are the two sides of one copula."""
    root = context.root()
    return noun.head.i in (root.head.i, root.i) or root.head.i == noun.i


def work_cue(context: QuoteContext) -> Optional[Speaker]:
    """A quote in a sentence naming a work (doc._.works): that work's first author."""
    works = annotations(context.doc, "works")
    if not works:
        return None
    start, end = context.sentences[0].start_char, context.sentences[-1].end_char
    for work in works:
        for mention in work.mentions:
            if start <= mention.start < end and work.authors:
                entity = entity_by_name(context.doc, work.authors[0])
                if entity is not None:
                    return Speaker(entity, "work author", tight=False)
    return None


def _below(token: Token, ancestor: Token, steps: int) -> bool:
    for _ in range(steps):
        if token.head.i == token.i:
            return False
        token = token.head
        if token.i == ancestor.i:
            return True
    return False


def view_cue(context: QuoteContext) -> Optional[Speaker]:
    """A quote inside a view's wording ("the assertion that the ban was 'temporary'", "gets the
    idea that ... ('...')"): the view's holder, the possessor of the noun or the sentence's
    person subject."""
    doc = context.doc
    nouns = [t for t in context.outside if t.lemma_ in VIEW_NOUNS]
    for noun in nouns:
        holder = next((c for c in noun.children if c.dep_ == "poss"), None)
        candidates = [holder] if holder is not None else [t for t in context.outside if t.dep_ in SUBJECT_DEPS]
        for candidate in candidates:
            entity, via_pronoun = _entity_of(doc, candidate)
            if entity is not None and entity.type == "PERSON":
                root = context.root()  # a quoted modifier ("'Soviet' power") is no view's word
                tight = root.dep_ not in MODIFIER_DEPS and _below(root, noun, VIEW_PATH_STEPS)
                return Speaker(entity, _with_pronoun("summary of view", via_pronoun), tight=tight)
    return None


def previous_subject_cue(context: QuoteContext) -> Optional[Speaker]:
    """A quote standing as its own sentence after a sentence about a person ("Amos was defiant.
    'The machine ...'"): that person, marked weak in the reason."""
    doc, first = context.doc, context.sentences[0]
    if first.start == 0 or any(not context.inside[t.i] for t in first if not t.is_space and not t.is_punct):
        return None
    previous = sentence_of(doc, first.start - 1)
    if PARAGRAPH_BREAK.search(context.text[previous.end_char:first.start_char]):
        return None
    for token in previous:
        if token.dep_ in SUBJECT_DEPS and token.head.dep_ == "ROOT":
            entity, via_pronoun = _entity_of(doc, token)
            if entity is not None and entity.type == "PERSON":
                return Speaker(entity, _with_pronoun("previous sentence subject (weak)", via_pronoun), tight=False)
    return None


def sentence_subject_cue(context: QuoteContext) -> Optional[Speaker]:
    """Last resort for a long quote: the person the sentence is about ("X sent greetings '...'").
    Marked weak in the reason: a guess, not a cue. Not for "X was '...'": that describes X."""
    for token in context.outside:
        if token.dep_ in SUBJECT_DEPS and token.head.dep_ == "ROOT" and token.head.lemma_ != "be":
            entity, via_pronoun = _entity_of(context.doc, token)
            if entity is not None and entity.type == "PERSON":
                return Speaker(entity, _with_pronoun("sentence subject (weak)", via_pronoun), tight=False)
    return None


# In order of trust when several cues are tight: a governing speech verb first.
SPEAKER_CUES = (verb_cue, possessive_cue, according_to_cue, view_cue, work_cue)


def find_speaker(context: QuoteContext) -> Optional[Speaker]:
    found = [speaker for speaker in (cue(context) for cue in SPEAKER_CUES) if speaker is not None]
    named = [s for s in found if s.entity is not None]
    tight = [s for s in named if s.tight]
    if tight:
        return tight[0]
    return named[0] if named else (found[0] if found else None)


def block_speaker(doc: Doc, raw: RawQuote) -> Optional[Speaker]:
    """The source named in the sentence introducing a block quotation: "a letter from X", "by X",
    else the subject of a speech verb there ("X wrote:")."""
    if raw.start < 2:
        return None
    intro = doc.char_span(0, raw.start, alignment_mode="contract")
    if intro is None or not len(intro):
        return None
    token = intro[-1]
    while token.i > 0 and (token.is_space or token.is_punct):
        token = doc[token.i - 1]
    sentence = sentence_of(doc, token.i)
    for noun in sentence:
        if noun.lemma_ in DOCUMENT_NOUNS or noun.lemma_ in ("quotation", "passage", "extract"):
            author = _document_author(doc, noun)
            if author is not None:
                return Speaker(author[0], _with_pronoun("block source", author[1]))
        if noun.lower_ == "by" and noun.head.lemma_ in DOCUMENT_NOUNS | {"entry"}:
            for object_ in noun.children:
                entity, via_pronoun = _entity_of(doc, object_)
                if entity is not None:
                    return Speaker(entity, _with_pronoun("block source", via_pronoun))
    for verb in sentence:
        if verb.lemma_ in SPEECH_LEMMAS and verb.pos_ == "VERB":
            speaker = _subject_speaker(doc, verb, f"verb:{verb.text.lower()}")
            if speaker is not None:
                return speaker
    return None


# --- kinds ---------------------------------------------------------------------------------------

def is_title_case(words: list[str]) -> bool:
    """"Gold Without Kings", "The Man from the Board": every word capitalised but small ones."""
    if not words or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in TITLE_LOWER_WORDS or not w[:1].isalpha() for w in words)


def looks_like_title(context: QuoteContext) -> bool:
    """Title case and a work named just before it ("the chapter titled", "her essay,"), or the
    title of a work the works component found."""
    words = [t.text for t in context.words]
    if not is_title_case(words) or len(words) > 12:
        return False
    quoted = context.text[context.raw.start:context.raw.end].strip(" ,.;:")
    if any(work.title.strip().lower() == quoted.lower() for work in annotations(context.doc, "works")):
        return True
    sentence_start = sentence_of(context.doc, context.span.start).start
    before = context.doc[max(context.span.start - 7, sentence_start):context.span.start]
    root = context.root()  # "her chapter on ..., 'The Death of X,' is good": the title in apposition
    return any(t.lower_ in TITLE_CONTEXT for t in before) or (
        root.dep_ == "appos" and root.head.lower_ in TITLE_CONTEXT)


def _is_short_term(context: QuoteContext) -> bool:
    """A quoted word or phrase rather than someone's sentence: few words and no finite verb."""
    words = context.words
    has_verb = any(t.pos_ in ("VERB", "AUX") and t.tag_ not in ("VBN", "VBG") for t in words)
    return len(words) <= SHORT_QUOTE_WORDS and not has_verb


def classify(context: QuoteContext, previous: Optional[tuple[Quote, QuoteContext]]) -> tuple[str, Optional[Speaker]]:
    """The quote's kind and speaker."""
    if context.raw.block:
        return "quotation", block_speaker(context.doc, context.raw) or Speaker(None, "no cue")
    if looks_like_title(context):
        return "title", Speaker(None, "title of a work")
    speaker = find_speaker(context)
    if speaker is None or speaker.entity is None:
        speaker = _announced_speaker(context) or speaker
    short = _is_short_term(context)
    named = speaker is not None and speaker.entity is not None
    if not named and is_title_case([t.text for t in context.words]):
        return "scare", Speaker(None, "a name or slogan in the writer's own quotes")
    if short and (speaker is None or not speaker.tight or speaker.entity is None and "unnamed" not in speaker.reason):
        # "X sent greetings 'in their fight ...' while backing the 'camp' against 'imperialism'"
        same_voice = continuation(context, previous, same_sentence_only=True)
        return ("quotation", same_voice) if same_voice else ("scare", Speaker(None, "a term in the writer's own quotes"))
    if speaker is None:
        speaker = continuation(context, previous) or previous_subject_cue(context) or sentence_subject_cue(context)
    return "quotation", speaker or Speaker(None, "no cue")


def _announced_speaker(context: QuoteContext) -> Optional[Speaker]:
    """A quote that fills its paragraph after a paragraph ending in a colon ("Quayle wrote to
    the shareholders:"): the source that paragraph names, as for a block quotation."""
    text, raw = context.text, context.raw
    start, end = context.paragraph
    if text[start:raw.start].strip(ALL_MARKS + " \n") or text[raw.end:end].strip(ALL_MARKS + " .,\n"):
        return None
    before = start - 1
    while before >= 0 and text[before].isspace():
        before -= 1
    if before < 0 or text[before] != ":":
        return None
    return block_speaker(context.doc, RawQuote(start, end, block=True))


def continuation(context: QuoteContext, previous: Optional[tuple[Quote, QuoteContext]],
                 same_sentence_only: bool = False) -> Optional[Speaker]:
    """A quote following another by the same voice: in the same sentence, or in the next one
    when nothing but a short link ("A week later:", "Of another:") stands between them."""
    if previous is None or previous[0].kind != "quotation" or previous[0].speaker is None:
        return None
    quote, earlier = previous
    gap = context.text[quote.end:context.raw.start]
    same_sentence = earlier.sentences[-1].start == context.sentences[0].start
    if same_sentence_only and not same_sentence:
        return None
    next_sentence = context.sentences[0].start <= earlier.sentences[-1].end + 1
    if PARAGRAPH_BREAK.search(gap) and not context.raw.start - quote.end < 4:
        return None
    if same_sentence or (next_sentence and _only_the_speaker(context.doc, gap, quote)):
        entity = next(e for e in annotations(context.doc, "entities") if e.id == quote.speaker)
        return Speaker(entity, "continuation")
    return None


def _only_the_speaker(doc: Doc, gap: str, quote: Quote) -> bool:
    """Between two quotes: a short link, or an attribution naming no one but the speaker."""
    if len(gap.split()) <= 6:
        return True
    start = quote.end
    others = {e.id for e in annotations(doc, "entities") if e.type == "PERSON"
              for m in e.mentions if start <= m.start < start + len(gap)}
    return len(gap.split()) <= 16 and others <= {quote.speaker}


# --- the component -------------------------------------------------------------------------------

def extract_quotes(doc: Doc) -> list[Quote]:
    text = text_of(doc)
    raws = doc_quotes(doc)
    inside = _inside_marks(doc, raws)
    paragraphs = ParagraphIndex(text)
    quotes: list[Quote] = []
    previous: Optional[tuple[Quote, QuoteContext]] = None
    for raw in raws:
        context = QuoteContext(doc, raw, inside, text, paragraphs)
        if context.span is None or not len(context.span):
            continue
        kind, speaker = classify(context, previous)
        entity = speaker.entity if speaker else None
        quote = Quote(
            id=f"q{len(quotes) + 1}",
            text=text[raw.start:raw.end],
            start=raw.start,
            end=raw.end,
            kind=kind,
            speaker=entity.id if entity else None,
            speaker_name=entity.name if entity else None,
            block=raw.block,
            speaker_reason=speaker.reason if speaker else None,
            unbalanced=raw.unbalanced,
        )
        quotes.append(quote)
        if not raw.nested:
            previous = (quote, context)
    return quotes


class QuoteExtractor:
    """Writes ``doc._.quotes``."""

    def __call__(self, doc: Doc) -> Doc:
        doc._.quotes = extract_quotes(doc)
        doc.user_data.pop(USER_DATA_SENTENCES, None)
        doc.user_data.pop(USER_DATA_RAW_QUOTES, None)
        return doc


@Language.factory(
    "historiograph_quotes",
    assigns=["doc._.quotes"],
    requires=["doc._.entities", "token.dep"],
)
def make_quotes(nlp: Language, name: str) -> QuoteExtractor:
    return QuoteExtractor()


PIPELINE_NAME = "historiograph_quotes"
if PIPELINE_NAME not in PIPELINE:
    PIPELINE.append(PIPELINE_NAME)
