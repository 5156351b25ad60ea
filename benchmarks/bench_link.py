"""Linking at scale: 10k and 100k synthetic quotations, the time ratio and peak memory.

    .venv/bin/python benchmarks/bench_link.py [--sizes 10000 100000]

Each size runs in its own process (so its peak resident memory is its own). A synthetic
corpus has one quotation per document; a third of them re-quote an earlier one, exactly, with
one word changed, or trimmed, and under the same or another speaker. Linking all-pairs would
grow 100x from 10k to 100k; the target is at most 12x.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time

from historiograph.link import LinkIndex
from historiograph.model import Document, Quote

SEED = 8
SYLLABLES = "ka lo mi re su ta ne vo ri ga pe do lu ni sa ko me ru ti ba".split()
VOCABULARY = 30000
FUNCTION_WORDS = 100
# Speakers per quotation: a bigger corpus quotes more people, not the same few more often.
QUOTES_PER_SPEAKER = 20
COPY_SHARE = 0.33
MIN_TRIMMED = 4  # a trimmed copy keeps at least this many words
TARGET_RATIO = 12


def words(rng: random.Random, count: int) -> list[str]:
    """Pseudo-words with a Zipf spread (log-uniform ranks): some recur often, most rarely. The
    first FUNCTION_WORDS ranks are left out, as the linker leaves out function words."""
    return [vocabulary(int(FUNCTION_WORDS * (VOCABULARY / FUNCTION_WORDS) ** rng.random())) for _ in range(count)]


def vocabulary(number: int) -> str:
    letters = []
    while True:
        number, rest = divmod(number, len(SYLLABLES))
        letters.append(SYLLABLES[rest])
        if number == 0:
            return "".join(letters)


def corpus(size: int) -> list[Document]:
    rng = random.Random(SEED)
    speakers = [f"{vocabulary(rng.randrange(VOCABULARY)).title()} {vocabulary(n).title()}"
                for n in range(max(1, size // QUOTES_PER_SPEAKER))]
    quotations: list[tuple[str, str]] = []
    documents = []
    for number in range(size):
        if quotations and rng.random() < COPY_SHARE:
            text, speaker = copy_of(rng, *rng.choice(quotations), speakers)
        else:
            text, speaker = " ".join(words(rng, rng.randint(8, 20))), rng.choice(speakers)
        quotations.append((text, speaker))
        body = f"{speaker} said, “{text}.”"
        start = body.index(text)
        documents.append(Document(
            id=f"d{number}", text=body, date=f"{1900 + number % 120}-01-01",
            quotes=[Quote(id="q1", text=text, start=start, end=start + len(text), kind="quotation",
                          speaker_name=speaker)],
        ))
    return documents


def copy_of(rng: random.Random, text: str, speaker: str, speakers: list[str]) -> tuple[str, str]:
    quoted = text.split()
    change = rng.random()
    if change < 0.3:
        quoted[rng.randrange(len(quoted))] = words(rng, 1)[0]
    elif change < 0.6 and len(quoted) > MIN_TRIMMED + 4:
        quoted = quoted[rng.randint(0, 2) : len(quoted) - rng.randint(0, 2)]
    return " ".join(quoted), speaker if rng.random() < 0.8 else rng.choice(speakers)


def run_one(size: int) -> dict:
    documents = corpus(size)
    started, cpu_started = time.perf_counter(), time.process_time()
    index = LinkIndex()
    index.add_documents(documents)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    clusters = len({index.find(seq) for seq in range(len(index))})
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"size": size, "seconds": round(seconds, 2), "cpu": round(cpu, 2), "clusters": clusters,
            "peak_mib": round(peak_mib)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    results = []
    for size in args.sizes:
        child = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True)
        if child.returncode:
            sys.exit(f"the {size} run failed:\n{child.stderr}")
        results.append(json.loads(child.stdout))
        result = results[-1]
        print(f"{result['size']:>7} quotations: {result['cpu']:8.2f} s CPU ({result['seconds']:.2f} s wall)  "
              f"{result['clusters']:>7} clusters  peak {result['peak_mib']} MiB")
    if len(results) >= 2:
        # CPU time: on a shared machine, wall time measures the neighbours too
        ratio = results[-1]["cpu"] / results[0]["cpu"]
        growth = results[-1]["size"] / results[0]["size"]
        verdict = "ok" if ratio <= TARGET_RATIO else "over target"
        print(f"time ratio {ratio:.1f}x (CPU) for {growth:.0f}x the quotations (target <= {TARGET_RATIO}x): {verdict}")


if __name__ == "__main__":
    main()
