"""Benchmark 3: `run --dask` on a LocalCluster of two workers against the single-process run.

Same corpus, same settings, each writing its own SQLite database; the Dask time includes
starting the cluster and loading a spaCy pipeline in each worker. Target: at least 1.6 times
faster on two cores.
"""
from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report_ratio, scratch, timed  # noqa: E402
from benchmarks.corpus import corpus_of_words  # noqa: E402
from historiograph.distributed import run_distributed  # noqa: E402
from historiograph.pipeline import Settings, run  # noqa: E402
from historiograph.store import Store, sqlite_url  # noqa: E402

TARGET = 1.6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--scheduler", help="an existing scheduler instead of a LocalCluster")
    args = parser.parse_args()
    with scratch() as root:
        written = corpus_of_words(root / "corpus", args.words)
        with timed() as single:
            report = run([root / "corpus"], Store(sqlite_url(root / "single.db")), io.StringIO(), Settings())
        with timed() as dask:
            dask_report = run_distributed([root / "corpus"], Store(sqlite_url(root / "dask.db")), io.StringIO(),
                                          Settings(), args.scheduler)
    report_ratio("single-process/dask", single.seconds / dask.seconds, ">=", TARGET,
                 f"[{written['words']} words -> {report.documents} documents (dask: {dask_report.documents}); "
                 f"one process {single.seconds:.1f}s, LocalCluster of 2 {dask.seconds:.1f}s]")


if __name__ == "__main__":
    main()
