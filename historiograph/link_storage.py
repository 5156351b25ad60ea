"""Where a link index keeps what it holds, so that its memory hardly grows with the corpus.

A ``LinkIndex`` holds every attestation ever linked. Kept as Python objects (texts, contexts,
the word sets read when comparing, dicts of postings) that came to some 3 KB an attestation,
thirty times the text linked. Here attestations live in an append-only temporary file
(``AttestationShelf``) with the latest and the lately compared at hand, and every lookup table
is one ``KeyedRuns``: 64-bit keys in sorted numpy arrays, 12 bytes an entry.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections import OrderedDict
from typing import Callable, Iterator, Optional

import numpy as np

KEY_MASK = (1 << 64) - 1


def key_of(*parts: str) -> int:
    """A 64-bit key for some strings, stable within the process (the index lives in one).
    Keys only propose: whoever reads a value checks it is the one asked for, where it matters."""
    return hash(parts) & KEY_MASK


class KeyedRuns:
    """A multimap from 64-bit keys to attestation numbers, for an index that only grows.

    The newest entries are in flat lists with a dict from each key to its latest entry (each
    entry points to the one before it with that key); the rest are in sorted numpy runs merged
    like a binary counter, so a lookup searches a few runs. A key's values come back in the
    order they were inserted: runs hold ever newer entries, and a merge is stable.
    """

    # Entries gathered in the lists before they become a sorted run.
    RECENT_ENTRIES = 1 << 15
    # A new run is merged into the last while that is at most this many times its size: the
    # runs shrink at least fourfold from the oldest, so a lookup searches few of them, and an
    # entry is merged again a few times per fourfold growth of the index.
    MERGE_RATIO = 4

    def __init__(self) -> None:
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # (sorted keys, numbers), oldest first
        self._recent_keys: list[int] = []
        self._recent_values: list[int] = []
        self._earlier: list[int] = []  # per recent entry, the one before it with its key, or -1
        self._latest: dict[int, int] = {}  # key -> its latest recent entry

    def insert(self, keys: list[int], value: int) -> None:
        """Enter value under each key (a key given twice is entered once)."""
        keys = list(dict.fromkeys(keys))
        start = len(self._recent_keys)
        self._earlier.extend([self._latest.get(key, -1) for key in keys])
        self._latest.update(zip(keys, range(start, start + len(keys))))
        self._recent_keys.extend(keys)
        self._recent_values.extend([value] * len(keys))
        if len(self._recent_keys) >= self.RECENT_ENTRIES:
            self._flush()

    def each(self, keys: list[int]) -> list[list[int]]:
        """Every value of each key, oldest first."""
        found: list[list[int]] = [[] for _ in keys]
        if self._runs:
            query = np.fromiter(keys, np.uint64, len(keys))
            for run_keys, numbers in self._runs:
                # one search finds where each key would be; only the keys there are searched again
                left = run_keys.searchsorted(query)
                hit = np.flatnonzero(run_keys[np.minimum(left, len(run_keys) - 1)] == query)
                if hit.size:
                    right = run_keys.searchsorted(query[hit], "right").tolist()
                    for i, start, end in zip(hit.tolist(), left[hit].tolist(), right):
                        found[i].extend(numbers[start:end].tolist())
        for i, entry in enumerate(map(self._latest.get, keys)):
            if entry is not None:
                newest_first = []
                while entry >= 0:
                    newest_first.append(self._recent_values[entry])
                    entry = self._earlier[entry]
                found[i].extend(reversed(newest_first))
        return found

    def _flush(self) -> None:
        run = _sorted_run(np.array(self._recent_keys, dtype=np.uint64), np.array(self._recent_values, dtype=np.int32))
        for recent in (self._recent_keys, self._recent_values, self._earlier, self._latest):
            recent.clear()
        while self._runs and len(self._runs[-1][0]) <= self.MERGE_RATIO * len(run[0]):
            older_keys, older_numbers = self._runs.pop()
            run = _sorted_run(np.concatenate([older_keys, run[0]]), np.concatenate([older_numbers, run[1]]))
        self._runs.append(run)


def _sorted_run(keys: np.ndarray, numbers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = keys.argsort(kind="stable")
    return keys[order], numbers[order]


class AttestationShelf:
    """Records appended to a temporary file and read back by number; the latest and the most
    lately read are kept (built by ``make``) in a small cache.

    Each record is an attestation's fields and its packed window signatures: what the index
    compares, and what the store saves.
    """

    CACHED = 4096
    # Bytes gathered before they are written out.
    BUFFERED = 1 << 20

    def __init__(self, make: Callable[[tuple], object]) -> None:
        self._make = make
        self._file = tempfile.TemporaryFile(prefix="historiograph-links-")
        self._offsets = array("q", [0])  # record n is bytes offsets[n]..offsets[n + 1]
        self._written = 0  # bytes in the file; the rest are in _pending
        self._pending = bytearray()
        self._cache: OrderedDict[int, object] = OrderedDict()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def append(self, fields: tuple, signatures: bytes, item: object) -> int:
        self._pending += pickle.dumps((fields, signatures), protocol=pickle.HIGHEST_PROTOCOL)
        self._offsets.append(self._written + len(self._pending))
        if len(self._pending) >= self.BUFFERED:
            self._write_out()
        number = len(self) - 1
        self._keep(number, item)
        return number

    def __getitem__(self, number: int):
        item = self._cache.get(number)
        if item is None:
            item = self._make(self._record(number)[0])
            self._keep(number, item)
        else:
            self._cache.move_to_end(number)
        return item

    def __iter__(self) -> Iterator:
        return (self[number] for number in range(len(self)))

    def signatures(self, number: int) -> bytes:
        return self._record(number)[1]

    def close(self) -> None:
        self._file.close()

    def _record(self, number: int) -> tuple[tuple, bytes]:
        start, end = self._offsets[number], self._offsets[number + 1]
        if start >= self._written:
            data = bytes(self._pending[start - self._written : end - self._written])
        else:
            self._write_out()  # a record may straddle the two
            data = os.pread(self._file.fileno(), end - start, start)
        return pickle.loads(data)

    def _write_out(self) -> None:
        if self._pending:
            os.pwrite(self._file.fileno(), self._pending, self._written)
            self._written += len(self._pending)
            self._pending.clear()

    def _keep(self, number: int, item: object) -> None:
        self._cache[number] = item
        if len(self._cache) > self.CACHED:
            self._cache.popitem(last=False)


def first(values: list[int], accept: Callable[[int], bool]) -> Optional[int]:
    """The oldest value that really is the one asked for (keys only propose)."""
    return next((value for value in values if accept(value)), None)
