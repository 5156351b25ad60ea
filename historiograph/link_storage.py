"""Where a link index keeps its attestations, so that its memory hardly grows with the corpus.

Kept as Python objects (texts, contexts, the word sets read when comparing), attestations
came to some 3 KB each in the index, thirty times the text linked. On the shelf they are an
append-only temporary file, with the latest and the lately compared at hand; the index keeps
a few numbers an attestation and its lookup entries (``keyed_runs.KeyedRuns``).
"""
from __future__ import annotations

import os
import pickle
import tempfile
from array import array
from collections import OrderedDict
from typing import Callable, Iterator


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
