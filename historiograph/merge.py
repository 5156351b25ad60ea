"""Merge stage: many cleaned copies -> one Document per article, each part from its best copy.

Copies are found with MinHash LSH over word shingles. Scraped copies are often cut short, so
the test is containment (how much of the shorter copy lies inside the longer one: datasketch's
LSH Ensemble, kept compact and on disk by ``ContainmentIndex``), not symmetric Jaccard, which
a cut copy would fail. A candidate pair is then
confirmed by aligning paragraphs with rapidfuzz. Each aligned paragraph is taken from the copy
that has it whole; provenance records which copy and which range every paragraph came from.
"""
from __future__ import annotations

import bisect
import hashlib
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

import numpy as np
from datasketch import MinHash, MinHashLSHEnsemble
from rapidfuzz import fuzz

from .keyed_runs import KeyedRuns, RecordFile, stable_key
from .model import Cleaned, Document, Paragraph, Provenance

SHINGLE_WORDS = 5
NUM_PERM = 128
# datasketch defaults, named so signatures made in any process (a Dask worker) compare.
SEED = 1
SCHEME = "affine32"
# Share of the shorter copy's shingles that must lie in the longer one. Two articles on the
# same subject share names and phrases but hardly any five-word runs; copies share most.
CONTAINMENT_THRESHOLD = 0.6
# Partitions by size of the LSH Ensemble.
NUM_PART = 8
# Copies keyed at a time when the ensemble's candidates are found.
PLAN_CHUNK = 1024
# Seeds the numbers that mix a band's rows into one key (any fixed number).
ENSEMBLE_MIXING_SEED = 20261126
# Share of the shorter copy's text that must align paragraph by paragraph to confirm a pair.
ALIGNED_SHARE = 0.6
# rapidfuzz scores (0-100) at which two paragraphs are the same paragraph: ratio for whole
# paragraphs, partial_ratio when one copy's paragraph is cut short.
SAME_PARAGRAPH = 90
PARTIAL_MIN_CHARS = 40
WORD = re.compile(r"\w+")
# A paragraph cut off by the scraper ends with an ellipsis (or a dangling dash).
TRUNCATED_END = re.compile(r"(\s…|\s?\.\.\.|[—–-])\s*$")
OPEN_QUOTES = "“‘«\""
CLOSE_QUOTES = "”’»\""
SEPARATOR = "\n\n"


@dataclass
class Group:
    copies: list[Cleaned]


def shingles(cleaned: Cleaned) -> set[str]:
    words = WORD.findall(" ".join(p.text for p in cleaned.paragraphs).lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words)}
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def minhash(items: set[str]) -> MinHash:
    signature = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    signature.update_batch([item.encode("utf-8") for item in items])
    return signature


def group_copies(copies: list[Cleaned], threshold: float = CONTAINMENT_THRESHOLD) -> list[Group]:
    """The copies grouped by article; a copy with no other copy is a group of one."""
    if len(copies) < 2:
        return [Group([c]) for c in copies]
    sets = [shingles(c) for c in copies]
    sketches = [(minhash(s).hashvalues, len(s)) for s in sets]
    return confirmed_groups(copies, sets, candidate_pairs(sketches, threshold), threshold)


def candidate_pairs(sketches: Iterable[tuple[np.ndarray, int]], threshold: float = CONTAINMENT_THRESHOLD) -> list[tuple[int, int]]:
    """LSH candidates (i, j), in query order, from each copy's MinHash values and shingle count.

    Only the signatures are needed, so a streaming run can find candidates without keeping texts.
    """
    index = ContainmentIndex(threshold)
    for values, size in sketches:
        index.add(values, size)
    return list(index.pairs())


class EnsembleBands:
    """The band keys of datasketch's LSH Ensemble (``MinHashLSHEnsemble``: the same partitions by
    size, bands and query parameters, so the same candidates), as 64-bit numbers: a copy's bands
    in its partition, under which it is indexed, and the bands it queries in every partition. Small
    (some 75 KB) and the same in every process: what a Dask task needs to key a copy."""

    def __init__(self, threshold: float, num_part: int = NUM_PART) -> None:
        reference = MinHashLSHEnsemble(threshold=threshold, num_perm=NUM_PERM, num_part=num_part)
        self.params, self.xqs = reference.params.tolist(), reference.xqs.tolist()
        self.rows = sorted({int(r) for _, r in self.params})  # the ensemble's LSH of r rows a band
        self.num_part = num_part
        rng = np.random.default_rng(ENSEMBLE_MIXING_SEED)
        self._multipliers = rng.integers(0, 2**63, NUM_PERM, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._salts = rng.integers(0, 2**63, (num_part, max(self.rows) + 1, NUM_PERM), dtype=np.uint64)

    def uppers(self, sizes: Iterable[int]) -> list[int]:
        """Each partition's largest size, as ``MinHashLSHEnsemble.index`` partitions these."""
        distinct, counts = np.array(sorted(Counter(sizes).most_common())).T
        return [int(upper) for _, upper in size_partitions(distinct, counts, self.num_part)]

    def indexed(self, values: np.ndarray, size: int, uppers: list[int]) -> list[int]:
        part = bisect.bisect_left(uppers, size)  # the partition holding its size
        return [key for r in self.rows for key in self._keys(values, part, r, NUM_PERM // r)]

    def queried(self, values: np.ndarray, size: int, uppers: list[int]) -> list[int]:
        keys: list[int] = []
        for part, upper in enumerate(uppers):
            b, r = self._params(upper, size)
            keys += self._keys(values, part, r, b)
        return keys

    def _params(self, upper: int, size: int) -> tuple[int, int]:
        at = min(bisect.bisect_left(self.xqs, float(upper) / float(size)), len(self.params) - 1)
        return int(self.params[at][0]), int(self.params[at][1])

    def _keys(self, values: np.ndarray, part: int, r: int, b: int) -> list[int]:
        """The keys of the first b bands of r rows: a band's rows mixed, salted by partition,
        rows and band (equal keys from unequal bands: odds of 2^-64)."""
        rows = values[: b * r].reshape(b, r)
        return ((rows * self._multipliers[:r]).sum(axis=1, dtype=np.uint64) ^ self._salts[part, r, :b]).tolist()


class ContainmentIndex:
    """The ensemble's candidates (``EnsembleBands``), its bands kept in ``KeyedRuns`` and the
    copies' signatures in a temporary file: some 3 KB a copy, which spill to disk, where the
    ensemble's dicts of band bytes took some 70 KB a copy in memory.

    ``add`` every copy first (the partitions need every size), then read ``pairs``."""

    def __init__(self, threshold: float, num_part: int = NUM_PART) -> None:
        self.bands = EnsembleBands(threshold, num_part)
        self._signatures = RecordFile("sketches")
        self.sizes = array("i")

    def __len__(self) -> int:
        return len(self.sizes)

    def add(self, hashvalues: np.ndarray, size: int) -> None:
        self._signatures.append(np.asarray(hashvalues, dtype=np.uint64).tobytes())
        self.sizes.append(size)

    def pairs(self) -> Iterator[tuple[int, int]]:
        """(i, j) for every copy j that copy i, as a query, finds; i in order, then j. The copies
        are keyed a chunk at a time: all of them are indexed before any queries."""
        if len(self) < 2:
            return
        uppers, found = self.bands.uppers(self.sizes), BandShare(len(self))
        for role in (INDEXED, QUERIED):
            for first in range(0, len(self), PLAN_CHUNK):
                numbers = range(first, min(first + PLAN_CHUNK, len(self)))
                [(copies, keys)] = band_entries(self.bands, role, first, self.signatures(numbers),
                                                self.sizes[numbers.start:numbers.stop], uppers, 1)
                if role == INDEXED:
                    found.index(copies, keys)
                else:
                    yield from found.pairs(found.find(copies, keys))

    def signatures(self, numbers: range) -> np.ndarray:
        """The signatures of these copies, one a row."""
        return np.frombuffer(b"".join(self._signatures[i] for i in numbers), dtype=np.uint64).reshape(-1, NUM_PERM)


INDEXED, QUERIED = "indexed", "queried"


def band_entries(bands: EnsembleBands, role: str, first: int, signatures: np.ndarray, sizes: Iterable[int],
                 uppers: list[int], shares: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The band keys of the copies numbered from ``first`` in one role (``INDEXED`` or
    ``QUERIED``), for each of ``shares`` shares of the keys (by key modulo ``shares``), as
    (copies, keys) arrays, a copy's keys together."""
    keyed = bands.indexed if role == INDEXED else bands.queried
    each = [np.array(keyed(values, size, uppers), np.uint64) for values, size in zip(signatures, sizes)]
    keys = np.concatenate([np.empty(0, np.uint64), *each])
    copies = np.repeat(np.arange(first, first + len(each), dtype=np.int64), [len(its) for its in each])
    if shares == 1:
        return [(copies, keys)]
    share = keys % np.uint64(shares)
    return [(copies[share == n], keys[share == n]) for n in range(shares)]


class BandShare:
    """The copies indexed under one share of the band keys, and the candidates found under them:
    every share's together are the ensemble's (a pair found in two shares is found twice). Pairs
    are numbers, i * count + j for copy i's query finding copy j: sorted, they are in the order
    of the ensemble's queries."""

    def __init__(self, count: int) -> None:
        self.count, self._index = count, KeyedRuns()

    def index(self, copies: np.ndarray, keys: np.ndarray) -> None:
        self._index.extend(keys, copies)

    def find(self, copies: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """The pairs these copies' queries find: call once every copy is indexed."""
        self._index.compact()  # once: a compact index stays so
        at, others = self._index.entries(keys)
        queries = copies[at]
        return np.unique((queries * np.int64(self.count) + others)[queries != others])

    def pairs(self, found: np.ndarray) -> Iterator[tuple[int, int]]:
        return zip(*(each.tolist() for each in np.divmod(found, self.count)))


def size_partitions(sizes: np.ndarray, counts: np.ndarray, num_part: int) -> list[tuple[int, int]]:
    """The partitions by size (lowest, highest) that ``datasketch.lshensemble_partition.
    optimal_partitions`` gives for these distinct sizes (ascending) and their counts, so the
    ensemble's candidates. Its dynamic programme, over false-positive counts read from prefix
    sums: datasketch fills an n x n table one numpy sum at a time and compares the cuts in Python,
    for n distinct sizes 1.9 s at 710 (10 MB of essays), 18 s at 2,000 and 85 s at 4,000
    (minutes to hours at the tens of thousands of a corpus of millions); here 0.03, 0.12 and
    0.31 s, and 1.3 s at 10,000.

    The same choices to the tie, its backtracking included: that reads the best cost of p
    partitions up to the cut where the forward pass used p - 1 (and 0 where it filled nothing),
    so its partitions are often not the cheapest ones. They are the ensemble's all the same."""
    n = len(sizes)
    if num_part < 2:
        return [(sizes[0], sizes[-1])]
    if num_part >= n:
        return [(size, size) for size in sizes]
    size, count = np.asarray(sizes, dtype=np.int64), np.asarray(counts, dtype=np.int64)
    below = np.concatenate(([0], np.cumsum(count)))  # copies smaller than each size
    mass = np.concatenate(([0], np.cumsum(size * count)))  # their sizes summed

    def false_positives(lowest: int, upper: int) -> np.ndarray:
        """For each l from ``lowest`` to ``upper``: the copies of sizes l..upper, each weighted
        by the share of the upper size it lacks (exact integers, divided once)."""
        copies = below[upper + 1] - below[lowest:upper + 1]
        return (size[upper] * copies - (mass[upper + 1] - mass[lowest:upper + 1])) / float(size[upper])

    best = [(size * below[1:] - mass[1:]) / size.astype(float)]  # best[p - 1][u]: p partitions up to u
    for parts in range(2, num_part):
        cost = np.zeros(n)
        for upper in range(parts - 1, n):
            cost[upper] = np.min(best[-1][parts - 2:upper] + false_positives(parts - 1, upper))
        best.append(cost)
    upper = n - 1
    cut = num_part - 2 + int(np.argmin(best[num_part - 2][num_part - 2:upper] + false_positives(num_part - 1, upper)))
    partitions = [(sizes[cut + 1], sizes[upper])]
    for parts in range(num_part - 1, 1, -1):
        upper, cut = cut, parts - 2 + int(np.argmin(best[parts - 1][parts - 2:cut] + false_positives(parts - 1, cut)))
        partitions.insert(0, (sizes[cut + 1], sizes[upper]))
    partitions.insert(0, (sizes[0], sizes[cut]))
    return partitions


def joined_groups(pairs: list[tuple[int, int]]) -> list[list[int]]:
    """The copies joined by these pairs, as sorted lists of indexes in the order of their first
    member; a copy in no pair is in none (a corpus's copies are mostly alone: they cost nothing)."""
    involved = sorted({i for pair in pairs for i in pair})
    number = {i: n for n, i in enumerate(involved)}
    forest = UnionFind(len(involved))
    for i, j in pairs:
        forest.union(number[i], number[j])
    return [[involved[n] for n in group] for group in forest.groups()]


def confirmed_groups(
    copies: list[Cleaned], sets: list[set[str]], pairs: Iterable[tuple[int, int]], threshold: float = CONTAINMENT_THRESHOLD
) -> list[Group]:
    """Candidate pairs confirmed by ``same_article``, joined into groups in the copies' order."""
    forest = UnionFind(len(copies))
    for i, j in pairs:
        if not forest.joined(i, j) and same_article(copies[i], copies[j], sets[i], sets[j], threshold):
            forest.union(i, j)
    return [Group([copies[i] for i in members]) for members in forest.groups()]


class UnionFind:
    """Disjoint sets of 0..count-1; groups come out ordered by their first member."""

    def __init__(self, count: int):
        self.parent = array("i", range(count))

    def root(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def joined(self, i: int, j: int) -> bool:
        return self.root(i) == self.root(j)

    def union(self, i: int, j: int) -> None:
        self.parent[self.root(i)] = self.root(j)

    def groups(self) -> list[list[int]]:
        members: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            members.setdefault(self.root(i), []).append(i)
        return list(members.values())


def same_article(a: Cleaned, b: Cleaned, set_a: set[str], set_b: set[str], threshold: float) -> bool:
    """LSH candidates confirmed: exact containment, then paragraphs that really align."""
    return contained(len(set_a & set_b), len(set_a), len(set_b), threshold) and aligned(a, b, len(set_a) <= len(set_b))


def contained(shared: int, size_a: int, size_b: int, threshold: float) -> bool:
    """Whether the smaller set of shingles lies, to the threshold, in the larger."""
    return shared >= threshold * min(size_a, size_b)


def aligned(a: Cleaned, b: Cleaned, a_is_shorter: bool) -> bool:
    """Whether the shorter copy's paragraphs align, to ALIGNED_SHARE of its text, with the longer's."""
    short, long_ = (a, b) if a_is_shorter else (b, a)
    found = align(long_.paragraphs, short.paragraphs)
    matched = sum(len(short.paragraphs[j].text) for j in found.values())
    return matched >= ALIGNED_SHARE * sum(len(p.text) for p in short.paragraphs)


def shingle_keys(items: set[str]) -> np.ndarray:
    """A copy's shingles as sorted 64-bit keys, the same in every process: containment counted
    on them is the exact count but for collisions (odds of 2^-64 a pair of shingles)."""
    keys = np.fromiter(map(stable_key, items), np.uint64, len(items))
    keys.sort()
    return keys


def same_paragraph(a: str, b: str) -> bool:
    if fuzz.ratio(a, b) >= SAME_PARAGRAPH:
        return True
    shorter = min(len(a), len(b))
    return shorter >= PARTIAL_MIN_CHARS and fuzz.partial_ratio(a, b) >= SAME_PARAGRAPH


def align(base: list[Paragraph], other: list[Paragraph]) -> dict[int, int]:
    """Order-keeping alignment: base paragraph index -> other paragraph index."""
    pairs: dict[int, int] = {}
    next_base = 0
    for j, paragraph in enumerate(other):
        for i in range(next_base, len(base)):
            if same_paragraph(base[i].text, paragraph.text):
                pairs[i] = j
                next_base = i + 1
                break
    return pairs


def paragraph_quality(paragraph: Paragraph) -> tuple:
    """Higher is better: whole (not cut with '…'), opening quote not lost, then longer."""
    text = paragraph.text
    return (not TRUNCATED_END.search(text), not lost_opening_quote(text), len(text))


def lost_opening_quote(text: str) -> bool:
    """A closing curly mark before any opening one: the paragraph lost its first character."""
    for char in text:
        if char in "“«":
            return False
        if char in "”»":
            return True
    return False


def merged_paragraphs(copies: list[Cleaned]) -> list[tuple[Paragraph, Cleaned]]:
    """Every paragraph of every copy, aligned, each from the copy that has it best."""
    ordered = sorted(copies, key=lambda c: -sum(len(p.text) for p in c.paragraphs))
    slots: list[list[tuple[Paragraph, Cleaned]]] = [[(p, ordered[0])] for p in ordered[0].paragraphs]
    for copy in ordered[1:]:
        pairs = align([slot[0][0] for slot in slots], copy.paragraphs)
        placed = {j: i for i, j in pairs.items()}
        offset = 0
        for j, paragraph in enumerate(copy.paragraphs):
            if j in placed:
                slots[placed[j] + offset].append((paragraph, copy))
            else:  # a paragraph only this copy has: after the last one it shares
                before = max((i for jj, i in placed.items() if jj < j), default=-1)
                slots.insert(before + offset + 1, [(paragraph, copy)])
                offset += 1
    return [max(slot, key=lambda pc: paragraph_quality(pc[0])) for slot in slots]


def best_header(copies: list[Cleaned]) -> dict:
    return max((c.header for c in copies), key=lambda h: (len(h.get("reviewed", [])), bool(h.get("title"))))


def first_value(values: Iterable[Optional[str]]) -> Optional[str]:
    return next((v for v in values if v), None)


def build_document(group: Group) -> Document:
    chosen = merged_paragraphs(group.copies) if len(group.copies) > 1 else [
        (p, group.copies[0]) for p in group.copies[0].paragraphs
    ]
    parts, provenance, markup, position = [], [], [], 0
    for paragraph, copy in chosen:
        if parts:
            position += len(SEPARATOR)
        end = position + len(paragraph.text)
        parts.append(paragraph.text)
        provenance.append(Provenance(position, end, copy.source.path, paragraph.start, paragraph.end))
        markup.extend({"start": position + s, "end": position + e, "tag": tag} for s, e, tag in paragraph.markup)
        if paragraph.quoted:
            markup.append({"start": position, "end": end, "tag": "blockquote"})
        position = end
    text = SEPARATOR.join(parts)
    header = best_header(group.copies)
    return Document(
        id=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16],
        text=text,
        title=first_value([header.get("title")] + [c.title for c in group.copies]),
        date=first_value(c.date for c in group.copies if c.date and c.date != c.source.captured)
        or first_value(c.date for c in group.copies),
        author=first_value(c.author for c in group.copies),
        sources=[c.source.ref() for c in group.copies],
        provenance=provenance,
        header=header,
        markup=markup,
    )


def merge_copies(copies: list[Cleaned], threshold: float = CONTAINMENT_THRESHOLD) -> list[Document]:
    """One Document per article in the corpus."""
    return [build_document(group) for group in group_copies(copies, threshold)]
