"""What the merge plan and the link index keep of the whole corpus, without their memory growing
with it: ``KeyedRuns``, a multimap of 64-bit keys to numbers (their lookup tables), and
``RecordFile``, records on disk read back by number.

KeyedRuns' entries are sorted numpy arrays (12 bytes an entry, where a dict of lists takes some
100), the newest in flat lists; big runs of them go to temporary files.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from array import array
from typing import Callable, Iterable, Iterator, Optional

import numpy as np

KEY_MASK = (1 << 64) - 1


def key_of(*parts: str) -> int:
    """A 64-bit key for some strings, stable within the process (the index lives in one).
    Keys only propose: whoever reads a value checks it is the one asked for, where it matters."""
    return hash(parts) & KEY_MASK


def stable_key(text: str) -> int:
    """A 64-bit key for a string, the same in every process (a Dask worker's and its client's)."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class KeyedRuns:
    """A multimap from 64-bit keys to numbers (attestations, copies), for an index that only grows.

    The newest entries are in flat lists with a dict from each key to its latest entry (each
    entry points to the one before it with that key); the rest are in sorted runs merged when
    a new one comes near the size of the last, so a lookup searches few of them. Runs that grow
    past SPILL_ENTRIES are kept on disk (``SpilledRun``): memory stays flat however large the
    index. A key's values come back in the order they were inserted: runs hold ever newer
    entries, and a merge is stable.
    """

    # Entries gathered in the lists before they become a sorted run.
    RECENT_ENTRIES = 1 << 15
    # A new run is merged into the last while that is at most this many times its size: the
    # runs shrink at least fourfold from the oldest, so a lookup searches few of them, and an
    # entry is merged again a few times per fourfold growth of the index.
    MERGE_RATIO = 4
    # A run this big (48 MB) goes to disk.
    SPILL_ENTRIES = 1 << 22

    def __init__(self) -> None:
        self._runs: list[MemoryRun | SpilledRun] = []  # oldest first
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
            for run in self._runs:
                for i, numbers in run.hits(query):
                    found[i].extend(numbers.tolist())
        for i, entry in enumerate(map(self._latest.get, keys)):
            if entry is not None:
                newest_first = []
                while entry >= 0:
                    newest_first.append(self._recent_values[entry])
                    entry = self._earlier[entry]
                found[i].extend(reversed(newest_first))
        return found

    def extend(self, keys: np.ndarray, values: np.ndarray) -> None:
        """Enter each value under the key beside it, as ``insert`` would one value at a time in
        this order (a key given twice with one value is entered once): an index built in bulk
        skips the recent lists."""
        if self._recent_keys:
            self._flush()
        run = MemoryRun.sorted(np.asarray(keys, np.uint64), np.asarray(values, np.int32))
        # equal entries are side by side once sorted (a stable sort of the keys keeps values in order)
        kept = np.ones(len(run), bool)
        kept[1:] = (run.keys[1:] != run.keys[:-1]) | (run.numbers[1:] != run.numbers[:-1])
        if len(run):
            self._append(MemoryRun(run.keys[kept], run.numbers[kept]))

    def entries(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in the query, value) of every entry under a query key, as two arrays in no
        order: ``each`` for lookups of many keys at once, without a list per key."""
        found = [run.entries(query) for run in self._runs]
        recent_at, recent = [], []
        for at, entry in enumerate(map(self._latest.get, query.tolist() if self._latest else ())):
            while entry is not None and entry >= 0:
                recent_at.append(at)
                recent.append(self._recent_values[entry])
                entry = self._earlier[entry]
        return (np.concatenate([np.empty(0, np.int64), *(at for at, _ in found), np.array(recent_at, np.int64)]),
                np.concatenate([np.empty(0, np.int32), *(values for _, values in found), np.array(recent, np.int32)]))

    def compact(self) -> None:
        """All entries in one run, for an index that is done growing and will be searched many
        times: each lookup then searches once."""
        if self._recent_keys:
            self._flush()
        while len(self._runs) > 1:
            newer, older = self._runs.pop(), self._runs.pop()
            if isinstance(newer, MemoryRun):
                self._runs.append(self._merged(older, newer))
            else:
                self._runs.append(SpilledRun(merged_chunks(older, newer)))
                older.close()
                newer.close()

    def _flush(self) -> None:
        run = MemoryRun.sorted(np.array(self._recent_keys, dtype=np.uint64), np.array(self._recent_values, dtype=np.int32))
        for recent in (self._recent_keys, self._recent_values, self._earlier, self._latest):
            recent.clear()
        self._append(run)

    def _append(self, run: MemoryRun) -> None:
        """A run of newer entries than any held, merged with the last runs while they are not
        much bigger, and kept on disk once it is big."""
        while self._runs and len(self._runs[-1]) <= self.MERGE_RATIO * len(run):
            run = self._merged(self._runs.pop(), run)
        if isinstance(run, MemoryRun) and len(run) >= self.SPILL_ENTRIES:
            run = SpilledRun(run.chunks())
        self._runs.append(run)

    def _merged(self, older: MemoryRun | SpilledRun, newer: MemoryRun) -> MemoryRun | SpilledRun:
        if isinstance(older, MemoryRun) and len(older) + len(newer) < self.SPILL_ENTRIES:
            return older.merged(newer)
        merged = SpilledRun(merged_chunks(older, newer))
        older.close()
        return merged


class MemoryRun:
    """Sorted keys and their numbers, in memory."""

    def __init__(self, keys: np.ndarray, numbers: np.ndarray) -> None:
        self.keys, self.numbers = keys, numbers

    @classmethod
    def sorted(cls, keys: np.ndarray, numbers: np.ndarray) -> MemoryRun:
        order = keys.argsort(kind="stable")  # equal keys keep their order: oldest first
        return cls(keys[order], numbers[order])

    def __len__(self) -> int:
        return len(self.keys)

    def merged(self, newer: MemoryRun) -> MemoryRun:
        """This run and a newer one as one, this one's entries first among equal keys: each newer
        entry goes where a search puts it, after its equals, and the older fill the rest (no
        sort: the index's peak memory is its largest merge)."""
        size = len(self) + len(newer)
        at = self.keys.searchsorted(newer.keys, "right") + np.arange(len(newer))
        newer_slot = np.zeros(size, dtype=bool)
        newer_slot[at] = True
        keys, numbers = np.empty(size, np.uint64), np.empty(size, np.int32)
        keys[at], numbers[at] = newer.keys, newer.numbers
        keys[~newer_slot], numbers[~newer_slot] = self.keys, self.numbers
        return MemoryRun(keys, numbers)

    def hits(self, query: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        """(position in query, its numbers) for each query key found."""
        # one search finds where each key would be; only the keys there are searched again
        left = self.keys.searchsorted(query)
        hit = np.flatnonzero(self.keys[np.minimum(left, len(self.keys) - 1)] == query)
        if hit.size:
            right = self.keys.searchsorted(query[hit], "right").tolist()
            for i, start, end in zip(hit.tolist(), left[hit].tolist(), right):
                yield i, self.numbers[start:end]

    def entries(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        order = query.argsort(kind="stable")  # sorted, each search starts where the one before ended
        sorted_query = query[order]
        left = self.keys.searchsorted(sorted_query)
        found = self.keys[np.minimum(left, len(self.keys) - 1)] == sorted_query
        left, counts = left[found], self.keys.searchsorted(sorted_query[found], "right") - left[found]
        # the found keys' ranges of entries, laid end to end
        offsets = np.repeat(left - (np.cumsum(counts) - counts), counts)
        return np.repeat(order[found], counts), self.numbers[offsets + np.arange(len(offsets))]

    def chunks(self, size: int = 1 << 20) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for start in range(0, len(self), size):
            yield self.keys[start : start + size], self.numbers[start : start + size]

    def close(self) -> None:
        pass


class SpilledRun:
    """A sorted run in two temporary files (keys, numbers), with every FENCE-th key in memory:
    a key's entries are found with one read of a few kilobytes."""

    FENCE = 256
    CHUNK = 1 << 20  # entries read at a time when the run is merged

    def __init__(self, chunks: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
        self._keys = tempfile.TemporaryFile(prefix="historiograph-keys-")
        self._numbers = tempfile.TemporaryFile(prefix="historiograph-numbers-")
        fences, self._size = [], 0
        for keys, numbers in chunks:
            fences.append(keys[(-self._size) % self.FENCE :: self.FENCE].copy())  # a view would keep the chunk
            self._keys.write(np.ascontiguousarray(keys, dtype=np.uint64).tobytes())
            self._numbers.write(np.ascontiguousarray(numbers, dtype=np.int32).tobytes())
            self._size += len(keys)
        self._keys.flush()
        self._numbers.flush()
        self._fences = np.concatenate(fences) if fences else np.empty(0, np.uint64)

    def __len__(self) -> int:
        return self._size

    def hits(self, query: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        # a key's entries lie after the last fence below it and before the first fence above it
        starts = (np.maximum(self._fences.searchsorted(query, "left") - 1, 0) * self.FENCE).tolist()
        ends = np.minimum(self._fences.searchsorted(query, "right") * self.FENCE, self._size).tolist()
        for i, (start, end) in enumerate(zip(starts, ends)):
            if start < end:
                keys = self._read(self._keys, np.uint64, start, end)
                left, right = keys.searchsorted(query[i]), keys.searchsorted(query[i], "right")
                if right > left:
                    yield i, self._read(self._numbers, np.int32, start + left, start + right)

    def entries(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        hits = list(self.hits(query))
        return (np.repeat(np.array([at for at, _ in hits], np.int64), [len(numbers) for _, numbers in hits]),
                np.concatenate([np.empty(0, np.int32), *(numbers for _, numbers in hits)]))

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for start in range(0, self._size, self.CHUNK):
            end = min(start + self.CHUNK, self._size)
            yield self._read(self._keys, np.uint64, start, end), self._read(self._numbers, np.int32, start, end)

    def close(self) -> None:
        self._keys.close()
        self._numbers.close()

    @staticmethod
    def _read(file, dtype, start: int, end: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize
        return np.frombuffer(os.pread(file.fileno(), (end - start) * size, start * size), dtype=dtype)


def merged_chunks(older: MemoryRun | SpilledRun, newer: MemoryRun | SpilledRun) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Two sorted runs as one, a chunk at a time, the older run's entries first among equal keys.

    Each chunk takes every buffered key below the smallest last key buffered from a run with more
    to come: no later chunk can hold such a key."""
    streams = [_Buffered(older), _Buffered(newer)]
    while True:
        reading = [stream for stream in streams if not stream.done]
        bound = min((stream.keys[-1] for stream in reading), default=None)
        taken = [stream.take_below(bound) for stream in streams]
        keys = np.concatenate([keys for keys, _ in taken])
        if len(keys):
            order = keys.argsort(kind="stable")
            yield keys[order], np.concatenate([numbers for _, numbers in taken])[order]
        elif bound is None:
            return
        else:  # a run's buffer holds only the bound's key: read on
            for stream in reading:
                if stream.keys[-1] == bound:
                    stream.read_more()


class _Buffered:
    """A run read a chunk at a time; what is read and not yet taken is kept (never empty while
    there is more to read)."""

    def __init__(self, run: MemoryRun | SpilledRun) -> None:
        self._chunks = run.chunks()
        self.keys, self.numbers = np.empty(0, np.uint64), np.empty(0, np.int32)
        self.done = False
        self.read_more()

    def read_more(self) -> None:
        chunk = next(self._chunks, None)
        if chunk is None:
            self.done = True
        else:
            self.keys, self.numbers = np.concatenate([self.keys, chunk[0]]), np.concatenate([self.numbers, chunk[1]])

    def take_below(self, bound: Optional[int]) -> tuple[np.ndarray, np.ndarray]:
        """The buffered entries with keys below bound (all of them if None)."""
        cut = len(self.keys) if bound is None else int(self.keys.searchsorted(np.uint64(bound)))
        taken = self.keys[:cut], self.numbers[:cut]
        self.keys, self.numbers = self.keys[cut:], self.numbers[cut:]
        if not len(self.keys) and not self.done:
            self.read_more()
        return taken


class RecordFile:
    """Byte records appended to a temporary file and read back by number: in memory, 8 bytes a
    record (its offset) and the latest BUFFERED bytes, not yet written out."""

    BUFFERED = 1 << 20

    def __init__(self, prefix: str) -> None:
        self._file = tempfile.TemporaryFile(prefix=f"historiograph-{prefix}-")
        self._offsets = array("q", [0])  # record n is bytes offsets[n]..offsets[n + 1]
        self._written = 0  # bytes in the file; the rest are in _pending
        self._pending = bytearray()

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def append(self, record: bytes) -> int:
        """The record's number."""
        self._pending += record
        self._offsets.append(self._written + len(self._pending))
        if len(self._pending) >= self.BUFFERED:
            self._write_out()
        return len(self) - 1

    def __getitem__(self, number: int) -> bytes:
        start, end = self._offsets[number], self._offsets[number + 1]
        if start >= self._written:
            return bytes(self._pending[start - self._written : end - self._written])
        self._write_out()  # a record may straddle the two
        return os.pread(self._file.fileno(), end - start, start)

    def _write_out(self) -> None:
        if self._pending:
            os.pwrite(self._file.fileno(), self._pending, self._written)
            self._written += len(self._pending)
            self._pending.clear()


def first(values: list[int], accept: Callable[[int], bool]) -> Optional[int]:
    """The oldest value that really is the one asked for (keys only propose)."""
    return next((value for value in values if accept(value)), None)
