"""Benchmark 1: the whole pipeline against spaCy's bare parse of the same corpus.

The bare parse is spacy.load + nlp.pipe over the files' texts; the pipeline is `historiograph
run` as a library call: read, clean, merge, parse, every extractor, SQLite and JSONL. The two
alternate ``--repeat`` times and the best time of each is compared (see common.alternated).
Target: at most 1.25 times the bare parse.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import spacy

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import alternated, listed, report_ratio, scratch  # noqa: E402
from benchmarks.corpus import corpus_of_words  # noqa: E402
from historiograph.parse import BATCH_SIZE, DEFAULT_MODEL  # noqa: E402
from historiograph.pipeline import Settings, run  # noqa: E402
from historiograph.store import Store, sqlite_url  # noqa: E402

TARGET = 1.25


def bare_parse(corpus: Path, model: str) -> int:
    nlp = spacy.load(model)
    texts = (path.read_text(encoding="utf-8") for path in sorted(corpus.iterdir()))
    return sum(len(doc) for doc in nlp.pipe(texts, batch_size=BATCH_SIZE))


def full_pipeline(corpus: Path, out: Path, model: str) -> int:
    out.mkdir()
    store = Store(sqlite_url(out / "historiograph.db"))
    with (out / "documents.jsonl").open("w", encoding="utf-8") as jsonl:
        report = run([corpus], store, jsonl, Settings(model=model))
    store.close()
    return report.documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=200_000)
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating")
    args = parser.parse_args()
    with scratch() as root:
        written = corpus_of_words(root / "corpus", args.words)
        (bare, full), (tokens, documents) = alternated(
            args.repeat,
            lambda n: bare_parse(root / "corpus", args.model),
            lambda n: full_pipeline(root / "corpus", root / f"out{n}", args.model),
        )
    report_ratio("pipeline/bare-parse", min(full) / min(bare), "<=", TARGET,
                 f"[{written['words']} words, {written['files']} files -> {documents} documents; best of "
                 f"{args.repeat}: bare parse {min(bare):.1f}s ({tokens} tokens), pipeline {min(full):.1f}s; "
                 f"all: {listed(bare)} and {listed(full)}]")


if __name__ == "__main__":
    main()
