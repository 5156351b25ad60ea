"""Every benchmark, one after another, each in its own process; then their ratio lines.

    .venv/bin/python benchmarks/run_all.py            # all of them
    .venv/bin/python benchmarks/run_all.py merge dask # those whose file name contains a word

Benchmarks are not tests: a missed target is printed, and the exit code is 1 only when a
benchmark itself fails to run.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import RATIO_PREFIX  # noqa: E402

HERE = Path(__file__).resolve().parent
# The order first; any other bench_*.py (link, web ...) after them.
ORDER = ["bench_pipeline", "bench_merge", "bench_dask", "bench_memory"]


def benchmarks(words: list[str]) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"), key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.stem))
    return [p for p in found if not words or any(word in p.stem for word in words)]


def is_ratio(line: str) -> bool:
    """Our benchmarks' RATIO lines, and the ratio lines of benchmarks written in another style."""
    return line.startswith(RATIO_PREFIX) or "ratio" in line.lower()


def main() -> int:
    ratios, failed = [], []
    for script in benchmarks(sys.argv[1:]):
        print(f"== {script.name}", flush=True)
        process = subprocess.run([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
        print(process.stdout, end="", flush=True)
        ratios += [line for line in process.stdout.splitlines() if is_ratio(line)]
        if process.returncode != 0:
            failed.append(script.name)
    print("\n== summary")
    print("\n".join(ratios))
    for name in failed:
        print(f"FAILED {name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
