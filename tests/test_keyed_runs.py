"""Where the link index keeps what it holds: keyed runs, the attestation shelf, and what an
attestation costs in memory."""
import gc
import random
import tracemalloc

import numpy as np
import pytest

from historiograph.link import QUOTATION, Attestation, LinkIndex, normalise
from historiograph.keyed_runs import KeyedRuns, RecordFile, SpilledRun, first, key_of
from historiograph.link_storage import AttestationShelf


@pytest.mark.parametrize("recent_entries, merge_ratio, spill_entries", [
    (KeyedRuns.RECENT_ENTRIES, 4, KeyedRuns.SPILL_ENTRIES),  # all in the recent lists
    (16, 4, KeyedRuns.SPILL_ENTRIES), (16, 1, KeyedRuns.SPILL_ENTRIES), (5, 2, KeyedRuns.SPILL_ENTRIES),  # in memory
    (16, 4, 40), (5, 2, 12), (16, 1, 100),  # through runs on disk and their merges, a few entries a chunk
])
def test_keyed_runs_give_each_key_its_values_oldest_first_and_keys_their_values_together(recent_entries, merge_ratio, spill_entries, monkeypatch):
    monkeypatch.setattr(KeyedRuns, "RECENT_ENTRIES", recent_entries)
    monkeypatch.setattr(KeyedRuns, "MERGE_RATIO", merge_ratio)
    monkeypatch.setattr(KeyedRuns, "SPILL_ENTRIES", spill_entries)
    monkeypatch.setattr(SpilledRun, "FENCE", 4)
    monkeypatch.setattr(SpilledRun, "CHUNK", 7)
    rng = random.Random(5)
    keys = [rng.getrandbits(64) for _ in range(40)]  # few keys: many values each, across runs
    runs, in_bulk, expected = KeyedRuns(), KeyedRuns(), {}
    for value in range(600):
        chosen = rng.choices(keys, k=rng.randint(1, 6))  # a key twice in one insert is entered once
        runs.insert(chosen, value)
        if value % 50 == 0:  # the same entries, some in bulk: in their order, among the others
            in_bulk.extend(np.array(chosen, np.uint64), np.full(len(chosen), value))
        else:
            in_bulk.insert(chosen, value)
        for key in dict.fromkeys(chosen):
            expected.setdefault(key, []).append(value)
        if value % 97 == 0:
            probe = rng.sample(keys, 10) + [rng.getrandbits(64)]
            assert runs.each(probe) == [expected.get(key, []) for key in probe]
            assert entries(runs, probe) == entries(in_bulk, probe) == expected_entries(expected, probe)
    assert runs.each(keys) == in_bulk.each(keys) == [expected.get(key, []) for key in keys]
    assert entries(runs, keys) == expected_entries(expected, keys)
    assert runs.each([]) == [] and entries(runs, []) == []
    assert spill_entries > 1000 or any(isinstance(run, SpilledRun) for run in runs._runs)
    runs.compact()
    assert len(runs._runs) == 1 and runs.each(keys) == [expected.get(key, []) for key in keys]


def entries(runs, keys):
    at, values = runs.entries(np.array(keys, np.uint64))
    return sorted(zip(at.tolist(), values.tolist()))


def expected_entries(expected, keys):
    return sorted((at, value) for at, key in enumerate(keys) for value in expected.get(key, []))


def test_shelf_reads_back_every_record_from_the_file_and_the_buffer(monkeypatch):
    monkeypatch.setattr(RecordFile, "BUFFERED", 300)  # records straddle what is written out
    monkeypatch.setattr(AttestationShelf, "CACHED", 3)
    shelf = AttestationShelf(lambda fields: ("made", fields))
    records = [((f"doc{n}", "q1", "é" * (n % 17)), bytes([n % 256]) * (n % 9)) for n in range(200)]
    for number, (fields, signatures) in enumerate(records):
        assert shelf.append(fields, signatures, ("made", fields)) == number
    assert len(shelf) == 200
    for number in random.Random(2).sample(range(200), 200):
        assert shelf[number] == ("made", records[number][0])
        assert shelf.signatures(number) == records[number][1]
    assert list(shelf)[7] == ("made", records[7][0])


def test_keys_only_propose_and_first_takes_the_one_asked_for():
    assert key_of("p", "a", "b") == key_of("p", "a", "b") != key_of("p", "a b")
    assert first([3, 5, 8], lambda value: value > 4) == 5
    assert first([3], lambda value: value > 4) is None


def quotation(number: int, rng: random.Random, vocabulary: list[str]) -> Attestation:
    return Attestation(document_id=f"d{number}", item_id="q1", kind=QUOTATION, text=" ".join(rng.choices(vocabulary, k=6)),
                       context=" ".join(rng.choices(vocabulary, k=40)))


def test_an_attestation_costs_the_index_a_few_hundred_bytes_not_its_text(monkeypatch):
    """The index once kept every attestation as objects (about 3 KB each with the word sets read
    to compare it); now its words and context are on the shelf, and what grows is a few arrays
    and its keyed entries: 12 bytes each, some 40 for a one-window quotation. The caches, which
    do not grow with the index, are made small to see past them."""
    monkeypatch.setattr(KeyedRuns, "RECENT_ENTRIES", 1024)
    monkeypatch.setattr(AttestationShelf, "CACHED", 16)
    monkeypatch.setattr(RecordFile, "BUFFERED", 4096)
    rng = random.Random(11)
    vocabulary = [f"word{n}" for n in range(5000)]
    index = LinkIndex()

    def traced_after(numbers: range) -> int:
        index.add_signed((quotation(n, rng, vocabulary), None) for n in numbers)
        normalise.cache_clear()
        gc.collect()
        return tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    try:
        before = traced_after(range(500))
        added = 2000
        grown = traced_after(range(500, 500 + added)) - before
    finally:
        tracemalloc.stop()
    assert len(index) == 500 + added
    assert grown / added < 800, f"{grown / added:.0f} bytes an attestation"


def test_a_run_on_disk_keeps_a_few_keys_of_each_chunk_in_memory_not_the_chunk():
    """A spilled run keeps its fences (every FENCE-th key) in memory. Kept as views, they held
    every chunk until the run was written: 8 bytes a key of the run at the peak, some 560 MB for
    the merge plan of a 1 GB corpus."""
    chunk, chunks = 100_000, 40

    def written():
        for n in range(chunks):
            yield np.arange(n * chunk, (n + 1) * chunk, dtype=np.uint64), np.full(chunk, n, np.int32)

    tracemalloc.start()
    try:
        run = SpilledRun(written())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    at, values = run.entries(np.array([chunk * chunks - 1, 5, chunk * chunks], np.uint64))
    assert len(run) == chunk * chunks and at.tolist() == [0, 1] and values.tolist() == [chunks - 1, 0]
    assert peak < chunk * chunks * 8 / 5, f"a peak of {peak} bytes for {chunk * chunks} keys"
    run.close()
