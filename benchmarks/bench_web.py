"""Page times of the web UI over 10,000 documents (a benchmark, not a test).

Builds a SQLite database of synthetic, fully annotated Documents saved straight through
Store.save (no spaCy), starts the app in-process, and prints the median and 95th-percentile
time of the corpus, document, person and search pages. Target: median < 300 ms each.

    .venv/bin/python benchmarks/bench_web.py [--documents 10000] [--requests 30] [--db PATH]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import warnings
from pathlib import Path
from urllib.parse import quote

with warnings.catch_warnings():  # starlette's notice about its httpx client is not ours to act on
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient
from sqlalchemy import event, select

from historiograph.model import Claim, Document, Entity, Mention, Provenance, Quote, TimeExpr, Work
from historiograph.store import Store, schema, sqlite_url
from historiograph.web.app import create_app

TARGET_MS = 300
# Invented name parts: 24 x 24 = 576 people, so a person is quoted in about a hundred documents.
GIVEN = ("Ada", "Bram", "Cora", "Dirk", "Edda", "Finn", "Greta", "Hal", "Ines", "Jory", "Kasia", "Lorne",
         "Mira", "Nils", "Odile", "Piet", "Quill", "Rhea", "Soren", "Tilda", "Ulf", "Vera", "Wim", "Ysolde")
FAMILY = ("Achterwald", "Brenner", "Castellane", "Dunmore", "Eckhart", "Fairlie", "Gostwick", "Hallam", "Ibbotson",
          "Jessop", "Kettering", "Lindqvist", "Marrow", "Nettleship", "Ormerod", "Pryce", "Quennell", "Rookwood",
          "Sallow", "Thackeray", "Underhill", "Vance", "Wetherby", "Yardley")
WORDS = ("archive ledger harbor strike winter council granary riot census pamphlet treaty ministry survey "
         "bread price magistrate clerk evidence letter diary witness commission election ballot river town "
         "quay warehouse guild baker printer railway tariff salt smuggler garrison depot cargo customs").split()
KINDS = ("quotation", "quotation", "quotation", "scare", "title")
STANCES = ("agrees", "disagrees", "neutral")


def sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthetic_document(number: int, rng: random.Random) -> Document:
    """A review essay of six paragraphs with people, quotations (each naming someone), claims,
    dates and two works."""
    people = rng.sample([f"{g} {f}" for g in GIVEN for f in FAMILY], 4)
    entities = {name: Entity(f"e{i + 1}", "PERSON", name, aliases=[name.split()[1]]) for i, name in enumerate(people)}
    quotes, claims, times, paragraphs = [], [], [], []
    text = ""
    for index in range(6):
        speaker, named = rng.sample(people, 2)
        quoted = f"{sentence(rng, 4)[:-1]} {named} {sentence(rng, 4).lower()}"  # names someone: "about" rows
        year = rng.randint(1780, 1980)
        pieces = [sentence(rng, 14), f"In {year} {speaker} wrote that “{quoted}”", sentence(rng, 18)]
        paragraph = " ".join(pieces)
        start = len(text) + (2 if text else 0)
        text = f"{text}\n\n{paragraph}" if text else paragraph
        paragraphs.append((start, start + len(paragraph)))
        name_at = text.index(speaker, start)
        entities[speaker].mentions.append(Mention(name_at, name_at + len(speaker), speaker))
        quote_at = text.index(quoted, start)
        named_at = text.index(named, quote_at)
        entities[named].mentions.append(Mention(named_at, named_at + len(named), named))
        quotes.append(Quote(f"q{index + 1}", quoted, quote_at, quote_at + len(quoted), rng.choice(KINDS),
                            speaker=entities[speaker].id, speaker_name=speaker))
        year_at = text.index(str(year), start)
        times.append(TimeExpr(str(year), year_at, year_at + 4, value=str(year)))
        if index % 2 == 0:
            claim_end = quote_at + len(quoted) + 1
            claims.append(Claim(f"c{len(claims) + 1}", text[year_at - 3:claim_end], year_at - 3, claim_end,
                                holder=entities[speaker].id, holder_name=speaker, stance=rng.choice(STANCES),
                                evidence={"text": sentence(rng, 8), "start": 0, "end": 0}))
    path = f"corpus/review-{number:05d}.txt"
    return Document(
        id=f"synthetic{number:07d}", text=text, title=f"{rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)} {number}",
        date=f"{rng.randint(1950, 1990)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", author=rng.choice(people),
        sources=[{"path": path, "sha256": f"{number:064d}"}],
        provenance=[Provenance(a, b, path, a, b) for a, b in paragraphs],
        entities=list(entities.values()), quotes=quotes, times=times, claims=claims,
        works=[Work(title=f"The {rng.choice(WORDS).capitalize()} of {rng.choice(WORDS)}", authors=[people[0]],
                    publisher="Fenwick & Lowe", year=rng.randint(1950, 1990), pages=rng.randint(150, 500)),
               Work(title=f"Papers of the {rng.choice(WORDS).capitalize()}", editors=[people[1]], year=1970)],
    )


def fast_sqlite(store: Store) -> None:
    """Building the benchmark database needs no durability: no fsync per saved document."""
    @event.listens_for(store.engine, "connect")
    def pragmas(connection, _record):
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA journal_mode=MEMORY")

    store.engine.dispose()


def build(path: Path, count: int) -> Store:
    store = Store(sqlite_url(path))
    have = store.counts()["documents"]
    if have >= count:
        return store
    fast_sqlite(store)
    rng = random.Random(have)
    for number in range(have, count):
        store.save(synthetic_document(number, rng))
    store.engine.dispose()
    return Store(sqlite_url(path))


def median_ms(client: TestClient, urls: list[str]) -> tuple[float, float]:
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--db", type=Path, help="Reuse (or create) this database file.")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "bench.db"
    started = time.perf_counter()
    store = build(path, args.documents)
    print(f"database: {store.counts()['documents']:,} documents in {path} ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    client = TestClient(create_app(store))
    print(f"app start, search index included: {time.perf_counter() - started:.1f} s")
    rng = random.Random(7)
    ids = [f"synthetic{rng.randrange(args.documents):07d}" for _ in range(args.requests)]
    with store.engine.connect() as connection:
        names = connection.execute(
            select(schema.entities.c.name).where(schema.entities.c.document_id.in_(ids))).scalars().all()[: args.requests]
    pages = {
        "corpus": [f"/?page={rng.randint(1, 200)}&sort={rng.choice(['date', 'title'])}" for _ in range(args.requests)],
        "document": [f"/documents/{i}" for i in ids],
        "person": [f"/people/{quote(name)}" for name in names],
        "search": [f"/search?q={rng.choice(WORDS)}+{rng.choice(WORDS)}" for _ in range(args.requests)],
    }
    client.get("/")  # first request warms the template cache
    print(f"{'page':<10}{'median ms':>11}{'p95 ms':>9}  target < {TARGET_MS} ms")
    for name, urls in pages.items():
        median, p95 = median_ms(client, urls)
        print(f"{name:<10}{median:>11.1f}{p95:>9.1f}  {'ok' if median < TARGET_MS else 'SLOW'}")


if __name__ == "__main__":
    main()
