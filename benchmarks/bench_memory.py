"""Benchmark 4: peak memory of `historiograph run` over a large corpus against a small one.

Each run is its own process; its peak resident set size is read from getrusage once it has
exited (the small one first, since RUSAGE_CHILDREN keeps the largest child's peak). The run
streams its corpus, so the peak should hardly grow: target at most 1.5 times. The issue's pair
is 1 GB vs 100 MB; the whole pipeline reads some 7,000 words a second on one core here, so
that pair is some seven hours of parsing and the default is 20 MB vs 2 MB, the same tenfold step
(about ten minutes; pass --small-mb 100 --large-mb 1000 for the issue's pair). Smaller pairs
hide what grows: at 2 MB the spaCy model still outweighs the link index.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report_ratio, scratch, timed  # noqa: E402
from benchmarks.corpus import write_corpus  # noqa: E402

TARGET = 1.5
MB = 1_000_000


def peak_of_run(corpus: Path, out: Path) -> tuple[float, float]:
    """(peak MB so far over every finished child, seconds) after one `historiograph run`."""
    with timed() as took:
        subprocess.run([sys.executable, "-m", "historiograph.cli", "run", str(corpus), "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, took.seconds  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small-mb", type=float, default=2)
    parser.add_argument("--large-mb", type=float, default=20)
    args = parser.parse_args()
    with scratch() as root:
        small = write_corpus(root / "small", int(args.small_mb * MB), seed=3)
        large = write_corpus(root / "large", int(args.large_mb * MB), seed=4)
        small_peak, small_time = peak_of_run(root / "small", root / "out-small")
        large_peak, large_time = peak_of_run(root / "large", root / "out-large")
    report_ratio(f"peak memory {args.large_mb:g}MB/{args.small_mb:g}MB", large_peak / small_peak, "<=", TARGET,
                 f"[{small['bytes'] / MB:.1f} MB ({small['files']} files): {small_peak:.0f} MB peak in {small_time:.0f}s; "
                 f"{large['bytes'] / MB:.1f} MB ({large['files']} files): {large_peak:.0f} MB peak in {large_time:.0f}s]")


if __name__ == "__main__":
    main()
