"""What every benchmark shares: a timer, a scratch directory, and the one line each prints."""
from __future__ import annotations

import operator
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

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


def alternated(repeat: int, *runs: Callable[[int], object]) -> tuple[list[list[float]], list]:
    """Each run's seconds in each of ``repeat`` rounds (the runs alternate within a round), and
    each run's last result. Compare the best times, as timeit does: on a shared machine a
    slower run measures the neighbours, and alternating gives both runs the same chances."""
    times: list[list[float]] = [[] for _ in runs]
    results: list = [None] * len(runs)
    for round_number in range(repeat):
        for arm, run in enumerate(runs):
            with timed() as took:
                results[arm] = run(round_number)
            times[arm].append(took.seconds)
    return times, results


def listed(times: list[float]) -> str:
    """Every time of a run, as "27.4/28.1/27.9s"."""
    return "/".join(f"{t:.1f}" for t in times) + "s"


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
