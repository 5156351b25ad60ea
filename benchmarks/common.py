"""What every benchmark shares: a timer, a scratch directory, and the one line each prints."""
from __future__ import annotations

import operator
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# The summary line run_all.py collects from each benchmark's output.
RATIO_PREFIX = "RATIO"
COMPARISONS = {"<=": operator.le, ">=": operator.ge}


class Timer:
    seconds: float = 0.0


@contextmanager
def timed() -> Iterator[Timer]:
    timer = Timer()
    start = time.perf_counter()
    try:
        yield timer
    finally:
        timer.seconds = time.perf_counter() - start


@contextmanager
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="historiograph-bench-") as name:
        yield Path(name)


def report_ratio(name: str, ratio: float, comparison: str, target: float, detail: str) -> bool:
    """Print the benchmark's ratio line; whether the target was met."""
    met = COMPARISONS[comparison](ratio, target)
    verdict = "met" if met else "MISSED"
    print(f"{RATIO_PREFIX} {name}: {ratio:.2f}x (target {comparison} {target}x, {verdict}) {detail}", flush=True)
    return met
