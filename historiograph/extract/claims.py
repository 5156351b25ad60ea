"""Claims: what the text attributes to whom, whether the writer accepts it, and on what evidence.

A claim is a proposition with a holder: the complement of a reporting or cognition verb ("X
argues that ..."), of a claim noun ("X's contention that ..."), of a verdict ("X is right that
..."), the clause an "according to X" governs, or a quotation with a known speaker. The writer's
stance is read from the evaluative language around the claim (in its sentence, with negation
from the parse, and in the next one or two sentences); evidence is the span where the writer
gives some, or a ``none_cited`` flag when the writer says the holder gives none.

The component reads ``doc._.entities`` (holders, pronouns), ``doc._.quotes`` (quotation claims,
``Claim.quotes``) and ``doc._.works`` (a work's author holds what the work maintains). It never
calls the model: one pass over the tokens, one over the claims.
"""

import re
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable, Optional, Union

import numpy
from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LEMMA, LENGTH, LOWER, POS
from spacy.language import Language
from spacy.parts_of_speech import NOUN, PROPN
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from ..model import Claim
from . import PIPELINE, annotations, case_folded, text_of
from .entities import entity_at, entity_by_name

WRITER = "the writer"

# Verbs whose clausal complement is a proposition their subject holds or puts forward.
REPORTING_VERBS = frozenset(
    "argue believe contend maintain assert claim insist think suggest hold deny concede write say "
    "allege conclude hypothesize imply infer propose reckon speculate surmise posit aver declare "
    "affirm admit acknowledge assume doubt fear feel hope imagine judge observe note remark "
    "report state stress emphasize explain hint charge complain protest reply retort counter "
    "agree accept recognize realize discern show demonstrate prove establish point suppose presume "
    "recall predict warn estimate guess reason tell repeat announce proclaim inform".split()
)
# Adjectives of conviction whose clause is their subject's claim: "Ives is convinced that ...".
BELIEF_ADJECTIVES = frozenset("convinced sure certain confident persuaded adamant".split())
# Verbs whose object is cast as something: "regards X as mistaken", "sees the war as a crusade".
CASTING_VERBS = frozenset("regard see view consider portray depict describe sum characterize".split())
# Factive verbs and concessions: using them, the writer grants the complement ("Hart shows that
# ...", "Hart himself admits that ...").
FACTIVE_VERBS = frozenset(
    "recognize realize discern show demonstrate prove establish admit concede acknowledge".split()
)
# What a record or a fact can do to a proposition (people do the rest: "the clerk admitted"):
# "the minutes show that ..." is the writer's own claim.
RECORD_VERBS = frozenset("show demonstrate prove establish suggest indicate record reveal confirm".split())
# Nouns naming a proposition someone holds; their "that" clause is the claim.
CLAIM_NOUNS = frozenset(
    "case contention argument assertion claim view belief thesis idea notion insistence suggestion "
    "conviction assumption theory allegation charge premise conclusion refrain opinion "
    "position hypothesis proposition story tale legend myth rumour rumor impression supposition".split()
)
# Subjects that are works: what "her study maintains" is held by the work's author.
WORK_NOUNS = frozenset(
    "book study work volume biography monograph article essay history memoir account chapter "
    "survey edition treatise".split()
)
# Subjects that are the record itself: "the minutes show that ..." is the writer's own claim.
EVIDENCE_NOUNS = frozenset(
    "evidence record minute archive document figure census ledger data source register "
    "letter diary file return account paper dispatch report survey listing roll deed list charter inventory "
    "log journal newspaper statement".split()
)
# Qualifiers that turn a "book" into a record rather than a work: "poll books", "minute books".
RECORD_QUALIFIERS = frozenset("poll minute rate pay log account wage visitation letter order".split())
# Adjectives that deliver a verdict on a holder: "X is right that ...", "Y is wrong to say ...".
VERDICT_WORDS = {"right": 1, "correct": 1, "justified": 1, "wrong": -1, "mistaken": -1, "incorrect": -1}
# Who "rejects/ignores the argument that ..." does not hold it, and the text does not say who does.
REJECTING_VERBS_OF_NOUNS = frozenset("reject ignore dismiss refute rebut deny dispute".split())
# Introducing a quoted paragraph, these make it an argument rather than testimony.
ARGUING_VERBS = frozenset("argue contend claim insist maintain assert conclude allege".split())
PARAGRAPH_BREAK = re.compile(r"\n\n")
# Marks and space around a quotation that fills its paragraph.
QUOTE_EDGES = " \n\t\"'“”‘’«»"
# Stories nobody in particular holds: "the legend that ..." is the tradition's, not the subject's
# who "is scornful of the legend".
TRADITION_NOUNS = frozenset("story tale legend myth rumour rumor tradition folklore".split())
# "X would have us believe", "we are asked to accept": the belief urged on the reader is X's.
PERSUADING_VERBS = frozenset("have ask want expect invite urge".split())
BELIEF_VERBS = frozenset("believe accept think suppose credit".split())
# The words any claim rule starts from (see ``find_candidates``): lemmas, and word forms.
CLAIM_CUE_LEMMAS = REPORTING_VERBS | CASTING_VERBS | CLAIM_NOUNS | PERSUADING_VERBS
CLAIM_CUE_FORMS = BELIEF_ADJECTIVES | VERDICT_WORDS.keys() | {"according"}
# "Some of her readers think ...": the group named after "of" holds the claim.
QUANTIFIERS = frozenset("some many most several all none few one".split())
# Who "ignores/overlooks the argument that ..." is faulted for missing it: the writer holds it.
OVERLOOKING_VERBS = frozenset("ignore overlook neglect forget miss disregard".split())
# Who "supports the assertion that ..." is the evidence, not the holder: the holder is near by.
SUPPORTING_VERBS_OF_NOUNS = frozenset("support confirm contradict".split())
# "his inability to recognize that ...": the complement is what the subject did not grant.
NEGATING_HEADS = frozenset("inability failure refusal unwillingness reluctance".split())
# Common nouns for people and groups who can hold a view ("historians", "his defenders"); other
# common nouns ("the silence suggests that ...") are things the writer reasons from.
PERSON_NOUN = re.compile(
    r"(?:ian|ist|er|or|ant|ent|ess|ee|ive|people|folk|man|men|woman|women|public|clergy|press|party|"
    r"school|committee|council|government|critic|scholar|expert|commission|board)$"
)
# Clauses that open with these are questions ("what he believes was proved"), not propositions.
QUESTION_WORDS = frozenset("what whether why how who whom which when where if".split())
# Pronouns the writer uses for himself; their claims are kept only when the writer cites evidence.
WRITER_PRONOUNS = frozenset({"i", "we"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "his", "hers", "they", "them", "their"})
PRONOUN_GENDERS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}

# Single words of endorsement and rejection (lemmas, lower case). Negation in the parse flips them,
# so "not convincing" rejects and "not wrong" endorses. Words inside the claim span are the
# holder's, not the writer's, and never count.
ENDORSING_WORDS = frozenset(
    "convinced persuaded rightly correctly persuasively convincingly justly accurately aptly soundly cogently judiciously "
    "compelling convincing persuasive cogent right correct sound valid accurate judicious sensible "
    "reasonable agree concur endorse accept share illuminating shrewd perceptive insightful "
    "well-founded well-argued well-made consistent borne truth fair shrewdly admirably demonstrably "
    "confirm corroborate vindicate bear balanced undoubtedly indisputable unanswerable".split()
)
REJECTING_WORDS = frozenset(
    "unpersuaded unconvinced wrong wrongly mistaken mistakenly false falsely untrue absurd absurdly nonsense rubbish "
    "baseless groundless untenable implausible improbable unlikely doubtful questionable "
    "unconvincing unpersuasive misleading misguided misread misreading misunderstand fanciful "
    "far-fetched mystery disappointing dubious erroneous fallacy fallacious refute rebut disprove "
    "belie contradict undermine unfounded unsupported unsubstantiated fiction fantasy legend fable "
    "naive simplistic oversimplify oversimplification specious preposterous ludicrous ridiculous "
    "silly myth distortion distort travesty error inconsistent exaggerate exaggerated exaggeration "
    "overstate overstated overstatement incredible flimsy reject dismiss demolish doubt unfair "
    "unjust tendentious careless sloppy insult slander smear caricature dispute challenge collapse "
    "crumble founder quarrel".split()
)
# Either kind: the cheap first test on every word a stance is scored over.
POLAR_WORDS = ENDORSING_WORDS | REJECTING_WORDS
# Where ``word_tests`` and ``sentence_score`` keep their tables on the Doc (dropped when the
# component is done).
WORD_TESTS_KEY = ("historiograph_claims", "word_tests")
SCORES_KEY = ("historiograph_claims", "scores")


class CaselessPattern:
    """A case-insensitive regex, matched in lower case on the case-folded text, which finds the
    same: without IGNORECASE, ``re`` passes over an alternative whose first letter differs
    instead of entering it, which makes the long alternations below three times faster, and they
    were the dearest part of scoring a sentence. ``written`` is the pattern as it reads."""

    def __init__(self, pattern: str):
        if re.search(r"\\[A-Z]", pattern):
            raise ValueError(f"an upper-case escape would change meaning in lower case: {pattern!r}")
        self.written = re.compile(pattern, re.IGNORECASE)
        self.lowered = re.compile(pattern.lower())

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each match, as ``written.finditer`` on the text gives them."""
        return [match.span() for match in self.lowered.finditer(case_folded(text))]


# Fixed phrases the single words miss; matched on the text, outside the claim span.
ENDORSING_PHRASES = CaselessPattern(
    r"\b(I (?:entirely |fully |quite )?agree|on (?:firm|firmer|solid|safe|safer|strong|sure|surer) ground|settles? the (?:matter|question)|surely right|no doubt right|is right to|are right to|"
    r"much truth|stronger ground|in my view,? (?:correctly|rightly)|hard to dispute|"
    r"beyond dispute|well documented|bears? (?:this|him|her|them|it) out|"
    r"makes (?:the|this|that|a good) point well|makes a good point|(?:well|convincingly) (?:made|argued)|"
    r"(?:nearer|closer) (?:to )?the truth|beyond (?:dispute|doubt|question)|prove[sd]? (?:him|her|them) right|"
    r"the most (?:likely|plausible|convincing)|I (?:share|accept) (?:his|her|their|this)|"
    r"(?:supports?|confirms?|vindicates?|corroborates?) (?:him|her|them|this|it)\b|"
    r"(?:believe|trust|credit) (?:him|her|them|it|this)\b|well[- ](?:supported|founded|attested|grounded)|"
    r"(?:hard|difficult|impossible) to (?:quarrel with|dispute|deny|argue with|fault|disagree)|"
    r"(?:case|argument|evidence) (?:[\w']+ ){0,3}(?:is|are) (?:a |an )?(?:strong|powerful|compelling|"
    r"convincing|solid|overwhelming|conclusive)|"
    r"(?:nearer|closer) to the facts|leaves? no (?:room for )?doubt|(?:near|nearer|closer to|on) the mark|hits? the mark)\b",
)
REJECTING_PHRASES = CaselessPattern(
    r"\b(flies in the face of|there is no (?:basis|evidence|warrant)|no (?:basis|warrant) for|"
    r"points? the other way|tells? (?:a different|another|a very different) story|far-fetched|"
    r"(?:hard|difficult) to accept|(?:only|merely|but) half (?:of )?the story|(?:nothing could be )?(?:further|farther) from the (?:truth|case|facts)|would have us believe|(?:asks?|invites?|expects?) us to (?:believe|accept)|"
    r"(?:we are|the reader is) (?:asked|invited|expected) to (?:believe|accept)|where is the (?:evidence|proof)|"
    r"rests? (?:entirely |wholly |only )?on (?:a single|one) |sits? uneasily with|at odds with|goes? too far|(?:is|are|was|were) open to (?:question|doubt)|"
    r"(?:would|might) be (?:pleasant|nice|comforting|agreeable|tempting|good) to (?:believe|think|suppose|agree)|(?:hard|difficult|impossible) to (?:square|reconcile)|shows? otherwise|the record shows otherwise|difficult to see|hard to see|"
    r"hard to believe|in vain|cannot be sustained|does not stand up|will not do|"
    r"(?:does|do|did|will|would|could) not survive|cannot survive|is simply wrong|little to do with|nothing of the kind|"
    r"on the contrary|the opposite is true|not a shred|part company with|(?:weak|weaker|shaky|shakier|thin|thinner) ground|"
    r"further from the truth|(?:only|merely) (?:part|half) of the story|no truer|too simple|"
    r"I (?:very much )?doubt (?:it|this|that)|not (?:borne|supported) (?:out )?by|"
    r"less (?:careful|convincing|persuasive|reliable|sure-footed|sure|happy|successful)|"
    r"no (?:good )?reason to (?:believe|think|accept|suppose|credit)|no foundation|"
    r"(?:answers|refutes|rebuts|corrects) (?:him|her|them)|"
    r"I wish I could (?:believe|accept|agree with) (?:it|this|that|him|her|them)|"
    r"(?:slender|slight|thin|weak|flimsy|shaky) (?:foundation|basis|evidence|grounds?))\b",
)
# Opening a sentence right after a claim, these turn the reader against it (a weak signal that
# an explicit endorsement in the claim's own sentence outweighs).
CONTRAST_OPENERS = frozenset("but yet however nevertheless nonetheless actually alas".split())
CONTRAST_OPENING_PHRASES = re.compile(
    r"(?:in (?:fact|reality|truth)|on the contrary|the truth is|as it happens)\b", re.IGNORECASE
)
# "X may have a point, but ...": a contrast inside the claim's sentence or the next one weighs
# like a contrast opening the next sentence.
CONTRAST_CONJUNCTIONS = frozenset({"but", "yet"})
# The writer says the question cannot be settled: whatever else is said, no verdict.
UNDECIDED_PHRASES = CaselessPattern(
    r"\b(?:cannot|could not|can never|may never) be (?:decided|settled|known|answered|resolved)|"
    r"remains? to be seen|an open question|too (?:\w+ ){1,6}to (?:tell|say|know|judge)|"
    r"impossible to (?:say|tell|know)|(?:cannot|can not|could not|do not|does not) settle|(?:but )?no more than (?:that|a guess|speculation|conjecture)|"
    r"unverifiable|(?:cannot|could not|can never) be (?:verified|checked|proved or disproved)|"
    r"no way of knowing|(?:we|one) (?:do not|cannot|can't) know\b",
)
# "this view", "that claim": a judgement pointing back at what was said before.
ANAPHORIC_DETERMINERS = frozenset({"this", "that", "these", "those", "such"})
# Evidence worded as a denial tells against the claim it is cited about.
DENYING_WORD = re.compile(
    r"\b(?:no|not|never|none|nothing|nobody|only|but|yet|however|otherwise|already|neither|nor)\b|n't\b",
    re.IGNORECASE,
)
# Plain negation, for the polarity of a claim ("the trams never made a loss").
NEGATION = re.compile(r"\b(?:no|not|never|none|nothing|nobody|neither|nor)\b|n't\b", re.IGNORECASE)
# A phrase with its own negation ("no reason to believe") is not negated again by it.
NEGATIVE_WORD = re.compile(r"\b(?:no|not|nothing|never|none|without|cannot)\b", re.IGNORECASE)
# How far up the parse a negation reaches an evaluative word ("cannot find anything to support").
NEGATION_SCOPE = 3
# Subjects that deny what their verb asserts: "Few would agree", "Nobody believes it".
NEGATIVE_SUBJECTS = frozenset({"nobody", "none", "nothing", "few", "neither"})
# Hedges: the writer declines to judge, so weak signals around them are not a verdict.
HEDGES = frozenset(
    "perhaps possibly arguably conceivably may might hope unproven uncertain unclear guess speculation "
    "conjecture".split()
)

# Where the writer gives evidence: examples, dated instances, the record, earlier demonstrations.
EVIDENCE_CUES = CaselessPattern(
    r"(\bfor (?:example|instance)\b"
    # a record that shows something: "the minutes of 1921 show", "Penhale's diary lists"
    r"|\b(?:the|[A-Z]\w+'s|his|her|their|its)(?: [\w']+){0,3} (?:records?|minutes|archives?|census|"
    r"ledgers?|registers?|returns|figures|accounts|letters|diaries|diary|papers|correspondence|"
    r"reports?|books|dispatches|surveys|listings|rolls|photographs|photos|maps|plans)\b[^.;:]{0,80}? (?:shows?|showed|proves?|proved|"
    r"demonstrates?|demonstrated|reveals?|revealed|records?|lists?|suggests?|confirms?|contradicts?|"
    r"describes?|supports?|bears? \w+ out|leaves? no (?:room for )?doubt|make \w+ \w+ plain|"
    r"found|finds|says?|tells? another story|"
    r"says? otherwise)\b"
    # "as her first book demonstrated", "as the clerk admitted", "as their minutes make clear"
    r"|\bas (?:[\w']+ ){1,5}(?:admitted|conceded|showed|shows|demonstrated|proved|makes? clear|"
    r"made clear|recorded|records)\b"
    r"|\bthe evidence (?:is|shows|suggests|points|all points)"
    r"|\b(?:supported|confirmed|borne out|contradicted|refuted|corroborated) by\b"
    r"|\baccording to the (?:minutes|census|records?|registers?|accounts|ledgers?|returns))",
)
# The writer says the holder gives no evidence at all.
HOLDER_CITES_NONE = CaselessPattern(
    r"(\b(?:offers?|offered|gives?|gave|cites?|cited|provides?|provided|produces?|produced|quotes?|"
    r"quoted|names?|named) no (?:single |other )?(?:source|sources|evidence|reference|references|"
    r"documentation|proof|support|documents?|charters?|records?|authority|letters?|orders?|figures|statistics|"
    r"examples?|instances?|details|witness(?:es)?|proofs?)\b|\bwithout "
    r"(?:a shred of|any|a scrap of|a jot of) (?:evidence|proof|documentation|source|support)\b|"
    r"\bcites? none\b|\bno (?:evidence|source|documentation|proof) (?:is|was) (?:offered|given|"
    r"cited|produced)|\bunsupported by (?:any )?(?:evidence|sources?|documents)\b|"
    r"\bwithout a single (?:document|source)|\b(?:does|do|did) not (?:cite|give|offer|provide|"
    r"produce|name|quote) (?:any |a single )?(?:source|evidence|reference|proof|it|one|them)\b|"
    r"\bno one has (?:ever )?(?:produced|found|seen|cited))",
)
# The writer says there is no evidence; weaker than the above, so evidence the writer gives wins.
NO_EVIDENCE_CUES = CaselessPattern(
    r"\b(?:there is no (?:evidence|proof|basis)|a jot of evidence|not a shred of evidence)\b",
)
# After a verdict, these introduce the writer's reason: "This is hard to believe, since ...".
# With the parses they may get: "for" as a preposition is "a reason for X", no reason given.
REASON_MARKERS = {"since": ("mark", "prep"), "because": ("mark", "prep"), "for": ("mark", "cc")}
# How many sentences after a claim's own may still judge it.
FOLLOWING_SENTENCES = 2
# Tensed verbs and modals (Penn tags): what makes a complement a proposition.
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
# Fewer words than this are a pro-form ("She is right to do so"), not a proposition.
MIN_PROPOSITION_WORDS = 3
# "..., and that B": a second proposition after the first, read from the text when the parse lost it.
TEXTUAL_CONJUNCT = re.compile(r",?\s+and\s+that\s+")
CONJUNCT_STOP = re.compile(r"\s*(?:\(|;|—|–|--)")
LEADING_THAT = re.compile(r"that\s+", re.IGNORECASE)
# An aside between commas at most this long may interrupt a clause ("fall, give or take a week, on").
ASIDE_WORDS = 5
# A dash with no partner after it opens the writer's aside on the claim, not more of the claim:
# "that P — a scheme incidentally proposed by ...".
TRAILING_DASH = re.compile(r"\s*(?:—|–|--)\s*")
# "The first claim is borne out; the second is not": ordinals that judge coordinated claims apart
# (-1: the last one).
ORDINALS = {"first": 0, "second": 1, "third": 2, "former": 0, "latter": -1}
ORDINAL_REFERENTS = frozenset("claim point half part proposition assertion argument contention statement one".split())
# A sentence this short that judges does nothing else; the next one gives the writer's reasons.
BARE_VERDICT_WORDS = 7
# Evaluative clauses this short are the writer's verdict ("I think he is correct"), not a claim.
VERDICT_CLAUSE_TOKENS = 5


@dataclass
class Candidate:
    """A claim before ids and stance: its span, the token that introduced it, its holder."""

    start: int
    end: int
    trigger: Token
    holder: Optional[str] = None
    holder_name: Optional[str] = None
    writer: bool = False
    verdict: int = 0  # +1/-1 from the trigger itself ("is right that", "rightly shows")
    subject: Optional[Token] = None  # the holder's token, when the trigger is not a verb
    evidence: Optional[dict] = None  # a record as subject: "the minutes show that ..."
    # "that A and that B": the spans of B, C ... (split off into claims of their own)
    coordinated: list[tuple[int, int]] = field(default_factory=list)
    part: Optional[tuple[int, int]] = None  # (index, count) among such coordinated claims
    # other claims in the same sentence: their words are their holders', not the writer's verdict
    others: list[tuple[int, int]] = field(default_factory=list)
    overlooked: bool = False  # "X ignores the argument that P": the writer's own view against X


class ClaimExtractor:
    def __init__(self, following_sentences: int = FOLLOWING_SENTENCES):
        self.following_sentences = following_sentences

    def __call__(self, doc: Doc) -> Doc:
        context = DocContext(doc, self.following_sentences)
        candidates = find_candidates(doc, context)
        candidates += quotation_candidates(doc, context, candidates)
        candidates.sort(key=lambda c: (c.start, c.end))
        context.index_candidates(candidates)
        kept = keep_claims(doc, context, candidates)
        doc._.claims = [to_claim(doc, context, number, candidate) for number, candidate in enumerate(kept, start=1)]
        doc.user_data.pop(WORD_TESTS_KEY, None)
        doc.user_data.pop(SCORES_KEY, None)
        return doc


@Language.factory(
    "historiograph_claims",
    assigns=["doc._.claims"],
    requires=["doc._.entities", "doc._.quotes"],
    default_config={"following_sentences": FOLLOWING_SENTENCES},
)
def make_claims(nlp: Language, name: str, following_sentences: int = FOLLOWING_SENTENCES):
    return ClaimExtractor(following_sentences)


class DocContext:
    """What the other components wrote, and the sentences, indexed once per document."""

    def __init__(self, doc: Doc, following_sentences: int):
        self.doc = doc
        self.following_sentences = following_sentences
        people = sorted(
            ((m.start, e) for e in annotations(doc, "entities") if e.type == "PERSON" for m in e.mentions),
            key=lambda pair: pair[0],
        )
        self.person_starts = [start for start, _ in people]
        self.people = [entity for _, entity in people]
        self.quotes = list(annotations(doc, "quotes"))
        self.works = annotations(doc, "works")
        self.sentences = list(doc.sents)
        starts, lengths = doc.to_array([IDX, LENGTH]).T
        self.token_starts: list[int] = starts.tolist()
        self.token_ends: list[int] = (starts + lengths).tolist()  # where each token's text ends
        self.sentence_of = [0] * len(doc)
        for number, sentence in enumerate(self.sentences):
            self.sentence_of[sentence.start : sentence.end] = [number] * (sentence.end - sentence.start)
        self.author = doc._.get("author") if Doc.has_extension("author") else None
        self.entities_by_id = {e.id: e for e in annotations(doc, "entities")}
        self.recent_holder = None  # the entity holding the last claim found, for "she argues"
        self.recent_holder_id: Optional[str] = None  # and whoever held it, entity or not
        self.recent_holder_name: Optional[str] = None
        self.quoted = quoted_tokens(doc, self.quotes)
        self.paragraph_breaks = [m.start() for m in PARAGRAPH_BREAK.finditer(text_of(doc))]
        self.quotes_by_sentence: dict[int, list] = defaultdict(list)
        for quote in self.quotes:
            for number in self.sentence_numbers(quote.start, quote.end):
                self.quotes_by_sentence[number].append(quote)
        self.candidates_by_sentence: dict[int, list[Candidate]] = defaultdict(list)

    def sentence_numbers(self, start: int, end: int) -> range:
        """The sentences a char range touches: from the token at ``start`` (the next one if
        ``start`` is the space after a token) to the token at its last character, as
        ``Doc.char_span(..., alignment_mode="expand")`` would find them, by bisection."""
        last_char = max(end - 1, start)
        if not 0 <= start <= last_char < len(text_of(self.doc)):
            return range(0)
        first = bisect_right(self.token_ends, start)
        last = bisect_right(self.token_starts, last_char) - 1
        return range(self.sentence_of[first], self.sentence_of[last] + 1)

    def quotes_near(self, candidate: "Candidate") -> list:
        """Quotations in the sentences of the claim and of its trigger, each once, in text order."""
        numbers = set(self.sentence_numbers(candidate.start, candidate.end + 1)) | {self.sentence_of[candidate.trigger.i]}
        near = {id(q): q for n in sorted(numbers) for q in self.quotes_by_sentence[n]}
        return sorted(near.values(), key=lambda q: q.start)

    def index_candidates(self, candidates: list["Candidate"]) -> None:
        for candidate in candidates:
            self.candidates_by_sentence[self.sentence_of[candidate.trigger.i]].append(candidate)
        for sentence_candidates in self.candidates_by_sentence.values():
            for candidate in sentence_candidates:
                candidate.others = [
                    (o.start, o.end) for o in sentence_candidates if o is not candidate and not overlaps(o, candidate)
                ]

    def sentence_candidates(self, candidate: "Candidate") -> list["Candidate"]:
        return self.candidates_by_sentence[self.sentence_of[candidate.trigger.i]]

    def last_person_before(self, offset: int, window: int):
        """The person mentioned last before ``offset`` (name or resolved pronoun), if near."""
        position = bisect_right(self.person_starts, offset - 1) - 1
        if position >= 0 and self.person_starts[position] >= offset - window:
            return self.people[position]
        return None


def quoted_tokens(doc: Doc, quotes: list) -> list[bool]:
    """Which tokens lie inside a quotation, in one pass over the quotes."""
    inside_quote = [False] * len(doc)
    for quote in quotes:
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand") if quote.kind == "quotation" else None
        for i in range(span.start, span.end) if span is not None else ():
            inside_quote[i] = True
    return inside_quote


def to_claim(doc: Doc, context: DocContext, number: int, candidate: Candidate) -> Claim:
    start, end = candidate.start, candidate.end
    zone = judgement_zone(context, candidate)
    evidence = evidence_in(doc, candidate, zone)
    return Claim(
        id=f"c{number}",
        text=text_of(doc)[start:end],
        start=start,
        end=end,
        holder=candidate.holder,
        holder_name=candidate.holder_name,
        stance="agrees" if candidate.writer else stance_of(candidate, zone, evidence),
        evidence=evidence,
        quotes=[
            q.id for q in context.quotes_near(candidate)
            if q.end > start and q.start < end + 1 or q.speaker and same_sentence_and_holder(candidate, q)
        ],
    )


# --- finding claims -------------------------------------------------------------------------


def find_candidates(doc: Doc, context: DocContext) -> list[Candidate]:
    found = []
    for token in where(word_tests(doc).cue, doc):
        if context.quoted[token.i]:
            continue  # the speaker's own reasoning: the quotation claim covers it
        if not may_cue_claim(token):
            continue  # the ids matched: the word itself decides
        candidate = (
            verb_claim(token) or noun_claim(token) or verdict_claim(token) or according_claim(token)
            or shared_belief_claim(token) or urged_belief_claim(token, context)
        )
        if candidate is None:
            continue
        candidate.end = before_trailing_aside(doc, candidate)
        if is_proposition(doc, candidate.start, candidate.end) and not is_verdict_clause(doc, candidate):
            resolve_holder(doc, context, candidate)
            found += split_coordinated(doc, candidate)
            if candidate.holder:
                context.recent_holder = context.entities_by_id.get(candidate.holder)
            if candidate.holder_name and not candidate.writer:
                context.recent_holder_id, context.recent_holder_name = candidate.holder, candidate.holder_name
    return found


def may_cue_claim(token: Token) -> bool:
    """Whether any claim rule can start from this word: each needs one of the cue words."""
    return token.lower_ in CLAIM_CUE_FORMS or token.lemma_.lower() in CLAIM_CUE_LEMMAS


def before_trailing_aside(doc: Doc, candidate: Candidate) -> int:
    """Where the claim ends if a lone dash opens an aside in it ("— a policy advocated by ...");
    paired dashes ("one thing — power — and ...") are the claim's own parenthesis."""
    text = text_of(doc)[candidate.start : candidate.end]
    dash = TRAILING_DASH.search(text)
    if dash is None:
        return candidate.end
    if TRAILING_DASH.search(text_of(doc)[candidate.start + dash.end() : candidate.trigger.sent.end_char]):
        return candidate.end
    return candidate.start + dash.start()


def split_coordinated(doc: Doc, candidate: Candidate) -> list[Candidate]:
    """ "argues that A and that B": one claim per proposition, numbered for "the first ... the
    second ..." judgements."""
    spans = [(candidate.start, candidate.end)] + candidate.coordinated
    spans = [span for span in spans if is_proposition(doc, *span)]
    return [
        replace(candidate, start=start, end=end, coordinated=[], part=(index, len(spans)) if len(spans) > 1 else None)
        for index, (start, end) in enumerate(spans)
    ]


def verb_claim(verb: Token) -> Optional[Candidate]:
    lemma = verb.lemma_.lower()
    if verb.lower_ in BELIEF_ADJECTIVES and (verb.pos_ == "ADJ" or verb.dep_ == "acomp") and not is_negated(verb.head):
        complement = next((c for c in verb.children if c.dep_ == "ccomp" and is_finite_clause(c)), None)
        return complement_claim(complement, verb) if complement is not None else None
    if lemma not in REPORTING_VERBS and lemma not in CASTING_VERBS:
        return None  # most cue words ("have", "case"): before the parse is walked
    # the tagger sometimes calls a verb with a subject and a clause a noun ("the books show that")
    verb_like = verb.pos_ in ("VERB", "AUX") or {"nsubj", "ccomp"} <= {c.dep_ for c in verb.children}
    if not verb_like or is_negated(verb) or verb.head.lemma_.lower() in NEGATING_HEADS:
        return None
    if lemma in REPORTING_VERBS:
        complement = next(
            (c for c in verb.children if c.dep_ == "ccomp" and not cut_off(c, verb) and is_finite_clause(c)), None
        )
        # "sets out to prove that ...": an attempt, which the writer does not grant
        verdict = 1 if lemma in FACTIVE_VERBS and verb.dep_ != "xcomp" else 0
        if complement is not None:
            return complement_claim(complement, verb, verdict=verdict)
        if inserted_report(verb):  # "The tariff, Hart argues, ..." / "As Hart says, ..."
            return Candidate(*clause_span(verb.head, without=verb), verb, verdict=verdict)
    if lemma in CASTING_VERBS:
        return casting_claim(verb)
    return None


def is_finite_clause(clause: Token, ignoring: Optional[Token] = None) -> bool:
    """ "that the port declined" or "the port declined", not "(show) him begging": a proposition
    has a tensed verb or a "that" (the reporting verb ``ignoring`` does not count)."""
    words = [clause, *(c for c in clause.children if c != ignoring)]
    return any(t.tag_ in FINITE_TAGS or t.dep_ == "mark" and t.lower_ == "that" for t in words)


def cut_off(complement: Token, verb: Token) -> bool:
    """ "The evidence is strong: the bank book shows ...": a colon between them, no complement."""
    if complement.i > verb.i:
        return False
    return any(t.text in (":", ";") for t in verb.doc[complement.i : verb.i])


def inserted_report(verb: Token) -> bool:
    if verb.head == verb or verb.head.pos_ not in ("VERB", "AUX"):
        return False
    as_clause = verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    # "The directors, Thorne writes, believed that ...": the directors' claim is the one to keep
    reports_a_report = verb.head.lemma_.lower() in REPORTING_VERBS and any(
        c.dep_ == "ccomp" for c in verb.head.children
    )
    subject = subject_of(verb)
    # "..., as their annual reports show": evidence for the sentence, not a claim of the records
    by_record = subject is not None and is_record(subject)
    return (verb.dep_ == "parataxis" or as_clause) and not reports_a_report and not by_record \
        and is_finite_clause(verb.head, ignoring=verb)


def casting_claim(verb: Token) -> Optional[Candidate]:
    """ "regards the policy as mistaken": the object and what it is cast as."""
    thing = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if thing is None:
        return None
    # the parser may hang "as ..." on the object's own modifiers: take the first one after it,
    # unless a dash or comma cuts it off ("consider Stalin -- as his book showed")
    cast = next((t for t in verb.subtree if t.i > thing.i and t.lower_ == "as" and t.dep_ == "prep"), None)
    if cast is None or not list(cast.children):
        return None
    in_apposition = any(c.dep_ == "appos" for c in thing.children)  # "the modeller, Ebbs, as ..."
    if any(t.is_punct and t not in thing.subtree and not (in_apposition and t.text == ",")
           for t in verb.doc[thing.i : cast.i]):
        return None
    return Candidate(thing.left_edge.idx, end_of(further_casts(verb, cast).right_edge), verb)


def further_casts(verb: Token, cast: Token) -> Token:
    """ "sums up her virtues as '...' and her faults as '...'": the last of the coordinated
    object-and-cast pairs, which together are one judgement. The parser hangs the second pair
    almost anywhere, so look for "and <noun> as ..." after the first."""
    last = cast
    for token in verb.doc[cast.right_edge.i + 1 : verb.sent.end]:
        if token.text == ";":
            break
        noun = token.head
        if token.lower_ == "as" and token.dep_ == "prep" and list(token.children) and noun.dep_ == "conj" \
                and noun.pos_ in ("NOUN", "PROPN") and noun.left_edge.i > 0 and noun.left_edge.nbor(-1).lower_ == "and":
            last = token
    return last


def noun_claim(noun: Token) -> Optional[Candidate]:
    if noun.pos_ != "NOUN" or noun.lemma_.lower() not in CLAIM_NOUNS:
        return None
    on_copula = noun.dep_ in ("attr", "nsubj") and noun.head.lemma_ == "be"
    # "It is X's contention that ..." (extraposed), "His thesis is that ..."
    clause = (that_clause(noun.head) if on_copula else None) or that_clause(noun)
    if clause is None:
        return None
    candidate = complement_claim(clause, noun)
    if on_copula:  # the parser may hang the that-clause's subject on the noun, its verb on "is"
        rest = next(
            (c for c in noun.head.children if c.dep_ == "ccomp" and c.i > clause.i and not follows_and(c)), None
        )
        candidate.end = max(candidate.end, clause_span(rest)[1]) if rest is not None else candidate.end
    return candidate


def that_clause(head: Token) -> Optional[Token]:
    for child in head.children:
        if child.dep_ in ("acl", "ccomp", "advcl", "relcl") and any(
            m.dep_ == "mark" and m.lower_ == "that" or m.i == child.left_edge.i and m.lower_ == "that"
            for m in child.children
        ):
            return child
    return None


def verdict_claim(word: Token) -> Optional[Candidate]:
    """ "He is surely right that ...", "She is wrong to say ...": a claim judged as it is stated."""
    sign = VERDICT_WORDS.get(word.lower_)
    if sign is None or word.i + 1 >= len(word.doc):
        return None
    following = word.doc[word.i + 1]
    clause = None
    if following.lower_ == "that" and following.head != word:
        clause = following.head
    elif following.lower_ == "to" and following.head.dep_ == "xcomp":
        clause = following.head
    if clause is None or clause.i <= word.i:
        return None
    clause = next((c for c in clause.children if c.dep_ == "ccomp"), clause)  # "right to add that S"
    subject = subject_of(word) or subject_of(word.head) or subject_of(clause.head)
    if subject is None:
        return None
    if is_negated(word) or is_negated(word.head):
        sign = -sign
    start, end = clause_span(clause)
    return Candidate(max(start, following.nbor().idx), end, word, verdict=sign, subject=subject)


def urged_belief_claim(verb: Token, context: DocContext) -> Optional[Candidate]:
    """ "X would have us believe that P", "We are asked to believe that P": P is X's (or, unnamed,
    the holder being reviewed), and the writer is not the one who believes it."""
    if verb.lemma_.lower() not in PERSUADING_VERBS:
        return None
    belief = next((c for c in verb.children if c.dep_ in ("ccomp", "xcomp") and c.lemma_.lower() in BELIEF_VERBS), None)
    if belief is None:
        return None
    clause = next(
        (c for head in (belief, verb) for c in head.children if c.dep_ == "ccomp" and c != belief and is_finite_clause(c)),
        None,
    )
    if clause is None:
        return None
    candidate = complement_claim(clause, verb)
    subject = subject_of(verb)
    if subject is not None and subject.lower_ not in WRITER_PRONOUNS | {"us"}:
        candidate.subject = subject
    elif context.recent_holder_name is not None:
        candidate.holder, candidate.holder_name = context.recent_holder_id, context.recent_holder_name
    else:
        return None
    return candidate


def shared_belief_claim(verb: Token) -> Optional[Candidate]:
    """ "It would be pleasant to believe, with Hale, that P": P is Hale's, whoever else shares it
    (the parser hangs "with Hale" and the clause anywhere, so the words decide)."""
    doc = verb.doc
    if verb.lemma_.lower() not in REPORTING_VERBS or verb.i + 4 >= len(doc):
        return None
    if doc[verb.i + 1].text != "," or doc[verb.i + 2].lower_ != "with":
        return None
    names = [t for t in doc[verb.i + 3 : verb.i + 7] if t.pos_ == "PROPN"]
    after = verb.i + 3 + len(names)
    if not names or after + 1 >= len(doc) or doc[after].text != "," or doc[after + 1].lower_ != "that":
        return None
    clause = doc[after + 1].head
    if clause.i <= after + 1:
        return None
    return Candidate(*clause_span(clause), verb, subject=names[-1])


def according_claim(word: Token) -> Optional[Candidate]:
    """ "According to X, S": S is X's claim (unless X is a record: then it is evidence)."""
    if word.lower_ != "according" or word.head == word:
        return None
    to = next((c for c in word.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if source is None or is_record(source):
        return None
    return Candidate(*clause_span(word.head, without=word), word, subject=source)


def complement_claim(clause: Token, verb: Token, **fields) -> Candidate:
    """The complement as a candidate; each "and that ..." clause conjoined to it is a claim of
    its own (its evaluative words are the holder's, and the writer may judge each apart)."""
    conjoined = coordinated_that_clauses(clause)
    records = record_conjuncts(clause)
    start, end = rejoin_interrupted(clause, without_that(clause.doc, *clause_span(clause, without=conjoined + records)))
    spans = [without_that(clause.doc, *clause_span(c)) for c in conjoined] or unparsed_conjunct(clause, end)
    candidate = Candidate(start, end, verb, coordinated=[s for s in spans if s[1] > s[0]], **fields)
    if records:  # "..., and the company's statements leave no doubt of it": the writer's evidence
        candidate.evidence = evidence_span(clause.doc, *clause_span(records[0]))
    return candidate


def record_conjuncts(clause: Token) -> list[Token]:
    """Clauses joined to the complement whose subject is a record: the writer citing it."""
    return [
        c for c in clause.children
        if c.dep_ == "conj" and c.i > clause.i and (subject := subject_of(c)) is not None and subject.head == c
        and is_record(subject)
    ]


def without_that(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """ "that censorship is ...": the parser may take the "that" for a determiner and keep it."""
    match = LEADING_THAT.match(text_of(doc), start, end)
    return (match.end(), end) if match else (start, end)


def unparsed_conjunct(clause: Token, end: int) -> list[tuple[int, int]]:
    """ "that A, and that B (a remark in brackets)": when the parser loses B to the bracket, B
    still runs from its "that" to the end of the sentence, before any bracket or dash."""
    doc = clause.doc
    sentence_end = clause.sent.end_char
    match = TEXTUAL_CONJUNCT.match(text_of(doc), end, sentence_end)
    if match is None:
        return []
    stop = CONJUNCT_STOP.search(text_of(doc), match.end(), sentence_end)
    last = stop.start() if stop else sentence_end
    while last > match.end() and text_of(doc)[last - 1] in " .,;:\n":
        last -= 1
    return [(match.end(), last)]


def coordinated_that_clauses(clause: Token) -> list[Token]:
    """ "that A, and that B": B hangs on A as a conjunct, on A's head as a conjunct, or (after a
    copula: "the refrain is that A, and that B") on the copula as a second complement."""
    found = [c for c in clause.children if c.dep_ == "conj" and that_clause_marked(c)]
    for sibling in clause.head.children:
        if sibling.i <= clause.i:
            continue
        if sibling.dep_ == "conj" and that_clause_marked(sibling):
            found.append(sibling)
        elif sibling.dep_ == "ccomp" and that_clause_marked(sibling) and follows_and(sibling):
            found.append(sibling)
    return found


def follows_and(clause: Token) -> bool:
    first = clause.left_edge
    return first.i > 0 and first.nbor(-1).lower_ == "and"


def that_clause_marked(clause: Token) -> bool:
    """A "that" opening the clause, as its marker or (misparsed) as its subject's determiner."""
    return any(m.dep_ == "mark" and m.lower_ == "that" for m in clause.children) or (
        clause.left_edge.lower_ == "that" and clause.left_edge.dep_ in ("mark", "det")
    )


def rejoin_interrupted(clause: Token, span: tuple[int, int]) -> tuple[int, int]:
    """ "that the show was timed to fall, give or take a week, on the fair": the parser may hang
    the aside between commas, and what follows it, on the main verb; both still belong."""
    doc = clause.doc
    last = doc.char_span(*span, alignment_mode="expand")
    if last is None or last.end + 1 >= len(doc) or doc[last.end].text != ",":
        return span
    commas = [t.i for t in last if t.text == ","]
    aside_in_span = bool(commas) and last.end - commas[-1] - 1 <= ASIDE_WORDS
    resumed = last.end + 1 if aside_in_span else aside_end(doc, last.end + 1)
    if resumed is None or resumed >= len(doc) or not resumes_clause(doc[resumed], clause, last.end):
        return span
    return span[0], end_of(doc[resumed].right_edge)


def aside_end(doc: Doc, first: int) -> Optional[int]:
    """The token after a short aside closed by a comma, if there is one."""
    for i in range(first, min(first + ASIDE_WORDS + 1, len(doc) - 1)):
        if doc[i].text == ",":
            return i + 1
        if doc[i].is_punct:
            return None
    return None


def resumes_clause(word: Token, clause: Token, aside_start: int) -> bool:
    """A prepositional phrase hung on a word the clause depends on, or on the aside itself."""
    head = word.head
    return word.dep_ == "prep" and head.i < word.i and (
        head in clause.ancestors or clause in head.subtree or head.i >= aside_start
    )


def clause_span(head: Token, without: Union[Token, list[Token], None] = None) -> tuple[int, int]:
    """Char range of a clause, without its "that", its edge punctuation, or inserted phrases."""
    left_out = [without] if isinstance(without, Token) else without or []
    left_out_words = {t.i for w in left_out for t in w.subtree}  # each word left out, its dependents too
    tokens = [t for t in head.subtree if t.i not in left_out_words]
    while tokens and (
        tokens[0].lower_ in ("that", "whether") and tokens[0].dep_ in ("mark", "nsubj")
        and tokens[0].head == head or tokens[0].is_punct and not tokens[0].is_quote or tokens[0].dep_ == "cc"
    ):
        tokens = tokens[1:]
    while tokens and (
        tokens[-1].is_space or tokens[-1].dep_ == "cc"
        or tokens[-1].is_punct and not tokens[-1].is_quote and tokens[-1].text != ")"
    ):
        tokens = tokens[:-1]
    if not tokens:
        return 0, 0
    return tokens[0].idx, end_of(tokens[-1])


def end_of(token: Token) -> int:
    return token.idx + len(token.text)


def is_negated(token: Token) -> bool:
    """Negated in the parse: a "not"/"never" child, "no" as determiner, or "nor" heading it."""
    return any(
        c.dep_ == "neg" or c.lower_ in ("no", "nor", "neither", "never") and c.dep_ in ("det", "cc", "preconj")
        for c in token.children
    )


def is_proposition(doc: Doc, start: int, end: int) -> bool:
    """Not a pro-form ("is right to do so") nor an indirect question ("what he believes")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    words = indices(word_tests(doc).word, span) if span is not None else []
    return len(words) >= MIN_PROPOSITION_WORDS and doc[words[0]].lower_ not in QUESTION_WORDS


def is_verdict_clause(doc: Doc, candidate: Candidate) -> bool:
    """ "I think he is correct", "This is simply wrong": a judgement on a claim, not a claim.

    Short evaluative clauses are verdicts; so is anything the writer says "I think" about in
    evaluative words ("I believe the point is sound")."""
    span = doc.char_span(candidate.start, candidate.end, alignment_mode="expand")
    if span is None:
        return False
    writer = candidate.trigger.pos_ == "VERB" and (subject_of(candidate.trigger) or candidate.trigger).lower_ in WRITER_PRONOUNS
    if len(span) > VERDICT_CLAUSE_TOKENS and not writer:
        return False  # most claims: the evaluative words are not looked for
    return any(word_polarity(t) for t in where(word_tests(doc).polar, span)) or bool(
        ENDORSING_PHRASES.spans(span_text(span))
    )


def subject_of(token: Token) -> Optional[Token]:
    """The subject of a verb, borrowed from the verb it is coordinated with or governed by."""
    for _ in range(3):
        subjects = [c for c in token.children if c.dep_ in ("nsubj", "csubj")]
        # a title run into the first sentence may give the verb two subjects: the nearer is its own
        subject = max((c for c in subjects if c.i < token.i), key=lambda c: c.i, default=next(iter(subjects), None))
        if subject is not None and token.dep_ == "relcl" and subject.tag_ in ("WP", "WDT"):
            return token.head  # "Mortlake, who has summed up ...": the relative pronoun is Mortlake
        if subject is not None:
            return subject
        if token.dep_ in ("relcl", "acl") and token.head.pos_ in ("NOUN", "PROPN"):
            return token.head  # "the historian who argues that ..."
        if token.dep_ == "pcomp" and token.head.head != token.head:
            token = token.head.head  # "She is on firmer ground in claiming that ...": her claim
            continue
        if token.dep_ not in ("conj", "xcomp", "advcl", "acomp") or token.head == token:
            return None
        token = token.head
    return None


def is_record(token: Token) -> bool:
    """ "the minutes", "the poll books", "the census": a record, not a person or a work."""
    lemma = token.lemma_.lower()
    qualifiers = [c for c in token.children if c.dep_ in ("compound", "amod")]
    return (
        lemma in EVIDENCE_NOUNS
        or any(c.lemma_.lower() in RECORD_QUALIFIERS for c in qualifiers)
        # "the customs books", "the bank book": a book kept, not a book written
        or lemma in WORK_NOUNS and any(c.dep_ == "compound" and c.pos_ == "NOUN" for c in qualifiers)
    )


# --- holders ---------------------------------------------------------------------------------


def resolve_holder(doc: Doc, context: DocContext, candidate: Candidate) -> None:
    trigger = candidate.trigger
    holder_token = candidate.subject
    if holder_token is None and trigger.lemma_.lower() in TRADITION_NOUNS:
        holder_token = next((c for c in trigger.children if c.dep_ == "poss"), None)
    elif holder_token is None:
        holder_token = noun_holder(trigger) if trigger.pos_ == "NOUN" else subject_of(trigger)
    if holder_token is not None:
        holder_from_token(doc, context, candidate, holder_token)
    elif candidate.holder:
        return  # already known: "we are asked to believe" is the reviewed holder's
    elif trigger.lemma_.lower() in TRADITION_NOUNS:
        start, end = name_span(trigger)
        candidate.holder_name = text_of(doc)[start:end]  # "the local legend that ...": held by tradition
    elif overlooked_by_subject(trigger):
        candidate.overlooked = True
        writer_claim(context, candidate, trigger)
    elif trigger.pos_ == "NOUN" and not rejected_by_subject(trigger):
        # "the assertion that ...": whose is told near by ("X ignores the argument" is not X's)
        person = context.last_person_before(trigger.idx, window=400)
        if person is not None:
            candidate.holder, candidate.holder_name = person.id, person.name


def overlooked_by_subject(noun: Token) -> bool:
    """ "X ignores the powerful argument that P": the writer holds P against X (unless the writer
    calls the argument weak: "ignores the absurd argument")."""
    return (
        noun.pos_ == "NOUN" and noun.dep_ == "dobj" and noun.head.lemma_.lower() in OVERLOOKING_VERBS
        and not is_negated(noun.head) and not any(word_polarity(c) < 0 for c in noun.children if c.dep_ == "amod")
    )


def rejected_by_subject(noun: Token) -> bool:
    return noun.pos_ == "NOUN" and noun.dep_ == "dobj" and noun.head.lemma_.lower() in REJECTING_VERBS_OF_NOUNS


def noun_holder(noun: Token) -> Optional[Token]:
    """Whose contention: "X's", "of X", or the subject of the verb that advances it."""
    for child in noun.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None:
                return pobj
    agent = next(
        (a for c in noun.children if c.dep_ == "acl" and not that_clause_marked(c) for a in c.children if a.dep_ == "agent"),
        None,
    )  # not "the idea that the guardians were moved by economy": that agent is inside the claim
    by_whom = next((p for p in agent.children if p.dep_ == "pobj"), None) if agent is not None else None
    if by_whom is not None:
        return by_whom  # "the view put forward by X"
    if noun.dep_ == "attr":
        return next((c for c in noun.head.children if c.dep_ == "poss"), None)
    verb = noun.head if noun.dep_ == "dobj" else noun.head.head if noun.dep_ == "pobj" else None
    if verb is not None and verb.lemma_.lower() not in SUPPORTING_VERBS_OF_NOUNS | REJECTING_VERBS_OF_NOUNS:
        return subject_of(verb)
    return None


def holder_from_token(doc: Doc, context: DocContext, candidate: Candidate, token: Token) -> None:
    lower = token.lower_
    if lower in WRITER_PRONOUNS or is_record(token):
        writer_claim(context, candidate, token)
        return
    if token.lemma_.lower() in WORK_NOUNS:
        work_author(doc, context, candidate, token)
        return
    entity = pronoun_referent(doc, context, token) if lower in PERSON_PRONOUNS else named_entity(doc, token)
    start, end = name_span(token)
    if entity is not None and token.pos_ == "PROPN" and entity.type != "PERSON" and token.text not in entity.name:
        entity = None  # a title run into the name ("The Old Mill\n\nJane Hale"): the name itself holds
    if entity is None and lower in PERSON_PRONOUNS and context.recent_holder_name:
        # "She maintains ...": no person entity fits, so the holder of the claims just before
        candidate.holder, candidate.holder_name = context.recent_holder_id, context.recent_holder_name
        return
    if entity is not None:
        # an entity name across a line break has swallowed a title: the name is its last line
        candidate.holder, candidate.holder_name = entity.id, entity.name.splitlines()[-1].strip()
    elif token.pos_ == "NOUN" and candidate.trigger.lemma_.lower() in RECORD_VERBS \
            and not PERSON_NOUN.search(token.lemma_.lower()):
        # "the silence suggests that ...": the writer reasons from a fact
        writer_claim(context, candidate, token, evidence=evidence_span(doc, start, end))
    elif token.pos_ in ("PROPN", "NOUN"):
        candidate.holder_name = text_of(doc)[start:end]
    elif token.lower_ in QUANTIFIERS and any(c.dep_ == "prep" and c.lower_ == "of" for c in token.children):
        candidate.holder_name = text_of(doc)[token.idx : end_of(token.right_edge)]  # "some of her readers"


def pronoun_referent(doc: Doc, context: DocContext, pronoun: Token):
    """Who "she" is: the main clause's subject, the entities component's answer, or the holder of
    the claims just before (reviews keep reporting the same author), first whose gender fits."""
    gender = PRONOUN_GENDERS.get(pronoun.lower_)
    options = [
        main_clause_subject(doc, pronoun),
        named_entity(doc, pronoun),
        context.recent_holder,
        context.last_person_before(pronoun.idx, window=600),
    ]
    people = [e for e in options if e is not None and e.type == "PERSON"]
    told = [e for e in people if gender and e.gender == gender]
    untold = [e for e in people if e.gender is None]
    return next(iter(told + untold), None)


def main_clause_subject(doc: Doc, pronoun: Token):
    """ "Hatch is on weaker ground when he insists ...": "he" is the main clause's subject."""
    verb = pronoun.head
    if pronoun.dep_ != "nsubj" or verb.dep_ != "advcl":
        return None
    subject = subject_of(verb.head)
    return named_entity(doc, subject) if subject is not None and subject.pos_ == "PROPN" else None


def named_entity(doc: Doc, token: Token):
    """The entity a name, pronoun or apposition refers to; a common noun's modifiers name someone
    else ("the Smith biographers" are not Smith)."""
    tokens = [token]
    if token.pos_ == "PROPN":
        tokens += [c for c in token.children if c.dep_ in ("compound", "flat")]
    # "The mayor, Josiah Crane, declared": the apposition names the holder
    tokens += [c for c in token.children if c.dep_ == "appos"]
    return next((e for e in (entity_at(doc, t.idx) for t in tokens) if e is not None), None)


def name_span(token: Token) -> tuple[int, int]:
    """The holder phrase without a trailing possessive or clauses: "the older scholars"."""
    tokens = [t for t in token.subtree if t.i <= token.i and t.dep_ not in ("case", "punct")]
    # a title line run into the sentence is not part of the name
    tokens = tokens[max((n + 1 for n, t in enumerate(tokens) if "\n" in t.text), default=0):]
    start = tokens[0] if tokens else token
    return start.idx, end_of(token)


def writer_claim(
    context: DocContext, candidate: Candidate, token: Token, evidence: Optional[dict] = None
) -> None:
    """The writer's own claim: held by the document's author when known, else "the writer".

    A record or a fact as subject ("the minutes show that ...") is itself the evidence."""
    if token.lower_ not in WRITER_PRONOUNS and not candidate.overlooked:
        if candidate.trigger.lemma_.lower() not in RECORD_VERBS:
            return  # "the letters describe X as Y": evidence, not a proposition put forward
        start, end = name_span(token)
        candidate.evidence = evidence or evidence_span(context.doc, start, end)
    candidate.writer = True
    author = context.author
    entity = entity_by_name(context.doc, author) if author else None
    candidate.holder = entity.id if entity else None
    candidate.holder_name = author or WRITER


def work_author(doc: Doc, context: DocContext, candidate: Candidate, work: Token) -> None:
    """ "Her study maintains": the possessor; "The book argues": the reviewed work's author."""
    owner = next((c for c in work.children if c.dep_ == "poss"), None)
    if owner is not None:
        holder_from_token(doc, context, candidate, owner)
        return
    start, end = name_span(work)
    named = [w for w in context.works if any(m.start < end and m.end > start for m in w.mentions)]
    reviewed = [w for w in context.works if w.reviewed]
    for works in (named, reviewed, context.works):
        authors = [a for w in works for a in w.authors]
        if authors:
            entity = entity_by_name(doc, authors[0])
            candidate.holder = entity.id if entity else None
            candidate.holder_name = entity.name if entity else authors[0]
            return
    person = context.last_person_before(work.idx, window=600)
    if person is not None:
        candidate.holder, candidate.holder_name = person.id, person.name


def quotation_candidates(doc: Doc, context: DocContext, found: list[Candidate]) -> list[Candidate]:
    """Quotations with a speaker that state something and no other claim already carries."""
    extra = []
    found_by_sentence: dict[int, list[Candidate]] = defaultdict(list)
    for candidate in found:
        for number in set(context.sentence_numbers(candidate.start, candidate.end + 1)) | {context.sentence_of[candidate.trigger.i]}:
            found_by_sentence[number].append(candidate)
    for quote in context.quotes:
        if quote.kind != "quotation" or not quote.speaker_name or is_testimony(doc, context, quote):
            continue
        nearby = (c for n in context.sentence_numbers(quote.start, quote.end) for c in found_by_sentence[n])
        if any(c.start <= quote.end and quote.start <= c.end or same_sentence_and_holder(c, quote) for c in nearby):
            continue
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        inner = [t for t in span or [] if not t.is_quote]
        if not any(t.pos_ in ("VERB", "AUX") for t in inner):
            continue  # a phrase, not a proposition
        candidate = Candidate(inner[0].idx, end_of(inner[-1]), inner[0])
        candidate.holder, candidate.holder_name = quote.speaker, quote.speaker_name
        extra.append(candidate)
    return extra


def is_testimony(doc: Doc, context: DocContext, quote) -> bool:
    """A quotation set off as its own paragraph (a letter, a memoir) is a document the writer
    shows, not a proposition, unless it is introduced as an argument ("X insists:")."""
    breaks = context.paragraph_breaks
    position = bisect_right(breaks, quote.start)
    paragraph_start = breaks[position - 1] if position else -1
    following = breaks[bisect_right(breaks, quote.end - 1) :]
    paragraph_end = following[0] if following else len(text_of(doc))
    alone = not text_of(doc)[max(paragraph_start, 0) : quote.start].strip(QUOTE_EDGES) and not text_of(doc)[
        quote.end : paragraph_end
    ].strip(QUOTE_EDGES + ".,")
    if not (quote.block or alone) or paragraph_start <= 0:
        return quote.block
    introduction = doc.char_span(0, paragraph_start, alignment_mode="contract")
    if introduction is None or not len(introduction):
        return True
    return not any(t.lemma_.lower() in ARGUING_VERBS for t in introduction[-1].sent)


def same_sentence_and_holder(candidate: Candidate, quote) -> bool:
    """ "X gets the idea that S ("his words")": the quotation backs X's claim, it is not another."""
    sentence = candidate.trigger.sent
    return (
        sentence.start_char <= quote.start < sentence.end_char
        and (candidate.holder or candidate.holder_name) in (quote.speaker, quote.speaker_name)
    )


def keep_claims(doc: Doc, context: DocContext, candidates: list[Candidate]) -> list[Candidate]:
    """One claim per proposition and holder; the writer's own only when evidence is cited."""
    kept: list[Candidate] = []
    for candidate in candidates:
        if not (candidate.holder_name or candidate.holder) or embedded(candidate, context):
            continue
        if candidate.writer and not candidate.overlooked \
                and evidence_in(doc, candidate, judgement_zone(context, candidate)) is None:
            continue
        same = next((k for k in kept if nested(k, candidate) and k.holder_name == candidate.holder_name), None)
        if same is None:
            kept.append(candidate)
        else:  # "is right to point out that S": keep the inner proposition and the verdict
            inner = candidate if candidate.end - candidate.start < same.end - same.start else same
            inner.verdict = inner.verdict or candidate.verdict or same.verdict
            kept[kept.index(same)] = inner
    return kept


def embedded(candidate: Candidate, context: DocContext) -> bool:
    """ "Hartley claims that the farmers treated their servants as family": a clause inside
    another holder's claim is part of that claim."""
    return any(
        other is not candidate and inside(candidate.trigger.idx, other) and other.holder_name != candidate.holder_name
        for other in context.sentence_candidates(candidate)
    )


def overlaps(a: Candidate, b: Candidate) -> bool:
    return a.start < b.end and b.start < a.end


def nested(a: Candidate, b: Candidate) -> bool:
    return a.start <= b.start and b.end <= a.end or b.start <= a.start and a.end <= b.end


# --- stance and evidence ---------------------------------------------------------------------


@dataclass
class Zone:
    """The text that may judge a claim: its own sentence and a few after it."""

    own: Span
    following: list[Span]
    preceding: Optional[Span] = None  # the sentence before, when it judges without a claim of its own
    # "Yet according to her book, ...": a turn to the same holder's next claim, not against this one
    turns_to_same_holder: bool = False


def judgement_zone(context: DocContext, candidate: Candidate) -> Zone:
    number = context.sentence_of[candidate.trigger.i]
    following = []
    previous = context.sentences[number]
    for later in range(number + 1, min(number + 1 + context.following_sentences, len(context.sentences))):
        sentence = context.sentences[later]
        if starts_paragraph(previous, sentence) or starts_new_claim(context.candidates_by_sentence[later], candidate):
            break
        previous = sentence
        segment = ordinal_segment(sentence, candidate)
        if segment is not None:
            following.append(segment)
    preceding = preceding_verdict(context, number, candidate)
    claim_others_in(context, candidate, range(number - (preceding is not None), number + 1 + len(following)))
    next_claims = context.candidates_by_sentence[number + 1] if following else []
    same_holder_next = any(o.holder_name == candidate.holder_name and not o.verdict for o in next_claims)
    return Zone(context.sentences[number], following, preceding, same_holder_next)


def claim_others_in(context: DocContext, candidate: Candidate, numbers: range) -> None:
    """Words inside any claim in the sentences that judge this one are their holders' words."""
    spans = {(o.start, o.end) for n in numbers for o in context.candidates_by_sentence[n] if not overlaps(o, candidate)}
    candidate.others = sorted(spans | set(candidate.others))


def ordinal_segment(sentence: Span, candidate: Candidate) -> Optional[Span]:
    """What of a sentence judges one of coordinated claims: "The first is borne out ...; the
    second is an overstatement" gives each its own part; a part no ordinal names gets nothing."""
    markers = ordinal_markers(sentence, candidate.part[1]) if candidate.part else []
    if not markers:
        return sentence
    mine = [n for n, (index, _) in enumerate(markers) if index == candidate.part[0]]
    if not mine:
        return None
    start = sentence.start if mine[0] == 0 else markers[mine[0]][1]
    end = markers[mine[0] + 1][1] if mine[0] + 1 < len(markers) else sentence.end
    return sentence.doc[start:end]


def ordinal_markers(sentence: Span, count: int) -> list[tuple[int, int]]:
    """(part index, token where its judgement starts) for "the first (point)", "the latter" ..."""
    found = []
    for token in sentence:
        index = ORDINALS.get(token.lower_)
        if index is None or token.i == 0 or token.nbor(-1).lower_ != "the":
            continue
        after = token.nbor() if token.i + 1 < len(token.doc) else None
        if after is not None and after.pos_ == "NOUN" and after.lemma_.lower() not in ORDINAL_REFERENTS:
            continue  # "the second day" is a time, not the second claim
        found.append((count - 1 if index < 0 else index, token.i - 1))
    return found


def preceding_verdict(context: DocContext, number: int, candidate: Candidate) -> Optional[Span]:
    """The sentence before the claim's when it judges the same holder ("Lamb is on shakier ground
    with money. He states that ..."): same paragraph, no claim of its own."""
    if number == 0 or context.candidates_by_sentence[number - 1]:
        return None
    before = context.sentences[number - 1]
    if starts_paragraph(before, context.sentences[number]):
        return None
    subject = subject_of(before.root) or next((c for c in before.root.children if c.dep_ == "nsubjpass"), None)
    if subject is None or candidate.holder is None:
        return None
    # "Ormsby's account is corroborated by ...": the account is the holder's
    subject = next((c for c in subject.children if c.dep_ == "poss"), subject)
    referent = (
        pronoun_referent(context.doc, context, subject) if subject.lower_ in PERSON_PRONOUNS
        else named_entity(context.doc, subject)
    )
    return before if referent is not None and referent.id == candidate.holder else None


def starts_paragraph(previous: Span, sentence: Span) -> bool:
    """A blank line between two sentences: the writer has moved on to another point."""
    doc, tests = previous.doc, word_tests(previous.doc)
    words, following = indices(tests.not_space, previous), indices(tests.not_space, sentence)
    if not words or not following:
        return False
    return "\n\n" in text_of(doc)[end_of(doc[words[-1]]) : tests.idx[following[0]]]


def starts_new_claim(sentence_candidates: list[Candidate], candidate: Candidate) -> bool:
    """A sentence with another holder's claim judges that claim, not the earlier one.

    A verdict ("He is right that ...") or the writer's own evidence does not start a new topic.
    """
    return any(
        not other.verdict
        and not other.writer
        and (other.holder_name or other.holder)
        and other.holder_name != candidate.holder_name
        for other in sentence_candidates
    )


def stance_of(candidate: Candidate, zone: Zone, evidence: Optional[dict] = None) -> str:
    """Explicit judgement in the claim's own sentence wins; else the next sentences, nearer first,
    with a contrast or a "cites no source" tipping the balance against. A writer who cites the
    record about a claim without a word of judgement has still taken sides: evidence that denies
    ("show no dividend", "not one witness") is against it, other evidence for it."""
    own = sentence_score(zone.own, candidate) + 2 * candidate.verdict
    score = own
    if own == 0 and any(match_starts(UNDECIDED_PHRASES, span_text(s)) for s in [zone.own] + zone.following):
        return "neutral"
    if own == 0 and zone.preceding is not None:
        score += sentence_score(zone.preceding, candidate) / 2  # "X is on shakier ground here. He states ..."
    if own == 0:
        for distance, sentence in enumerate(zone.following):
            score += sentence_score(sentence, candidate) / (1 + distance)
        first = zone.following[0] if zone.following else None
        if contrast_after(zone.own, candidate) or first is not None and contrasts(first) and not zone.turns_to_same_holder:
            score -= 1
        if first_cue(HOLDER_CITES_NONE, [zone.own] + zone.following, candidate) is not None:
            score -= 1
    if abs(score) < 1 and evidence and "text" in evidence and not any(hedged(s, candidate) for s in zone.following):
        claim_text = text_of(zone.own.doc)[candidate.start : candidate.end]
        negative = bool(NEGATION.search(claim_text)) or negative_claim(zone.own.doc, candidate)
        # "never made a loss" / "the accounts show losses": evidence of the other polarity denies;
        # "regards the sale as mistaken" / "the boats could not berth": the same polarity bears out
        score = 1 if negative == bool(DENYING_WORD.search(evidence["text"])) else -1
    if score >= 1:
        return "agrees"
    if score <= -1:
        return "disagrees"
    return "neutral"


# Sentences whose judging phrases are kept: far more than the few a claim's stance reads.
JUDGING_CACHE_SENTENCES = 1024


@lru_cache(maxsize=JUDGING_CACHE_SENTENCES)
def judging_phrases(sentence_text: str) -> tuple[tuple[int, int, int, str], ...]:
    """(sign, start, end, text) of each endorsing (+1) then rejecting (-1) phrase in a sentence.

    Cached by the sentence's text: a sentence is scored for every claim near it, and these two
    long alternations, tried at every character, were the dearest part of scoring it."""
    return tuple(
        (sign, start, end, sentence_text[start:end])
        for pattern, sign in ((ENDORSING_PHRASES, 1), (REJECTING_PHRASES, -1))
        for start, end in pattern.spans(sentence_text)
    )


def sentence_score(sentence: Span, candidate: Candidate) -> float:
    """``scored_judgements``, worked out once per sentence and claim: the evidence and the stance
    both read it, two or three times for each sentence. The key holds all the score depends on."""
    scores = sentence.doc.user_data.setdefault(SCORES_KEY, {})
    key = (sentence.start, sentence.end, candidate.trigger.i, candidate.start, candidate.end, tuple(candidate.others))
    if key not in scores:
        scores[key] = scored_judgements(sentence, candidate)
    return scores[key]


def scored_judgements(sentence: Span, candidate: Candidate) -> float:
    """Endorsements (+) and rejections (-) outside the claim, negation flipping them, hedges
    weakening them."""
    score = 0.0
    own = sentence.start_char <= candidate.trigger.idx < sentence.end_char
    judging = judging_phrases(span_text(sentence))
    phrases = [(sentence.start_char + start, sentence.start_char + end) for _sign, start, end, _text in judging]
    doc, polar = sentence.doc, word_tests(sentence.doc).polar
    for i in range(sentence.start, sentence.end):
        if not polar[i]:
            continue  # most words: no token object made, no test that walks the parse
        token = doc[i]
        if token == candidate.trigger or holders_words(token.idx, candidate) or judges_other_claim(token, candidate):
            continue
        if any(start <= token.idx < end for start, end in phrases):
            continue  # "hard to quarrel with": the phrase judges, not its words one by one
        if own and judges_earlier_claim(token):
            continue
        score += 2 * word_polarity(token)
    if not own and flat_denial(sentence):
        # "It never did" denies "the line would pay"; after "X regards the policy as mistaken",
        # "It did not produce food" bears X out
        score += 2 if negative_claim(sentence.doc, candidate) else -2
    for sign, phrase_start, _end, phrase in judging:
        start = sentence.start_char + phrase_start
        within_longer = any(a <= start and start + len(phrase) <= b and b - a > len(phrase) for a, b in phrases)
        if not holders_words(start, candidate) and not within_longer:
            first = sentence.doc.char_span(start, start + 1, alignment_mode="expand")
            negated = first is not None and not NEGATIVE_WORD.search(phrase) and negated_in_context(first[0])
            score += 2 * (-sign if negated else sign)
    return score * HEDGED_WEIGHT if hedged(sentence, candidate) else score


# A hedged sentence ("it may be right") judges at most weakly.
HEDGED_WEIGHT = 0.4


def span_text(span: Span) -> str:
    """``span.text`` sliced from the document's text rather than joined from new token objects."""
    return text_of(span.doc)[span.start_char : span.end_char]


def polarity_lemma(token: Token) -> str:
    # nouns by their form only: "fairs" are not "fair", "rights" are not "right"
    lower = token.lower_
    return lower if token.pos_ in ("NOUN", "PROPN") else token.lemma_.lower()


class WordLists:
    """Word lists as one sorted array of ids (what ``Doc.to_array`` gives a word: its hash, or
    spaCy's symbol for its own), to look every token of a Doc up in all of them at once."""

    def __init__(self, lists: dict[str, Iterable[str]]):
        self.names = list(lists)
        self.bits_of: dict[str, int] = defaultdict(int)  # each word's lists, one bit each
        for number, words in enumerate(lists.values()):
            for word in words:
                self.bits_of[word] |= 1 << number
        by_id = sorted((get_string_id(word), bits) for word, bits in self.bits_of.items())
        self.ids = numpy.array([i for i, _ in by_id], dtype=numpy.uint64)
        self.bits = numpy.array([bits for _, bits in by_id], dtype=numpy.int64)

    def look_up(self, ids: numpy.ndarray) -> dict[str, numpy.ndarray]:
        """For each list, which of the words with these ids are in it."""
        position = numpy.searchsorted(self.ids, ids).clip(max=len(self.ids) - 1)
        return self.split(numpy.where(self.ids[position] == ids, self.bits[position], 0))

    def look_up_lowered(self, doc: Doc, ids: numpy.ndarray) -> dict[str, numpy.ndarray]:
        """The same for the words lower-cased (``lemma_.lower()``): by their strings, each once."""
        unique, inverse = numpy.unique(ids, return_inverse=True)
        strings = doc.vocab.strings
        bits = numpy.array([self.bits_of.get(strings[i].lower(), 0) for i in unique.tolist()], dtype=numpy.int64)
        return self.split(bits[inverse])

    def split(self, bits: numpy.ndarray) -> dict[str, numpy.ndarray]:
        return {name: bits & 1 << number != 0 for number, name in enumerate(self.names)}


# The word tests the scans start from, by form (``lower_``) and by lemma (``lemma_.lower()``).
WORD_FORMS = WordLists({
    "cue": CLAIM_CUE_FORMS, "polar": POLAR_WORDS, "hedge": HEDGES, "contrast": CONTRAST_CONJUNCTIONS | {"however"},
    "reason": [*REASON_MARKERS, ":", ";"], "writer": WRITER_PRONOUNS,
})
WORD_LEMMAS = WordLists({"cue": CLAIM_CUE_LEMMAS, "polar": POLAR_WORDS})


class WordTests:
    """Which tokens of a Doc may pass the word tests the scans start from, worked out once per
    Doc from its arrays. Each sentence is scanned for every claim near it, and making a Token
    object per word to test it cost more than the rules: a scan now makes one only for the few
    words that may pass (their ids match), and still tests those itself.

    Each test is a byte per token, 1 where the token may pass it (bytes, not lists of bools:
    made from the arrays at no cost)."""

    def __init__(self, doc: Doc):
        lower, lemma, pos, idx, punct, space = doc.to_array([LOWER, LEMMA, POS, IDX, IS_PUNCT, IS_SPACE]).T
        forms, lemmas = WORD_FORMS.look_up(lower), WORD_LEMMAS.look_up_lowered(doc, lemma)
        self.idx: list[int] = idx.tolist()
        self.cue = (forms["cue"] | lemmas["cue"]).tobytes()
        # ``may_judge``: a noun by its form alone (see ``polarity_lemma``)
        self.polar = (forms["polar"] | lemmas["polar"] & (pos != NOUN) & (pos != PROPN)).tobytes()
        self.hedge = forms["hedge"].tobytes()
        self.contrast = forms["contrast"].tobytes()
        self.reason = forms["reason"].tobytes()
        self.writer = forms["writer"].tobytes()
        self.not_space = (space == 0).tobytes()
        self.word = ((punct == 0) & (space == 0)).tobytes()  # not punctuation nor space


def word_tests(doc: Doc) -> WordTests:
    """The Doc's ``WordTests``, made on first use."""
    tests = doc.user_data.get(WORD_TESTS_KEY)
    if tests is None:
        tests = doc.user_data[WORD_TESTS_KEY] = WordTests(doc)
    return tests


def where(test: bytes, span: Union[Doc, Span]) -> list[Token]:
    """The tokens of a Doc or a Span that may pass ``test`` (one of ``WordTests``)."""
    doc = span if isinstance(span, Doc) else span.doc
    return [doc[i] for i in indices(test, span)]


def indices(test: bytes, span: Union[Doc, Span]) -> list[int]:
    """The same as token indices, no Token made."""
    start, end = (0, len(span)) if isinstance(span, Doc) else (span.start, span.end)
    return [i for i in range(start, end) if test[i]]


def may_judge(token: Token) -> bool:
    """Whether ``word_polarity`` can be other than 0: a word of endorsement or rejection."""
    lower = token.lower_
    lemma = polarity_lemma(token)
    return lemma in POLAR_WORDS or lower in POLAR_WORDS


def word_polarity(token: Token) -> int:
    if not may_judge(token):
        return 0
    if happened_to_person(token):
        return 0  # "he was dismissed from the party" is an event, not a verdict
    lower = token.lower_
    lemma = polarity_lemma(token)
    if lemma in REJECTING_WORDS or lower in REJECTING_WORDS:
        polarity = -1
    elif lemma in ENDORSING_WORDS or lower in ENDORSING_WORDS:
        # "rightly rejects": the adverb strengthens the rejection, it does not endorse the claim
        if token.head.lemma_.lower() in REJECTING_WORDS:
            return 0
        polarity = 1
    else:
        return 0
    return -polarity if negated_in_context(token) else polarity


def happened_to_person(verb: Token) -> bool:
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    return subject is not None and (subject.pos_ == "PROPN" or subject.lower_ in PERSON_PRONOUNS)


def judges_earlier_claim(token: Token) -> bool:
    """ "Hatch rightly demolishes this picture, showing that ...": the verdict is on a view
    stated before ("this picture"), not on the claim it goes on to make."""
    verb = token if token.pos_ == "VERB" else token.head
    return any(
        c.dep_ == "dobj" and any(d.lower_ in ANAPHORIC_DETERMINERS for d in c.children)
        for c in verb.children
    )


def negative_claim(doc: Doc, candidate: Candidate) -> bool:
    span = doc.char_span(candidate.start, candidate.end, alignment_mode="expand")
    return span is not None and any(word_polarity(t) < 0 for t in where(word_tests(doc).polar, span))


def flat_denial(sentence: Span) -> bool:
    """ "It never did." / "That is not so.": a negated sentence about what was just claimed."""
    root = sentence.root
    subject = subject_of(root)
    return is_negated(root) and subject is not None and subject.lower_ in ANAPHORIC_DETERMINERS | {"it"}


def negated_in_context(token: Token) -> bool:
    """Negation over the word, its predicate, or the verbs it depends on within the clause:
    "not convincing", "Nor is it consistent", "I cannot find anything to support him", "no reason
    to doubt it", "No one will want to dispute this", "Few would agree"."""
    for depth, word in enumerate([token, *token.ancestors]):
        if depth > NEGATION_SCOPE or depth and word.dep_ in ("ccomp", "relcl", "advcl") and word != token.head:
            return False
        if is_negated(word) or any(c.dep_ in ("nsubj", "nsubjpass") and has_negative_quantifier(c) for c in word.children):
            return True
    return False


def has_negative_quantifier(noun: Token) -> bool:
    """ "No one", "nobody", "few historians", "none of them"."""
    return noun.lower_ in NEGATIVE_SUBJECTS or any(
        c.dep_ == "det" and c.lower_ in ("no", "few") or c.lower_ == "few" for c in noun.children
    )


def judges_other_claim(token: Token, candidate: Candidate) -> bool:
    """An adverb on another reporting verb ("Y rightly replies") judges Y's claim, not this one."""
    head = token.head
    return (
        token.dep_ == "advmod"
        and head != candidate.trigger
        and head.lemma_.lower() in REPORTING_VERBS
        and any(c.dep_ == "ccomp" for c in head.children)
        and candidate.trigger not in head.subtree
    )


def opens_with_contrast(sentence: Span) -> bool:
    first = next((t for t in sentence if not t.is_punct and not t.is_space), None)
    return first is not None and (
        first.lower_ in CONTRAST_OPENERS or bool(CONTRAST_OPENING_PHRASES.match(span_text(sentence).lstrip()))
    )


def contrasts(sentence: Span) -> bool:
    """The sentence opens with "But"/"However"/"In fact" or turns on a "but"/"yet"."""
    opens = opens_with_contrast(sentence)
    # "X may have a point, but ..." turns against X; "an attractive idea, but unproven" only hedges
    return opens or any(
        (t.lower_ in CONTRAST_CONJUNCTIONS and t.dep_ == "cc" or t.lower_ == "however")
        and not hedged_after(t)
        for t in where(word_tests(sentence.doc).contrast, sentence)
    )


def hedged_after(token: Token) -> bool:
    rest = token.doc[token.i + 1 : token.sent.end]
    return any(t.lower_ in HEDGES for t in where(word_tests(token.doc).hedge, rest))


def contrast_after(sentence: Span, candidate: Candidate) -> bool:
    """ "X claims that S, but ...": a contrast joined to the claim's own sentence after it."""
    return any(
        t.lower_ in CONTRAST_CONJUNCTIONS and t.dep_ == "cc" and t.idx >= candidate.end
        for t in where(word_tests(sentence.doc).contrast, sentence)
    )


def hedged(sentence: Span, candidate: Candidate) -> bool:
    """ "Perhaps", "may", "a guess" hedge; "may well be right" does not."""
    return any(
        t.lower_ in HEDGES and not holders_words(t.idx, candidate)
        and not (t.lower_ == "may" and t.i + 1 < len(t.doc) and t.nbor().lower_ == "well")
        for t in where(word_tests(sentence.doc).hedge, sentence)
    )


def inside(offset: int, candidate: Candidate) -> bool:
    return candidate.start <= offset < candidate.end


def holders_words(offset: int, candidate: Candidate) -> bool:
    """Inside this claim or another one in its sentence: not the writer's own judgement."""
    return inside(offset, candidate) or any(start <= offset < end for start, end in candidate.others)


def evidence_in(doc: Doc, candidate: Candidate, zone: Zone) -> Optional[dict]:
    """The writer's evidence for or against the claim, or the flag that the holder cites none."""
    if candidate.evidence:
        return candidate.evidence
    sentences = [zone.own] + zone.following
    if first_cue(HOLDER_CITES_NONE, sentences, candidate) is not None or framed_as_unsupported(zone.own, candidate):
        return {"none_cited": True}
    # a question ("Where is the evidence?") gives none
    statements = [zone.own] + [s for s in zone.following if not is_question(s)]
    start = first_cue(EVIDENCE_CUES, statements, candidate, after_claim=True)
    if start is not None:
        sentence = next(s for s in sentences if s.start_char <= start < s.end_char)
        # in a later sentence the whole sentence is the evidence ("..., as the minutes show")
        return evidence_span(doc, start if sentence == zone.own else sentence.start_char, sentence.end_char)
    for number, sentence in enumerate(sentences):
        start = evidence_after_verdict(sentence, candidate)
        if start is not None:
            return evidence_span(doc, start, sentence.end_char)
        if number and judged_against_record(sentence, candidate):
            return evidence_span(doc, sentence.start_char, sentence.end_char)  # "This is at odds with the lists"
        judged = is_bare_verdict(sentence, candidate) if number else sentence_score(sentence, candidate) != 0
        after = sentences[number + 1] if number + 1 < len(sentences) else None
        if judged and after is not None and states_facts(after, candidate):
            return evidence_span(doc, after.start_char, after.end_char)  # "I agree. The prospectus ..."
    if first_cue(NO_EVIDENCE_CUES, sentences, candidate) is not None:
        return {"none_cited": True}
    if zone.following and takes_a_view(doc, candidate) and states_facts(zone.following[0], candidate) \
            and sentence_score(zone.following[0], candidate) == 0:
        # "X regards the sale as mistaken. The new boats were slower ...": the writer's reasons
        return evidence_span(doc, zone.following[0].start_char, zone.following[0].end_char)
    return None


def takes_a_view(doc: Doc, candidate: Candidate) -> bool:
    """A verdict cast by the holder ("regards P as mistaken") or the writer's view set against
    the holder ("X ignores the argument that P"): what the writer says next are reasons."""
    if candidate.overlooked:
        return True
    span = doc.char_span(candidate.start, candidate.end, alignment_mode="expand")
    return candidate.trigger.lemma_.lower() in CASTING_VERBS and span is not None and any(
        word_polarity(t) for t in where(word_tests(doc).polar, span)
    )


def framed_as_unsupported(sentence: Span, candidate: Candidate) -> bool:
    """ "There is no evidence to support his assertion that P": said of the claim as it is stated,
    whatever the writer adds after."""
    starts = match_starts(NO_EVIDENCE_CUES, span_text(sentence))
    return any(sentence.start_char + start < candidate.start for start in starts)


def evidence_span(doc: Doc, start: int, end: int) -> dict:
    while end > start and text_of(doc)[end - 1] in " \n.;:,":
        end -= 1
    return {"text": text_of(doc)[start:end], "start": start, "end": end}


def evidence_after_verdict(sentence: Span, candidate: Candidate) -> Optional[int]:
    """ "This is simply not true: the reports show ...", "This is hard to believe, since ...":
    what follows a verdict's colon or its "since"."""
    doc, tests = sentence.doc, word_tests(sentence.doc)
    if not any(tests.reason[sentence.start : sentence.end]):
        return None  # most sentences: no colon, "since" or "because" to look after
    ends = [end for _sign, _start, end, _text in judging_phrases(span_text(sentence))]
    judged_from = sentence.start_char + min(ends) if ends else None  # where the first phrase has judged
    judged = False
    for i in range(sentence.start, sentence.end):
        offset = tests.idx[i]
        if inside(offset, candidate):
            continue
        if not judged:
            judged = tests.polar[i] and word_polarity(doc[i]) != 0 or judged_from is not None and judged_from <= offset
        if not (judged and tests.reason[i] and i + 1 < sentence.end):
            continue
        token = doc[i]
        if token.text in (":", ";") or token.lower_ in REASON_MARKERS and token.dep_ in REASON_MARKERS[token.lower_]:
            return token.nbor().idx if token.text in (":", ";") else token.idx
    return None


def judged_against_record(sentence: Span, candidate: Candidate) -> bool:
    """ "The point sits uneasily with the foundation deeds, three of which name ...": a verdict
    that names the record it rests on."""
    return not is_question(sentence) and sentence_score(sentence, candidate) != 0 and any(
        t.pos_ == "NOUN" and t.lemma_.lower() in EVIDENCE_NOUNS and not holders_words(t.idx, candidate) for t in sentence
    )


def states_facts(sentence: Span, candidate: Candidate) -> bool:
    """A sentence that can back a verdict: not a hedge, a turn ("But ..."), an opinion ("I suspect")
    or a question."""
    writers = where(word_tests(sentence.doc).writer, sentence)
    first_person = any(t.lower_ in WRITER_PRONOUNS and t.dep_ == "nsubj" for t in writers)
    return not (hedged(sentence, candidate) or opens_with_contrast(sentence) or first_person or is_question(sentence))


def is_question(sentence: Span) -> bool:
    return span_text(sentence).rstrip().endswith("?")


def is_bare_verdict(sentence: Span, candidate: Candidate) -> bool:
    """A short sentence that only judges: "I agree.", "He is mistaken.", "I find this hard to accept."."""
    words = indices(word_tests(sentence.doc).word, sentence)
    return len(words) <= BARE_VERDICT_WORDS and sentence_score(sentence, candidate) != 0


@lru_cache(maxsize=JUDGING_CACHE_SENTENCES)
def match_starts(pattern: CaselessPattern, sentence_text: str) -> tuple[int, ...]:
    """Where the pattern matches in a sentence, cached like ``judging_phrases``: the cue patterns
    are sought in each sentence for every claim near it."""
    return tuple(start for start, _end in pattern.spans(sentence_text))


def first_cue(
    pattern: CaselessPattern, sentences: list[Span], candidate: Candidate, after_claim: bool = False
) -> Optional[int]:
    """Char offset of the first match outside the claim itself (the holder's words are not the
    writer's evidence). With ``after_claim``, a match in the claim's own sentence must follow it:
    "For example, when he writes that ..." frames the claim, it is no evidence about it."""
    for number, sentence in enumerate(sentences):
        for match_start in match_starts(pattern, span_text(sentence)):
            start = sentence.start_char + match_start
            if inside(start, candidate) or after_claim and number == 0 and start < candidate.end:
                continue
            return start
    return None


PIPELINE.append("historiograph_claims")
