"""Where a link index keeps its attestations, so that its memory hardly grows with the corpus.

Kept as Python objects (texts, contexts, the word sets read when comparing), attestations
came to some 3 KB each in the index, thirty times the text linked. On the shelf they are an
append-only temporary file, with the latest and the lately compared at hand; the index keeps
a few numbers an attestation and its lookup entries (``keyed_runs.KeyedRuns``).
"""
from __future__ import annotations

import pickle
from collections import OrderedDict
from typing import Callable, Iterator

from .keyed_runs import RecordFile


class AttestationShelf:
    """Attestations in a ``RecordFile``, read back by number; the latest and the most lately read
    are kept (built by ``make``) in a small cache.

    Each record is an attestation's fields and its packed window signatures: what the index
    compares, and what the store saves.
    """

    CACHED = 4096

    def __init__(self, make: Callable[[tuple], object]) -> None:
        self._make = make
        self._records = RecordFile("links")
        self._cache: OrderedDict[int, object] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def append(self, fields: tuple, signatures: bytes, item: object) -> int:
        number = self._records.append(pickle.dumps((fields, signatures), protocol=pickle.HIGHEST_PROTOCOL))
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

    def _record(self, number: int) -> tuple[tuple, bytes]:
        return pickle.loads(self._records[number])

    def _keep(self, number: int, item: object) -> None:
        self._cache[number] = item
        if len(self._cache) > self.CACHED:
            self._cache.popitem(last=False)
