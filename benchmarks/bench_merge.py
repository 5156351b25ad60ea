"""Benchmark 2: merging copies in a corpus of 1k documents against one of 10k.

Both corpora are cleaned first (not timed); the time is merge_copies: shingles, MinHash, LSH
candidates, paragraph alignment and building each Document. Target: at most 12 times longer
for ten times the documents (near-linear, not quadratic).
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report_ratio, timed  # noqa: E402
from benchmarks.corpus import corpus_texts  # noqa: E402
from historiograph.clean import clean_source  # noqa: E402
from historiograph.merge import merge_copies  # noqa: E402
from historiograph.read import decode_source  # noqa: E402

TARGET = 12.0


def cleaned(count: int) -> list:
    texts = itertools.islice(corpus_texts(seed=2), count)
    return [clean_source(decode_source(name, text.encode("utf-8"), "text/plain")) for name, text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=10_000)
    args = parser.parse_args()
    large = cleaned(args.large)
    small = large[: args.small]
    with timed() as small_time:
        small_documents = merge_copies(small)
    with timed() as large_time:
        large_documents = merge_copies(large)
    report_ratio(f"merge {args.large}/{args.small} docs", large_time.seconds / small_time.seconds, "<=", TARGET,
                 f"[{args.small} copies -> {len(small_documents)} documents in {small_time.seconds:.1f}s; "
                 f"{args.large} copies -> {len(large_documents)} documents in {large_time.seconds:.1f}s]")


if __name__ == "__main__":
    main()
