"""Benchmark corpora made from the bundled examples: their sentences recombined into new essays.

Every essay draws its sentences at random from the pool of all example sentences, so the
vocabulary and the extractors' workload are those of the examples. The pool is small (a few
hundred sentences), so in each drawn sentence some lower-case words are swapped for others of
the pool: otherwise thousands of essays would share so many five-word runs that the merge
would see near-copies everywhere, which real corpora do not have. One essay in ``COPY_EVERY`` also gets
a second, scraped copy (cut short, with residue lines) so the merge stage has real work.
"""
from __future__ import annotations

import itertools
import random
import re
from pathlib import Path
from typing import Iterator

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# A body paragraph, not a header line: long enough to be prose.
PROSE_MIN_CHARS = 200
# Sentence ends: a stop (maybe inside a closing quote) before a capital or an opening quote.
SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”’\"]))\s+(?=[“\"A-Z])")
TAGS = re.compile(r"<[^>]+>")
SENTENCES_PER_PARAGRAPH = (2, 5)
PARAGRAPHS_PER_ESSAY = (5, 9)
COPY_EVERY = 10
# Share of lower-case words swapped in each drawn sentence: five-word runs then survive in
# under half the places, so two essays sharing a sentence rarely share its shingles.
SWAP_SHARE = 0.15
LOWER_WORD = re.compile(r"^[a-z]+$")
# Lines a scraper leaves around an article: the cleaner drops them, the merge ignores them.
RESIDUE = ["Advertisement", "Share this article", "Subscribe now"]


def example_sentences() -> list[str]:
    sentences = []
    for path in sorted(EXAMPLES.rglob("*")):
        if path.suffix not in {".txt", ".html"}:
            continue
        text = TAGS.sub("\n\n", path.read_text(encoding="utf-8"))
        for paragraph in re.split(r"\n\s*\n", text):
            paragraph = " ".join(paragraph.split())
            if len(paragraph) >= PROSE_MIN_CHARS:
                sentences.extend(SENTENCE_BREAK.split(paragraph))
    if not sentences:
        raise SystemExit(f"no example texts under {EXAMPLES}")
    return sentences


def essay(rng: random.Random, sentences: list[str], words: list[str], number: int) -> tuple[str, list[str]]:
    """A title and the paragraphs of one new essay."""
    paragraphs = [
        " ".join(varied(rng, rng.choice(sentences), words) for _ in range(rng.randint(*SENTENCES_PER_PARAGRAPH)))
        for _ in range(rng.randint(*PARAGRAPHS_PER_ESSAY))
    ]
    return f"Essay number {number}", paragraphs


def varied(rng: random.Random, sentence: str, words: list[str]) -> str:
    return " ".join(
        rng.choice(words) if LOWER_WORD.match(word) and rng.random() < SWAP_SHARE else word
        for word in sentence.split(" ")
    )


def lower_words(sentences: list[str]) -> list[str]:
    return sorted({word for sentence in sentences for word in sentence.split(" ") if LOWER_WORD.match(word)})


def scraped_copy(rng: random.Random, title: str, paragraphs: list[str]) -> str:
    """The essay as a second scraper saw it: residue lines, the end cut off mid-paragraph."""
    kept = paragraphs[: max(2, len(paragraphs) - 2)]
    last = kept[-1]
    kept[-1] = last[: len(last) // 2].rsplit(" ", 1)[0] + " …"
    body = list(kept)
    body.insert(1, rng.choice(RESIDUE))
    return "\n\n".join([title, *body]) + "\n"


def corpus_texts(seed: int = 1) -> Iterator[tuple[str, str]]:
    """(file name, text) of new essays and their extra copies, without end."""
    rng = random.Random(seed)
    sentences = example_sentences()
    words = lower_words(sentences)
    for number in itertools.count():
        title, paragraphs = essay(rng, sentences, words, number)
        yield f"essay-{number:06d}.txt", "\n\n".join([title, *paragraphs]) + "\n"
        if number % COPY_EVERY == 0:
            yield f"essay-{number:06d}-copy.txt", scraped_copy(rng, title, paragraphs)


def write_corpus(root: Path, target_bytes: int, seed: int = 1) -> dict:
    """Files written under ``root`` until they hold ``target_bytes``; how much was written."""
    root.mkdir(parents=True, exist_ok=True)
    written = words = files = 0
    for name, text in corpus_texts(seed):
        if written >= target_bytes:
            break
        data = text.encode("utf-8")
        (root / name).write_bytes(data)
        written += len(data)
        words += len(text.split())
        files += 1
    return {"bytes": written, "words": words, "files": files}


def corpus_of_words(root: Path, words: int, seed: int = 1) -> dict:
    """A corpus of about ``words`` words (about six bytes a word in these texts)."""
    return write_corpus(root, words * 6, seed)
