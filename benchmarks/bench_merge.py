"""Benchmark 2: merging copies in a corpus of 1k documents against one of 10k.

Both corpora are cleaned first (not timed); the time is the merge a `run` makes: pass 2's
sketch of each copy (shingles, MinHash, shingle keys), the merge plan (LSH Ensemble candidates,
each confirmed by containment and paragraph alignment) and pass 3's Documents, over copies held
in memory (files are not read again). The two alternate ``--repeat`` times and the best time of
each is compared (see common.alternated). Target: at most 12 times longer for ten times the
documents (near-linear, not quadratic).
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import alternated, listed, report_ratio  # noqa: E402
from benchmarks.corpus import corpus_texts  # noqa: E402
from historiograph.clean import clean_source  # noqa: E402
from historiograph.merge import CONTAINMENT_THRESHOLD  # noqa: E402
from historiograph.model import Cleaned  # noqa: E402
from historiograph.read import decode_source  # noqa: E402
from historiograph.stream import MergePlan, sketch  # noqa: E402

TARGET = 12.0


def cleaned(count: int) -> list[Cleaned]:
    texts = itertools.islice(corpus_texts(seed=2), count)
    return [clean_source(decode_source(name, text.encode("utf-8"), "text/plain")) for name, text in texts]


def merged(copies: list[Cleaned]) -> int:
    """The run's merge of these copies (copy n at place (n, 0)): how many Documents it builds."""
    placed = [((n, 0), copy) for n, copy in enumerate(copies)]
    plan = MergePlan((sketch(place, copy) for place, copy in placed), CONTAINMENT_THRESHOLD,
                     lambda place: copies[place[0]])
    return sum(1 for _ in plan.documents(placed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating")
    args = parser.parse_args()
    large = cleaned(args.large)
    small = large[: args.small]
    (small_times, large_times), (small_documents, large_documents) = alternated(
        args.repeat, lambda n: merged(small), lambda n: merged(large))
    report_ratio(f"merge {args.large}/{args.small} docs", min(large_times) / min(small_times), "<=", TARGET,
                 f"[best of {args.repeat}: {args.small} copies -> {small_documents} documents in "
                 f"{min(small_times):.1f}s; {args.large} copies -> {large_documents} documents in "
                 f"{min(large_times):.1f}s; all: {listed(small_times)} and {listed(large_times)}]")


if __name__ == "__main__":
    main()
