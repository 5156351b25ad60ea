"""Link stage: the same quotation, claim or dated event across documents, traced to its source.

Every quotation, claim and dated event of every Document becomes an ``Attestation``. A
``LinkIndex`` clusters them incrementally: each new attestation is hashed into MinHash
signatures of overlapping windows of its content words, the MinHash LSH index (with an
inverted index of word pairs, for fragments too short for LSH) proposes candidates, and
rapidfuzz confirms them; confirmed pairs are joined with a union-find. Nothing already indexed
is rehashed or compared again when documents are added, an exact copy is joined without any
comparison, and a candidate cluster is confirmed once, so linking N attestations costs about
N queries, not N² comparisons.

Dated events are linked by the content words either side of the date in its sentence (the
event phrase); quotations by their words, or, for a variant translation, by the same speaker
and surroundings. ``summarise`` then reads one cluster: its attestations, the earliest one,
conflicting attributions, conflicting dates and the drift of each wording from the earliest.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from itertools import islice
from typing import Callable, Iterable, Iterator, Optional

import numpy as np
from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq
from rich.table import Table

from .keyed_runs import KeyedRuns, first, key_of, stable_key
from .link_storage import AttestationShelf
from .model import Document

# 128 permutations keep the LSH recall near 0.9 at Jaccard 0.5 (32 bands of 4 rows); fewer
# bands miss short quotations with one word changed.
NUM_PERM = 128
# LSH only proposes candidates (rapidfuzz decides), so the threshold is set low to favour
# recall: a 4-word window with one word changed still has Jaccard 0.4 over words and pairs,
# while two unrelated windows sharing two words have about 0.1 (a 0.3% chance of a candidate).
LSH_THRESHOLD = 0.4
# Windows of content words, overlapping by half: any fragment of up to WINDOW_WORDS -
# WINDOW_STRIDE + 1 words lies whole inside one window of its source, so a trimmed quotation
# still shares a near-identical window with the full one (plain Jaccard would dilute it).
WINDOW_WORDS = 6
WINDOW_STRIDE = 3
# A quotation of fewer content words ("a great man") is a phrase anyone can repeat.
MIN_CONTENT_WORDS = 2

# rapidfuzz scores (0-100) on normalised text:
# one changed word in a 12-word quotation scores about 88; two unrelated lines score below 60.
NEAR_EXACT_RATIO = 85
# a fragment quoted whole (trimmed at either end) scores 100; 90 allows one changed word.
FRAGMENT_PARTIAL_RATIO = 90
# An alignment scores 2·LCS / (|shorter| + |substring|) with LCS ≤ |substring|, so a score of 90
# needs at least 9/11 of the shorter text's characters, in order, in the longer (0.8: margin).
FRAGMENT_MIN_CHAR_LCS = 0.8
# a quotation with words elided ("A map is a promise … not yet broken"): this share of its
# words recur in the same order in the fuller copy.
ELIDED_WORD_SHARE = 0.9
# below this many words, a partial match is a common phrase, not a quoted fragment.
MIN_FRAGMENT_WORDS = 4
# claims are restated more freely than quotations: the same proposition, other words
# around it (token_set_ratio is 100 when one claim's words contain the other's).
CLAIM_TOKEN_SET_RATIO = 80
# A variant translation shares few words with the other version but the same speaker and
# the same surroundings: context words overlap at least this much (overlap coefficient)...
VARIANT_CONTEXT_OVERLAP = 0.3
# ...and the two versions still share a share of their content words (Jaccard).
VARIANT_WORD_JACCARD = 0.2
# How close (rapidfuzz, 0-100) words looked up must come to an attestation: a fragment typed
# from memory with a word or two wrong still scores above 80.
LOOKUP_MIN_SCORE = 80
# Characters either side of a quotation read as its context, and searched for a cited work.
CONTEXT_CHARS = 240
# Two event phrases name the same event when they share EVENT_MIN_SHARED content words near
# the date ("the burning of the Castellan Library in 1843" / "... the Castellan Library burned
# in 1834" share three), or two that make up most of the shorter phrase. Paraphrases that share
# only a place name ("sailed for" / "returned from" the same islands) stay apart, on purpose.
EVENT_MIN_SHARED = 3
EVENT_MIN_OVERLAP = 0.6
# Content words read on either side of the date, within its sentence: the event phrase.
EVENT_WINDOW_WORDS = 4
# Raw words kept either side of the date for display.
EVENT_DISPLAY_WORDS = 8
# A word shared by this many event phrases says nothing about which event they name; it is
# not used to find candidates (keeps the inverted index sub-quadratic).
EVENT_MAX_POSTINGS = 200
# Seeds the numbers that mix a band's rows into one key: fixed, so a run's keys mean the same
# in every process (keys are never stored: a reloaded index recomputes them from signatures).
BAND_MIXING_SEED = 20261126
# A short fragment ("a hospital for the mind": two content words) is too small a share of a
# full window for LSH to propose it; an inverted index of adjacent content-word pairs does.
# A pair found in this many attestations is a common phrase, and proposes nothing.
PAIR_MAX_POSTINGS = 50
# Variant translations are looked for among the latest attestations of the same speaker
# only, so a much-quoted speaker costs a bounded number of comparisons.
VARIANT_MAX_CANDIDATES = 200

# Why folded: copies of a quotation differ in curly quotes, ellipses, bracketed elisions
# ("[...]", "[T]he") and punctuation, none of which changes the words quoted.
# Apostrophes and square brackets are removed without a space: "don't", "[T]he" stay one word
# ("[...]" still folds away, its dots being punctuation).
GLUED = re.compile(r"[’'`ʼ\[\]]")
NON_WORD = re.compile(r"[^\w\s]+|_")
# Where a sentence ends: an event phrase never reaches across one.
SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?:\s|$)")
# Function words carry no evidence that two texts quote the same line: left out of the
# MinHash sets (but kept for the rapidfuzz confirmation, which reads word order).
STOPWORDS = frozenset(
    """a an the and or but nor so yet of in on at to for from by with as into onto upon
    about over under than then that this these those there here it its is are was were be
    been being am do does did done have has had having i me my we us our you your he him his
    she her hers they them their not no if when which who whom whose what where why how all
    any each every some such only own same too very can could will would shall should may
    might must one also just more most other out up down off again once""".split()
)
# A month beside a date is part of the date, not of the event it dates.
MONTHS = frozenset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# Words with which a writer argues about a date rather than names what happened then
# ("the record shows otherwise: in 1921, for instance"): shared by unrelated events.
DISCOURSE_WORDS = frozenset(
    """record records show shows showed shown otherwise instance example evidence indeed fact
    however course perhaps certainly already still even later earlier until since year years
    time times first last date dates""".split()
)
# Titles a writer puts before a name, or leaves off: not part of who the speaker is.
HONORIFICS = frozenset("mr mrs ms miss dr sir lord lady dame professor prof rev saint st".split())

QUOTATION, CLAIM, EVENT = "quotation", "claim", "event"
CLUSTER_PREFIX = {QUOTATION: "Q", CLAIM: "C", EVENT: "E"}
# Touched flags read at a time when the changed clusters are saved.
TOUCHED_PAGE = 1 << 16
# Attestation keys a conflict lists for each value, earliest first (its count says how many
# there are): a line misattributed in a hundred thousand places is not stored a hundred
# thousand times over.
CONFLICT_KEYS = 50
# How two attestations match, strongest first.
MATCHES = ("exact", "near_exact", "fragment", "overlap", "variant_translation")
RANK = {match: rank for rank, match in enumerate(MATCHES)}
KINDS = (QUOTATION, CLAIM, EVENT)
# The strongest match a comparison can find, by kind (as an index into KINDS): quotations with the
# very same words are joined without one, and events only ever overlap.
STRONGEST_COMPARED = (RANK["near_exact"], RANK["exact"], RANK["overlap"])
_TEMPLATE = MinHash(num_perm=NUM_PERM)


@dataclass
class Attestation:
    """One appearance of a quotation, claim or dated event in one document."""

    document_id: str
    item_id: str  # the quote's, claim's id, or "t<n>" for the n-th time expression
    kind: str  # QUOTATION, CLAIM or EVENT
    text: str  # the words quoted or claimed; for an event, the phrase around the date
    document_date: Optional[str] = None
    speaker_name: Optional[str] = None  # the speaker named there (holder, for a claim)
    work_title: Optional[str] = None  # the work cited, if any
    work_year: Optional[int] = None
    value: Optional[str] = None  # EDTF date of an event
    context: str = ""  # content words around it, for variant translations

    @property
    def key(self) -> str:
        return attestation_key(self.document_id, self.item_id)

    # computed once: every candidate pair reads them

    @cached_property
    def words(self) -> str:
        return normalise(self.text)

    @cached_property
    def content(self) -> frozenset[str]:
        return frozenset(content_words(self.text))

    @cached_property
    def context_words(self) -> frozenset[str]:
        return frozenset(self.context.split())

    @cached_property
    def event_terms(self) -> frozenset[str]:
        return frozenset(event_words(self.text))

    @cached_property
    def speaker_parts(self) -> tuple[str, ...]:
        return tuple(name_parts(self.speaker_name))

    def record(self) -> dict:
        """The fields, without the cached ones."""
        return {name: getattr(self, name) for name in ATTESTATION_FIELDS}


ATTESTATION_FIELDS = tuple(f.name for f in fields(Attestation))


@dataclass
class Cluster:
    id: str
    kind: str
    attestations: list[Attestation]  # earliest first (maybe only the earliest few: see size)
    matches: list[Optional[str]]  # per attestation, its strongest match with a candidate in the cluster
    size: int  # attestations in the cluster
    earliest: int = 0  # index into attestations
    conflicts: list[dict] = field(default_factory=list)
    drift: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        rows = []
        for index, (att, match) in enumerate(zip(self.attestations, self.matches)):
            row = {"key": att.key, **{k: v for k, v in att.record().items() if k != "context"}}
            row["match"] = "earliest" if index == self.earliest else match
            row["variant_translation"] = match == "variant_translation" and index != self.earliest
            rows.append(row)
        return {
            "id": self.id,
            "kind": self.kind,
            "earliest": self.attestations[self.earliest].key,
            "size": self.size,
            "attestations": rows,
            "conflicts": self.conflicts,
            "drift": self.drift,
        }


# -- text ---------------------------------------------------------------------------------


# Texts whose normal form is kept: an attestation's text is normalised again for its words,
# its content words, its word pairs and its windows, and names and titles for every comparison.
NORMALISED_CACHE = 16384


@lru_cache(maxsize=NORMALISED_CACHE)
def normalise(text: str) -> str:
    """Lowercase words only: quotes, ellipses, brackets and punctuation folded away."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = NON_WORD.sub(" ", GLUED.sub("", text))
    return " ".join(text.split())


def content_words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in STOPWORDS]


def windows(words: list[str]) -> list[list[str]]:
    """Overlapping windows of WINDOW_WORDS words, the last one flush with the end."""
    if len(words) <= WINDOW_WORDS:
        return [words]
    starts = list(range(0, len(words) - WINDOW_WORDS + 1, WINDOW_STRIDE))
    if starts[-1] != len(words) - WINDOW_WORDS:
        starts.append(len(words) - WINDOW_WORDS)
    return [words[s : s + WINDOW_WORDS] for s in starts]


def features(words: list[str]) -> set[str]:
    """A window's words and adjacent word pairs: pairs keep two unrelated windows that share a
    couple of common words far apart, single words keep a window with one word changed close."""
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:])}


def signature(words: list[str]) -> np.ndarray:
    minhash = MinHash(num_perm=NUM_PERM, permutations=_TEMPLATE.permutations, scheme=_TEMPLATE.scheme)
    minhash.update_batch([feature.encode("utf-8") for feature in features(words)])
    return minhash.hashvalues


def window_signatures(att: Attestation) -> list[np.ndarray]:
    """The MinHash of each window of a quotation's or claim's content words (events have none:
    they are found by their terms)."""
    return [] if att.kind == EVENT else [signature(w) for w in windows(content_words(att.text))]


def signed_attestations(document: Document) -> list[tuple[Attestation, list[np.ndarray]]]:
    """A document's attestations with their signatures: the part of linking that needs no index."""
    return [(att, window_signatures(att)) for att in attestations_of(document)]


class BandKeys:
    """MinHash LSH bands as keys: windows whose signatures agree on every row of some band share
    that band's key, and are candidates.

    The bands are those datasketch's ``MinHashLSH`` picks for the threshold. Each band of a
    window becomes one 64-bit key (its rows mixed, with the band's own salt: two different bands
    share a key with odds of 2^-64, and a stray candidate is only compared, never linked on that
    account), kept in the index's ``KeyedRuns``.
    """

    def __init__(self, threshold: float, num_perm: int) -> None:
        reference = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.bands, self.rows = reference.b, reference.r
        mixing = np.random.default_rng(BAND_MIXING_SEED).integers(0, 2**63, self.rows + 1, dtype=np.uint64)
        self._multipliers = mixing[:-1] * np.uint64(2) + np.uint64(1)  # odd: no row is lost to the wrap
        self._salts = np.arange(self.bands, dtype=np.uint64) * mixing[-1]

    def of(self, hashvalues: np.ndarray) -> list[int]:
        rows = np.asarray(hashvalues, dtype=np.uint64)[: self.bands * self.rows].reshape(self.bands, self.rows)
        return ((rows * self._multipliers).sum(axis=1, dtype=np.uint64) ^ self._salts).tolist()  # wraps modulo 2^64

    def of_windows(self, signatures: list[np.ndarray]) -> list[int]:
        return [key for hashvalues in signatures for key in self.of(hashvalues)]


def pack_signatures(signatures: list[np.ndarray]) -> bytes:
    """Window MinHashes as NUM_PERM uint32 each (MinHash's values are below 2^32)."""
    return b"".join(np.asarray(s, dtype=np.uint32).tobytes() for s in signatures)


def unpack_signatures(blob: Optional[bytes]) -> list[np.ndarray]:
    values = np.frombuffer(blob or b"", dtype=np.uint32)
    return [values[i : i + NUM_PERM] for i in range(0, len(values), NUM_PERM)]


def name_parts(name: Optional[str]) -> list[str]:
    return [w for w in normalise(name or "").split() if w not in HONORIFICS]


def same_person(a: Optional[str], b: Optional[str]) -> bool:
    """Same surname, and first names that agree where both are given ("A. Vance" = "Vance")."""
    return same_name_parts(name_parts(a), name_parts(b))


def same_name_parts(first, second) -> bool:
    if not first or not second or first[-1] != second[-1]:
        return False
    if len(first) == 1 or len(second) == 1:
        return True
    return first[0][0] == second[0][0] and (min(len(first[0]), len(second[0])) == 1 or first[0] == second[0])


def overlap_coefficient(a: set, b: set) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# -- documents -> attestations ------------------------------------------------------------


def attestation_key(document_id: str, item_id: str) -> str:
    return f"{document_id}#{item_id}"


def time_item_id(number: int) -> str:
    """Times have no ids of their own: the n-th time of a document (from 1) is "t<n>"."""
    return f"t{number}"


def attestations_of(document: Document) -> list[Attestation]:
    """The quotations, claims and dated events of one document worth linking."""
    found = []
    for quote in document.quotes:
        if quote.kind == QUOTATION and len(content_words(quote.text)) >= MIN_CONTENT_WORDS:
            found.append(_attestation(document, quote.id, QUOTATION, quote.text, quote.start, quote.end, quote.speaker_name))
    for claim in document.claims:
        if len(content_words(claim.text)) >= MIN_CONTENT_WORDS:
            found.append(_attestation(document, claim.id, CLAIM, claim.text, claim.start, claim.end, claim.holder_name))
    for number, time in enumerate(document.times, 1):
        # a relative date ("last spring") is only as good as its anchor: two anchors a year
        # apart are not two sources disagreeing, so it is not an attestation of when
        if time.in_title or time.relative:
            continue
        phrase = event_phrase(document.text, time.start, time.end)
        if len(event_words(phrase)) >= 2:
            att = _attestation(document, time_item_id(number), EVENT, phrase, time.start, time.end, None)
            att.value = time.value
            found.append(att)
    return found


def _attestation(document, item_id, kind, text, start, end, speaker) -> Attestation:
    work = cited_work(document, start, end, speaker)
    around = document.text[max(0, start - CONTEXT_CHARS) : start] + " " + document.text[end : end + CONTEXT_CHARS]
    own = set(content_words(text)) | set(name_parts(speaker))
    context = [w for w in content_words(around) if w not in own and not w.isdigit()]
    return Attestation(
        document_id=document.id,
        item_id=item_id,
        kind=kind,
        text=text,
        document_date=document.date,
        speaker_name=speaker,
        work_title=work.title if work else None,
        work_year=work.year if work else None,
        context=" ".join(dict.fromkeys(context)),
    )


def cited_work(document: Document, start: int, end: int, speaker: Optional[str]):
    """The work named nearest the quotation, else the reviewed work its speaker wrote."""
    nearest, distance = None, CONTEXT_CHARS + 1
    for work in document.works:
        for mention in work.mentions:
            gap = max(mention.start - end, start - mention.end, 0)
            if gap < distance:
                nearest, distance = work, gap
    if nearest is not None:
        return nearest
    for work in document.works:
        if work.reviewed and any(same_person(speaker, author) for author in work.authors):
            return work
    return None


def event_phrase(text: str, start: int, end: int) -> str:
    """The words around a date within its sentence ("…" marks the date): what happened then."""
    sentence_start = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    match = SENTENCE_END.search(text, end)
    sentence_end = match.start() if match else len(text)
    before = text[sentence_start:start].split()[-EVENT_DISPLAY_WORDS:]
    after = text[end:sentence_end].split()[:EVENT_DISPLAY_WORDS]
    return " ".join(before + ["…"] + after)


def event_words(phrase: str) -> set[str]:
    """The content words nearest the date on either side."""
    before, _, after = phrase.partition("…")

    def usable(part: str) -> list[str]:
        return [w for w in content_words(part) if not w.isdigit() and w not in MONTHS and w not in DISCOURSE_WORDS]

    return set(usable(before)[-EVENT_WINDOW_WORDS:] + usable(after)[:EVENT_WINDOW_WORDS])


# -- matching -----------------------------------------------------------------------------


def match_quotations(a: Attestation, b: Attestation, limit: int = len(MATCHES)) -> Optional[str]:
    """How two quotations are the same line, or None; only matches ranked above ``limit``
    (strongest first, so it stops once no check left could find one)."""
    first, second = a.words, b.words
    if first == second:
        return "exact"
    if limit <= RANK["near_exact"]:
        return None
    if fuzz.ratio(first, second, score_cutoff=NEAR_EXACT_RATIO):
        return "near_exact"
    if limit <= RANK["fragment"]:
        return None
    shorter, longer = sorted((first.split(), second.split()), key=len)
    if len(shorter) < MIN_FRAGMENT_WORDS:
        return None
    if may_align(first, second) and fuzz.partial_ratio(first, second, score_cutoff=FRAGMENT_PARTIAL_RATIO):
        return "fragment"
    if LCSseq.similarity(shorter, longer) >= ELIDED_WORD_SHARE * len(shorter):
        return "fragment"
    return None


def may_align(first: str, second: str) -> bool:
    """Whether ``partial_ratio`` could reach FRAGMENT_PARTIAL_RATIO: a cheap test that rules out
    most pairs before the costly alignment."""
    shorter, longer = sorted((first, second), key=len)
    return LCSseq.similarity(shorter, longer) >= FRAGMENT_MIN_CHAR_LCS * len(shorter)


def match_variant(a: Attestation, b: Attestation) -> Optional[str]:
    """Another translation of the same line: same speaker and surroundings, other words."""
    if a.document_id == b.document_id or jaccard(a.content, b.content) < VARIANT_WORD_JACCARD:
        return None
    same_work = a.work_title and b.work_title and normalise(a.work_title) == normalise(b.work_title)
    if not same_work and overlap_coefficient(a.context_words, b.context_words) < VARIANT_CONTEXT_OVERLAP:
        return None
    return "variant_translation" if same_name_parts(a.speaker_parts, b.speaker_parts) else None


def match_claims(a: Attestation, b: Attestation, limit: int = len(MATCHES)) -> Optional[str]:
    if a.speaker_parts and b.speaker_parts and not same_name_parts(a.speaker_parts, b.speaker_parts):
        return None
    if a.words == b.words:
        return "exact"
    if limit <= RANK["overlap"]:
        return None
    if fuzz.token_set_ratio(a.words, b.words, score_cutoff=CLAIM_TOKEN_SET_RATIO):
        return "overlap"
    return None


def match_events(a: Attestation, b: Attestation) -> Optional[str]:
    # one text dating two things in one breath is not two sources disagreeing about one event
    if a.document_id == b.document_id:
        return None
    first, second = a.event_terms, b.event_terms
    shared = len(first & second)
    if shared >= EVENT_MIN_SHARED or (shared >= 2 and overlap_coefficient(first, second) >= EVENT_MIN_OVERLAP):
        return "overlap"
    return None


# -- the incremental index ----------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """One task's part of linking, of ``tasks`` (see ``distributed.LinkRounds``): the
    candidates found under the entries it owns. A quotation's or claim's entries are spread over
    all tasks but the last by a key that is the same in every process; all of an event's go to
    the last (its candidates are counted by the terms they share, so in one place).

    Every task adds every attestation in the same order, so a seq is the same in all, and finds
    its candidates among them. A pair found in two shares is compared in both, and the union of
    the joins is the single index's clusters: the same components, and each attestation's
    strongest match (which is why a match is the strongest with any candidate)."""

    task: int
    tasks: int

    def owned(self, kind: str, items: list, stable: Callable[[object], int]) -> list:
        """The items whose entries are this share's (``stable``: an item's process-proof key)."""
        if not self.owns_any(kind):
            return []
        if self.tasks == 1 or kind == EVENT:
            return items
        return [item for item in items if stable(item) % (self.tasks - 1) == self.task]

    def owns_any(self, kind: str) -> bool:
        """Whether any entry of an attestation of this kind is this share's."""
        if self.tasks <= 1:
            return self.tasks == 1
        return (self.task == self.tasks - 1) == (kind == EVENT)


WHOLE = Share(0, 1)
# Owns no entry: an index that places attestations (numbers them, joins the same words) and
# is told the rest of its joins.
PLACED = Share(0, 0)


class LinkIndex:
    """Attestations clustered as they are added; never re-reads what it already holds.

    Per attestation it keeps a few numbers in arrays (its cluster, its match, the next member of
    its cluster) and its entries in one ``KeyedRuns``: the attestation itself is on the
    ``AttestationShelf``, read back when it is a candidate or a cluster is summarised.
    """

    def __init__(self, share: Optional[Share] = None,
                 on_join: Optional[Callable[[int, int, str], None]] = None) -> None:
        """Given a ``share``, the index finds and compares only the candidates of its entries, and
        tells ``on_join`` of each join it makes; with ``PLACED``, it compares nothing, and its
        clusters are the ``join``s found elsewhere."""
        self.share = share or WHOLE
        self._on_join = on_join
        self.attestations = AttestationShelf(lambda values: Attestation(*values))
        self.parent = array("i")  # union-find; the oldest member is the root
        self._match = array("b")  # index into MATCHES; -1: alone in its cluster so far
        self._kind = array("b")  # index into KINDS
        self._next = array("i")  # the member added to its cluster after it, or -1
        self._last = array("i")  # a root's last member
        self._touched = bytearray()  # 1: a root changed since the caller last saved
        self._keyed = KeyedRuns()  # every lookup: "k:" key, same words, pairs, terms, speakers, bands
        self._bands = BandKeys(LSH_THRESHOLD, NUM_PERM)

    def __len__(self) -> int:
        return len(self.parent)

    # adding

    def add_documents(self, documents: Iterable[Document]) -> set[int]:
        """Link every attestation of these documents; the roots of the clusters touched."""
        return self.add_signed((att, None) for document in documents for att in attestations_of(document))

    def add_signed(self, signed: Iterable[tuple[Attestation, Optional[list[np.ndarray]]]]) -> set[int]:
        """Link attestations, each with its window signatures if already computed (by the Dask
        worker that extracted it); the roots of the clusters touched."""
        added = {self.add(att, signatures) for att, signatures in signed}
        return {self.find(seq) for seq in added}

    def add(self, att: Attestation, signatures: Optional[list[np.ndarray]] = None) -> int:
        """Index one attestation, join it to every confirmed match; its sequence number."""
        if self._linked_elsewhere(att):
            return self._append(att, len(self), None, b"", [])
        entries = entries_by_role(att, [] if signatures is None else self._band_keys(att, signatures), self.share)
        found = self._probe(entries)
        seq = first(found["key"][0], lambda s: self.attestations[s].key == att.key)
        if seq is not None:
            return seq
        original = first(found["same words"][0], lambda s: same_words_key(self.attestations[s]) == same_words_key(att))
        if original is not None:
            # the very same words are indexed already: join them; nothing to compare or index
            seq = self._append(att, len(self), None, b"", entries["key"])
            self._join(seq, original, "exact")
        else:
            if signatures is None:
                signatures = window_signatures(att)
                entries["bands"] = self.share.owned(att.kind, self._band_keys(att, signatures), int)
                found["bands"] = self._keyed.each(entries["bands"])
            seq = self._append(att, len(self), None, pack_signatures(signatures), [e for each in entries.values() for e in each])
            for other, match in self._confirmed(seq, att, self._candidates(att, found)):
                self._join(seq, other, match)
        self._touched[self.find(seq)] = 1
        return seq

    def join(self, seq: int, other: int, match: str) -> None:
        """Join two attestations that match (as found by an index with a share of the entries)."""
        self._join(seq, other, match)
        self._touched[self.find(seq)] = 1

    def _linked_elsewhere(self, att: Attestation) -> bool:
        """Whether another task links it: it only takes its number in this share's index."""
        return bool(self.share.tasks) and not self.share.owns_any(att.kind)

    def _band_keys(self, att: Attestation, signatures: list[np.ndarray]) -> list[int]:
        return self._bands.of_windows(signatures) if self.share.owns_any(att.kind) else []

    def _probe(self, entries: dict[str, list[int]]) -> dict[str, list[list[int]]]:
        """What the index holds under each entry, by role; in one lookup."""
        found = iter(self._keyed.each([entry for each in entries.values() for entry in each]))
        return {role: list(islice(found, len(each))) for role, each in entries.items()}

    def _append(self, att: Attestation, root: int, match: Optional[str], signatures: bytes, entries: list[int]) -> int:
        """Number it, place it in its cluster (as its root, or after the root's last member), and
        enter it under its entries."""
        seq = self.attestations.append(tuple(getattr(att, name) for name in ATTESTATION_FIELDS), signatures, att)
        self.parent.append(root)
        self._match.append(RANK[match] if match else -1)
        self._kind.append(KINDS.index(att.kind))
        self._next.append(-1)
        self._last.append(seq)
        self._touched.append(0)
        if root != seq:
            self._next[self._last[root]] = seq
            self._last[root] = seq
        self._keyed.insert(entries, seq)
        return seq

    def _join(self, seq: int, other: int, match: str) -> None:
        if self._on_join:
            self._on_join(seq, other, match)
        self._union(seq, other)
        for each in (seq, other):
            code = self._match[each]
            self._match[each] = RANK[match] if code < 0 else min(code, RANK[match])

    def _candidates(self, att: Attestation, probe: dict[str, list[list[int]]]) -> set[int]:
        if att.kind == EVENT:
            return self._events_sharing_terms(probe["terms"])
        found = {seq for postings in probe["pairs"] if len(postings) < PAIR_MAX_POSTINGS for seq in postings}
        for postings in probe["bands"]:
            found.update(postings)
        for postings in probe["speaker"]:
            found.update(postings[-VARIANT_MAX_CANDIDATES:])
        return found

    @staticmethod
    def _events_sharing_terms(postings_of_terms: list[list[int]]) -> set[int]:
        """Events that share enough terms with this one to match (``match_events`` wants two),
        counted from the postings: most share one common word and are never compared."""
        counts: Counter[int] = Counter()
        skipped = False
        for postings in postings_of_terms:
            if len(postings) < EVENT_MAX_POSTINGS:
                counts.update(postings)
            else:
                skipped = True  # a shared common word still counts in the comparison
        needed = 1 if skipped else 2
        return {seq for seq, shared in counts.items() if shared >= needed}

    def _confirmed(self, seq: int, att: Attestation, candidates: set[int]) -> Iterable[tuple[int, str]]:
        """The candidates it matches, with how: every one it matches in another cluster, and those
        already in its cluster that it matches better than one of the two's match so far. Each
        attestation's match is so its strongest with any candidate, whichever joined it first."""
        kind = self._kind[seq]
        for other in sorted(candidates):
            if self._kind[other] != kind:
                continue
            if self.find(other) != self.find(seq):
                match = confirm(att, self.attestations[other])
            else:
                # most candidates are in its cluster by now, and most of those can match no better:
                # a quotation copied a thousand times costs one comparison per new copy, not a
                # thousand
                weakest = max(self._match[seq], self._match[other])
                if weakest <= STRONGEST_COMPARED[kind]:
                    continue
                match = confirm(att, self.attestations[other], stronger_than=MATCHES[weakest])
            if match:
                yield other, match

    # restoring from stored rows (no rehashing, no re-confirming)

    def restore(self, att: Attestation, root: int, match: Optional[str], signatures: bytes) -> int:
        if self._linked_elsewhere(att):
            return self._append(att, min(root, len(self)), match, b"", [])
        entries = entries_by_role(att, [], self.share)
        [same_words] = self._probe({"same words": entries["same words"]})["same words"]
        if first(same_words, lambda s: same_words_key(self.attestations[s]) == same_words_key(att)) is None:
            entries["bands"] = self.share.owned(att.kind, self._band_keys(att, unpack_signatures(signatures)), int)
            indexed = [e for each in entries.values() for e in each]
        else:
            indexed = entries["key"]
        return self._append(att, min(root, len(self)), match, signatures, indexed)

    # union-find: the oldest member is the root, so a cluster keeps its id as it grows

    def find(self, seq: int) -> int:
        parent = self.parent
        root = seq
        while parent[root] != root:
            root = parent[root]
        while parent[seq] != root:
            parent[seq], seq = root, parent[seq]
        return root

    def _union(self, a: int, b: int) -> None:
        first_root, second_root = self.find(a), self.find(b)
        if first_root != second_root:
            old, young = min(first_root, second_root), max(first_root, second_root)
            self.parent[young] = old
            self._next[self._last[old]] = young  # the young cluster's members follow the old's
            self._last[old] = self._last[young]
            self._touched[old] = 1

    # reading

    def match_of(self, seq: int) -> Optional[str]:
        """This attestation's strongest match with another member of its cluster it was a
        candidate of (or that was its candidate); None if alone."""
        code = self._match[seq]
        return MATCHES[code] if code >= 0 else None

    def touched_roots(self) -> Iterator[int]:
        """The clusters changed since ``clear_touched``, by their roots, in order. A root is
        flagged when its cluster changes, and a flagged root joined to an older cluster flags
        that one's root: the flagged roots are all of them."""
        for start in range(0, len(self._touched), TOUCHED_PAGE):
            flags = np.frombuffer(self._touched[start : start + TOUCHED_PAGE], dtype=np.uint8)  # a copy
            yield from (seq for seq in (np.flatnonzero(flags) + start).tolist() if self.parent[seq] == seq)

    def clear_touched(self) -> None:
        self._touched = bytearray(len(self))

    def cluster_id(self, seq: int) -> str:
        root = self.find(seq)
        return f"{CLUSTER_PREFIX[KINDS[self._kind[root]]]}{root + 1}"

    def members(self, root: int) -> np.ndarray:
        """Every member of the cluster, oldest first (4 bytes each: a cluster may have millions)."""
        return np.sort(np.fromiter(self._chain(root), dtype=np.int32))

    def _chain(self, root: int) -> Iterator[int]:
        seq = self.find(root)
        while seq >= 0:
            yield seq
            seq = self._next[seq]

    def clusters(self, min_size: int = 1) -> list[Cluster]:
        roots = (seq for seq in range(len(self)) if self.parent[seq] == seq)
        return [self.cluster(root) for root in roots if min_size <= 1 or len(self.members(root)) >= min_size]

    def cluster(self, root: int) -> Cluster:
        seqs = self.members(root).tolist()
        return summarise(self.cluster_id(root), [self.attestations[s] for s in seqs], [self.match_of(s) for s in seqs])

    def summary(self, root: int) -> ClusterSummary:
        """The cluster's size, earliest member and conflicts, its members read one at a time."""
        return ClusterSummary.of(self.cluster_id(root), map(self.attestations.__getitem__, map(int, self.members(root))))

    def seq_of(self, key: str) -> Optional[int]:
        """The sequence number of the attestation with this key ("doc#q3"), or None."""
        [known] = self._keyed.each([_key_entry(key)])
        return first(known, lambda s: self.attestations[s].key == key)

    def cluster_of(self, key: str) -> Optional[Cluster]:
        seq = self.seq_of(key)
        return None if seq is None else self.cluster(seq)

    def cluster_id_of(self, key: str) -> Optional[str]:
        """The cluster id of the attestation with this key ("doc#q3"), or None."""
        seq = self.seq_of(key)
        return None if seq is None else self.cluster_id(seq)

    def cluster_ids(self) -> dict[str, str]:
        """Attestation key ("doc#q3") -> cluster id: the field each quote carries in JSONL."""
        return {att.key: self.cluster_id(seq) for seq, att in enumerate(self.attestations)}

    def lookup(self, words: str) -> Optional[int]:
        """The quotation or claim that best matches some words of it, or None."""
        probe = Attestation(document_id="", item_id="", kind=QUOTATION, text=words)
        pairs = pair_entries(probe)
        same = [_same_words_entry(Attestation("", "", kind, words)) for kind in (QUOTATION, CLAIM)]
        bands = [key for window in windows(content_words(words)) for key in self._bands.of(signature(window))]
        found_each = self._keyed.each(pairs + same + bands)
        candidates = {seq for postings in found_each[: len(pairs)] if len(postings) < PAIR_MAX_POSTINGS for seq in postings}
        for postings in found_each[len(pairs) + len(same) :]:
            candidates.update(postings)
        for kind, postings in zip((QUOTATION, CLAIM), found_each[len(pairs) : len(pairs) + len(same)]):
            original = first(postings, lambda s: same_words_key(self.attestations[s]) == (kind, probe.words, ""))
            if original is not None:
                candidates.add(original)
        scored = [(closeness(probe.words, self.attestations[seq].words), seq) for seq in candidates]
        score, best = max(scored, default=(0, None))
        return best if score >= LOOKUP_MIN_SCORE else None


def closeness(query: str, text: str) -> float:
    """Whole-text similarity, or fragment similarity when the query is long enough to be one."""
    whole = fuzz.ratio(query, text)
    if len(query.split()) < MIN_FRAGMENT_WORDS:
        return whole
    return max(whole, fuzz.partial_ratio(query, text))


def same_words_key(att: Attestation) -> tuple[str, str, str]:
    """Attestations with the same key are the same line without comparing them (claims only
    under the same holder: the same words held by two people are two claims)."""
    return (att.kind, att.words, speaker_key(att.speaker_name or "") if att.kind == CLAIM else "")


def entries_by_role(att: Attestation, band_keys: list[int], share: Optional[Share] = None) -> dict[str, list[int]]:
    """The index entries of an attestation, by role: its key; the same words (the first with
    them is indexed, the rest join it); an event's terms, or the word pairs, bands and speaker
    of a quotation or claim (only quotations are looked up by speaker, for variants). Of these
    last, which find candidates, only those of the ``share``."""
    share = share or WHOLE
    entries = {"key": [_key_entry(att.key)], "same words": [_same_words_entry(att)]}
    if att.kind == EVENT:
        entries["terms"] = [key_of("e", word) for word in att.event_terms] if share.owns_any(EVENT) else []
        return entries
    if not share.owns_any(att.kind):
        return {**entries, "pairs": [], "bands": [], "speaker": []}
    pairs = share.owned(att.kind, list(word_pairs(att)), lambda pair: stable_key(" ".join(pair)))
    entries["pairs"] = [key_of("p", *pair) for pair in pairs]
    entries["bands"] = share.owned(att.kind, band_keys, int)
    speakers = [att.speaker_name] if att.kind == QUOTATION and att.speaker_name else []
    owned_speakers = share.owned(att.kind, speakers, lambda name: stable_key(speaker_key(name)))
    entries["speaker"] = [_speaker_entry(name) for name in owned_speakers]
    return entries


def pair_entries(att: Attestation) -> list[int]:
    """The index entries of its adjacent content-word pairs, each once."""
    return [key_of("p", *pair) for pair in word_pairs(att)]


def word_pairs(att: Attestation) -> set[tuple[str, str]]:
    words = content_words(att.text)
    return set(zip(words, words[1:]))


def _same_words_entry(att: Attestation) -> int:
    return key_of("w", *same_words_key(att))


def _key_entry(key: str) -> int:
    return key_of("k", key)


def _speaker_entry(name: str) -> int:
    return key_of("s", speaker_key(name))


def speaker_key(name: str) -> str:
    parts = name_parts(name)
    return parts[-1] if parts else ""


def confirm(a: Attestation, b: Attestation, stronger_than: Optional[str] = None) -> Optional[str]:
    """How two attestations of one kind match, or None; with ``stronger_than``, None unless the
    match is stronger than that one."""
    limit = RANK[stronger_than] if stronger_than else len(MATCHES)
    if a.kind == EVENT:
        return match_events(a, b) if limit > RANK["overlap"] else None
    if a.kind == CLAIM:
        return match_claims(a, b, limit)
    return match_quotations(a, b, limit) or (match_variant(a, b) if limit > RANK["variant_translation"] else None)


# -- one cluster read -----------------------------------------------------------------------


def earliest_key(att: Attestation) -> tuple:
    return earliest_order(att.document_date, att.work_year, att.document_id)


def earliest_order(document_date: Optional[str], work_year: Optional[int], document_id: str) -> tuple:
    """By publication date, then by the year of the work cited; undated last."""
    year = f"{work_year:04d}" if work_year else None
    return (document_date or year or "9999", year or "9999", document_id)


def summarise(cluster_id: str, atts: list[Attestation], matches: list[str]) -> Cluster:
    """The cluster of these attestations, earliest first."""
    order = sorted(range(len(atts)), key=lambda i: earliest_key(atts[i]))
    return shown_cluster(cluster_id, [atts[i] for i in order], [matches[i] for i in order], len(atts),
                         ClusterSummary.of(cluster_id, atts).conflicts)


def shown_cluster(cluster_id: str, kept: list[Attestation], matches: list[Optional[str]], size: int,
                  conflicts: list[dict]) -> Cluster:
    """A cluster as shown by its earliest attestations (all of them, or the first few), in order,
    with the drift of each wording from the first."""
    cluster = Cluster(id=cluster_id, kind=kept[0].kind, attestations=kept, matches=matches, size=size,
                      conflicts=conflicts)
    if cluster.kind != EVENT:
        cluster.drift = drift(kept)
    return cluster


class ClusterSummary:
    """What a cluster comes to, read from its members one at a time in any order: its size, its
    earliest member and its conflicts. Memory grows with the distinct speakers or dates in the
    cluster, not with its members: a line quoted a million times is summarised in a few kilobytes.
    """

    def __init__(self, cluster_id: str) -> None:
        self.id, self.size = cluster_id, 0
        self.kind: Optional[str] = None
        self.earliest: Optional[Attestation] = None
        self._earliest_order: Optional[tuple] = None
        self._values: dict[str, ValueSeen] = {}  # speaker's name or date -> where it was seen

    @classmethod
    def of(cls, cluster_id: str, atts: Iterable[Attestation]) -> ClusterSummary:
        summary = cls(cluster_id)
        for att in atts:
            summary.add(att)
        return summary

    def add(self, att: Attestation) -> None:
        # ties keep the order of reading, as a stable sort by earliest_key does
        order = (earliest_key(att), self.size)
        self.size += 1
        self.kind = self.kind or att.kind
        if self._earliest_order is None or order < self._earliest_order:
            self.earliest, self._earliest_order = att, order
        value = conflict_value(att)
        if value:
            self._values.setdefault(value, ValueSeen()).add(order, att.key)

    @property
    def conflicts(self) -> list[dict]:
        """The same words given to people who are not the same person; the same event given
        dates that cannot both be right (1887 and 1887-05 can)."""
        if self.kind == QUOTATION:
            return value_conflicts(self.id, "attribution", self._values, same_person)
        if self.kind == EVENT:
            return value_conflicts(self.id, "date", self._values, lambda a, b: a.startswith(b) or b.startswith(a))
        return []

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "size": self.size, "earliest": self.earliest.key,
                "text": self.earliest.text, "conflicts": self.conflicts}


def conflict_value(att: Attestation) -> Optional[str]:
    """What two attestations of one cluster may conflict over: a quotation's speaker, an event's
    date (without its qualifiers); claims have none."""
    if att.kind == QUOTATION:
        return att.speaker_name
    if att.kind == EVENT:
        return (att.value or "").rstrip("?~%")
    return None


class ValueSeen:
    """Where one value (a speaker's name, a date) was seen in a cluster: how often, first where,
    and the keys of its earliest CONFLICT_KEYS attestations."""

    def __init__(self) -> None:
        self.count = 0
        self.earliest: list[tuple[tuple, str]] = []  # (order, key), the earliest at the front once trimmed

    def add(self, order: tuple, key: str) -> None:
        self.count += 1
        self.earliest.append((order, key))
        if len(self.earliest) >= 2 * CONFLICT_KEYS:
            self.trim()

    def trim(self) -> list[tuple[tuple, str]]:
        self.earliest = sorted(self.earliest)[:CONFLICT_KEYS]
        return self.earliest


def value_conflicts(cluster_id: str, kind: str, seen: dict[str, ValueSeen], same: Callable[[str, str], bool]) -> list[dict]:
    """Values grouped as if their attestations were read earliest first, each joining the first
    group whose first value is the same as its own; a conflict when there are two groups or more.
    A value's place is decided where it is first seen, so reading each distinct value once, in
    the order of its first attestation, gives the same groups."""
    groups: list[tuple[str, list[str]]] = []  # (first value, every value in the group)
    for value in sorted(seen, key=lambda v: seen[v].trim()[0]):
        group = next((g for g in groups if same(g[0], value)), None)
        if group is None:
            groups.append((value, [value]))
        else:
            group[1].append(value)
    if len(groups) < 2:
        return []
    counts = [sum(seen[form].count for form in forms) for _, forms in groups]
    dissent = sum(counts[1:])  # groups come earliest first: the first value is the earliest source's
    return [{
        "cluster": cluster_id,
        "kind": kind,
        "values": [
            {"value": value, "forms": forms, "count": count, "earliest": index == 0,
             "attestations": [key for _, key in sorted(pair for form in forms for pair in seen[form].earliest)[:CONFLICT_KEYS]]}
            for index, ((value, forms), count) in enumerate(zip(groups, counts))
        ],
        "severity": len(groups) - 1 + dissent / (dissent + counts[0]),
    }]


def drift(atts: list[Attestation]) -> list[dict]:
    """Each wording that differs from the earliest, with its word-level edits."""
    source = normalise(atts[0].text).split()
    found = []
    for att in atts[1:]:
        words = normalise(att.text).split()
        if words == source:
            continue
        matcher = difflib.SequenceMatcher(a=source, b=words, autojunk=False)
        edits = [
            {"op": op, "from": " ".join(source[i1:i2]), "to": " ".join(words[j1:j2])}
            for op, i1, i2, j1, j2 in matcher.get_opcodes()
            if op != "equal"
        ]
        found.append({"attestation": att.key, "similarity": round(matcher.ratio(), 3), "edits": edits})
    return found


def conflicts(clusters: Iterable[Cluster]) -> list[dict]:
    """All conflicting attributions and dates, worst first."""
    found = [conflict for cluster in clusters for conflict in cluster.conflicts]
    return sorted(found, key=lambda c: (-c["severity"], c["cluster"]))


def link_documents(documents: Iterable[Document], index: Optional[LinkIndex] = None) -> LinkIndex:
    """Add documents to an index (a new one by default) and return it."""
    index = index if index is not None else LinkIndex()
    index.add_documents(documents)
    return index


# -- display ------------------------------------------------------------------------------


def cluster_table(cluster: dict) -> Table:
    """A stored cluster (``Cluster.to_dict``) as a table: who, where, when, how it matches."""
    table = Table(title=f"{cluster['id']}: {cluster['size']} attestations", show_lines=False)
    for column in ("when", "where", "who", "work cited", "match", "words"):
        table.add_column(column)
    for att in cluster["attestations"]:
        work = att["work_title"] or ""
        if att["work_year"]:
            work = f"{work} ({att['work_year']})".strip()
        match = att["match"] or "alone"
        if att["variant_translation"]:
            match = "variant translation"
        table.add_row(att["document_date"] or "undated", att["document_id"], att["speaker_name"] or "–", work,
                      match, att["text"] if att["kind"] != EVENT else f"{att['text']}  [{att['value']}]")
    return table


def cluster_notes(cluster: dict) -> list[str]:
    """The earliest attestation, the conflicts and the drift, one line each."""
    earliest = next(a for a in cluster["attestations"] if a["key"] == cluster["earliest"])
    lines = [f"earliest: {earliest['document_id']} ({earliest['document_date'] or 'undated'})"
             f"{', ' + earliest['speaker_name'] if earliest['speaker_name'] else ''}"]
    for conflict in cluster["conflicts"]:
        values = "; ".join(f"{v['value']} ({v['count']})" for v in conflict["values"])
        lines.append(f"conflicting {conflict['kind']}: {values}")
    for entry in cluster["drift"]:
        edits = ", ".join(_edit_text(edit) for edit in entry["edits"])
        lines.append(f"drift in {entry['attestation']} (similarity {entry['similarity']}): {edits}")
    return lines


def _edit_text(edit: dict) -> str:
    if edit["op"] == "delete":
        return f"-“{edit['from']}”"
    if edit["op"] == "insert":
        return f"+“{edit['to']}”"
    return f"“{edit['from']}” → “{edit['to']}”"


def conflicts_table(found: list[dict]) -> Table:
    """Conflicts (worst first) as a table: the words or event, and each value given to it."""
    table = Table(title=f"{len(found)} conflicts, worst first")
    for column in ("cluster", "kind", "severity", "values (attestations)", "words"):
        table.add_column(column)
    for conflict in found:
        values = "\n".join(
            f"{v['value']} ({v['count']}){' earliest' if v['earliest'] else ''}" for v in conflict["values"]
        )
        table.add_row(conflict["cluster"], conflict["kind"], f"{conflict['severity']:.2f}", values, conflict.get("text", ""))
    return table
