"""The pipeline on a dask.distributed cluster: ``historiograph run --dask [SCHEDULER_ADDRESS]``.

The same three passes as the single-process run (see stream.py), each a task per partition of
files: pass 1 counts short lines and saves the sources, pass 2 cleans and sketches the copies,
and the client works out the merge plan from what pass 2 returns (signatures and shingle keys).
Its candidate pairs are a shuffle by MinHash band key (``shuffled_pairs``: tasks key chunks of
copies and split the keys into shares, a task per share indexes and queries its own); the client
confirms them (only the few copies whose shingles are contained are read again, to align their
paragraphs).
Pass 3 is the shuffle by merge key (a group of confirmed copies of one article, or the copy
itself): the client routes every copy to the bucket of its key (buckets are ranges of the
single-process run's order, of about equal text), and each bucket task reads the files holding
its copies again, so all copies of an article meet in one task, which builds the Documents,
parses and extracts them with its worker's one spaCy pipeline, and saves them. Moving file
names rather than cleaned texts keeps the tasks' inputs tiny, and a task rerun after its
worker died needs nothing that worker held; every task's writes are idempotent, so it adds
nothing twice and loses nothing. Each task also returns its documents' JSONL lines and link
attestations with their MinHash signatures.

Linking is a shuffle by index entry (MinHash band, word pair, speaker; an event's terms): the
client numbers the attestations in the single-process run's order (so the same seqs, and the
same cluster ids) and stages them in the database; in rounds while pass 3 runs, each of a few
tasks adds them all to an index of its own share of the entries (``link.Share``), finding and
comparing only the candidates under those, and returns the joins it made (``LinkRounds``). The
union of the joins is the single index's clusters and matches, which the client saves, and
writes the lines with their cluster ids at the end, as the single-process run does.
"""
from __future__ import annotations

import bisect
import math
import operator
import sys
import tempfile
import threading
import uuid
from array import array
from collections import Counter, deque
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator, NamedTuple, Optional, TextIO

import dask
import numpy as np
from distributed import Client, LocalCluster, fire_and_forget

from .clean import LineCounts, RepeatedLines
from .merge import INDEXED, PLAN_CHUNK, QUERIED, BandShare, ContainmentIndex, band_entries
from .model import Cleaned
from .parse import load_pipeline, require_pipeline
from .export.jsonl import document_json
from .link import MATCHES, PLACED, RANK, LinkIndex, Share, signed_attestations, unpack_signatures
from .pipeline import Progress, Report, Settings, bulk_collection, extract, link_document, write_linked
from .store import Store
from .store.links import linking, load_index, stage, staged
from .stream import (
    FileList,
    MergePlan,
    Pass,
    Place,
    Places,
    Sketch,
    cleaned_copies,
    copy_reader,
    count_lines,
    finish,
    list_files,
    numbered_sources,
    sketch,
)

# Files per partition of passes 1-3: big enough that a task outweighs its scheduling.
PARTITION_FILES = 16
LOCAL_WORKERS = 2
# The workers we start ourselves: without distributed's MALLOC_TRIM_THRESHOLD_ (setting it
# stops glibc from raising its mmap threshold, so every large array spaCy allocates is a fresh
# mmap: 15% of a worker's time here) and without its sampling profiler (3%). On Linux they are
# forked from this process, which has imported spaCy and the extractors already: spawned, each
# imported them again, 1.8 s of a 200k-word run's 19 s (fork is unsafe on macOS). No work
# stealing: a stolen linking task leaves the worker that holds its share's index and reads it
# again from the database; the passes' tasks are handed out one per worker as each finishes
# (a saturation of 1), so there is nothing to balance. The event loops' ticks and monitors
# wake less often (the run's process hosts the scheduler and nannies): with all three, a
# 200k-word run took 17.2-17.6 s against 18.2-19.5 s, alternated.
LOCAL_WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,
    "distributed.worker.multiprocessing-method": "fork" if sys.platform == "linux" else "spawn",
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.worker-saturation": 1.0,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
}
# How long to wait for a scheduler given by address before saying it cannot be reached.
SCHEDULER_TIMEOUT = "10s"
# Shares of the merge plan's band keys per worker (a task each): a share's task holds its keys'
# entries for every copy, so more shares keep each smaller.
PLAN_SHARES_PER_WORKER = 2
# Buckets of pass 3 per file partition: small tasks keep both workers busy to the end.
BUCKETS_PER_PARTITION = 2
# Linking tasks per worker (the last task of all links every event: see link.Share).
LINK_TASKS_PER_WORKER = 1
# Attestations staged that start a round of linking (and the rest at the end): linked while
# later buckets are parsed, so that little is left when parsing is done, in tasks that each
# outweigh their scheduling.
LINK_ROUND = 1024
# Tasks of a pass submitted at a time, per worker: enough to keep every worker busy while the
# client takes the results in order.
TASKS_PER_WORKER = 4

Partition = list[tuple[int, Path]]


class Built(NamedTuple):
    """A document pass 3 built and saved, with what the client needs to link it."""

    order: Place  # where the single-process run builds it: at its key's last copy
    id: str
    signed: list  # its attestations with their window signatures (link.signed_attestations)
    line: str  # its JSONL line, cluster ids to be filled in


# One spaCy pipeline and one store per worker process, made by the first task that needs them
# (loading a model per task, or pickling one into each, would cost more than parsing).
_pipelines: dict[str, object] = {}
_stores: dict[str, Store] = {}
# The link index of each share a worker linked in the run's last round (see link_share).
_share_linkers: dict[tuple, "ShareLinker"] = {}
_lock = threading.Lock()
_parsing = threading.Lock()


def worker_pipeline(model: str):
    with _lock:
        if model not in _pipelines:
            _pipelines[model] = load_pipeline(model)
        return _pipelines[model]


def worker_store(url: str) -> Store:
    with _lock:
        if url not in _stores:
            _stores[url] = Store(url, migrated=True)  # by the client, before any task
        return _stores[url]


class SchedulerUnreachable(Exception):
    """Nothing answers at the scheduler address given."""


@contextmanager
def connect(address: Optional[str]) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a LocalCluster started for this run."""
    if address:
        try:
            client = Client(address, timeout=SCHEDULER_TIMEOUT)
        except OSError as error:
            raise SchedulerUnreachable(f"cannot reach the Dask scheduler at {address} ({error})") from None
        with client:
            yield client
        return
    with dask.config.set(LOCAL_WORKER_CONFIG), LocalCluster(
        n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as client:
        yield client


def threaded_workers(client: Client) -> list[str]:
    """A warning for each worker with more threads than it can use: it parses one batch at a time."""
    return [f"the Dask worker at {address} has {info['nthreads']} threads, but parses with one pipeline, one batch "
            f"at a time: start one worker per core with --nthreads 1"
            for address, info in client.scheduler_info()["workers"].items() if info["nthreads"] > 1]


def partitions(files: FileList, size: int) -> Iterator[Partition]:
    """The files in partitions of ``size``, made as they are submitted."""
    for start in range(0, len(files), size):
        yield partition(files, range(start, min(start + size, len(files))))


def partition(files: FileList, numbers: Iterable[int]) -> Partition:
    return [(number, files[number]) for number in numbers]


# --- tasks -----------------------------------------------------------------------------------
def scan_partition(part: Partition, url: str, max_bytes: int, root: Path) -> tuple[LineCounts, Pass]:
    """Pass 1: short-line counts and the sources saved. Every task reads relative paths below
    ``root``, the run's own directory: a worker may have been started in another."""
    found = Pass()
    sources = numbered_sources(part, max_bytes, found.errors, root)
    counts = count_lines(sources, found, worker_store(url).save_sources)
    return counts, found


def sketch_partition(part: Partition, repeated: RepeatedLines, max_bytes: int, root: Path) -> tuple[list[Sketch], Pass]:
    """Pass 2: a signature per cleaned copy."""
    found = Pass()
    copies = cleaned_copies(numbered_sources(part, max_bytes, root=root), repeated, found)
    return [sketch(place, copy) for place, copy in copies], found


def load_pipelines(client: Client, model: str) -> list:
    """Futures that load the spaCy pipeline in every worker (elsewhere if one dies meanwhile),
    whenever no other task is ready to run."""
    return [client.submit(load_worker_pipeline, model, workers=[address], allow_other_workers=True, priority=-1,
                          pure=False)
            for address in client.scheduler_info()["workers"]]


def load_worker_pipeline(model: str) -> None:
    worker_pipeline(model)


def shuffled_pairs(client: Client, index: ContainmentIndex) -> Iterator[tuple[int, int]]:
    """The merge plan's candidate pairs (``ContainmentIndex.pairs``) as a shuffle by band key: a
    task per chunk of copies works out their band keys and splits them into shares (by key), and
    a task per share indexes its keys of every copy, then finds what their queries meet under
    them. The client only sends the signatures out and takes the pairs back, in the index's order."""
    if len(index) < 2:
        return iter(())
    shares = PLAN_SHARES_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
    uppers, bands = index.bands.uppers(index.sizes), shared(client, index.bands)
    keyed: dict[str, list] = {INDEXED: [], QUERIED: []}
    for first in range(0, len(index), PLAN_CHUNK):
        numbers = range(first, min(first + PLAN_CHUNK, len(index)))
        signatures, sizes = index.signatures(numbers), index.sizes[numbers.start:numbers.stop].tolist()
        for role, chunks in keyed.items():
            chunks.append(client.submit(band_entries, bands, role, first, signatures, sizes, uppers, shares,
                                        pure=False))
    found = [client.submit(share_pairs, len(index), *([client.submit(operator.getitem, chunk, share, pure=False)
                                                       for chunk in keyed[role]] for role in (INDEXED, QUERIED)),
                           pure=False)
             for share in range(shares)]
    pairs = np.unique(np.concatenate([future.result() for future in found]))
    return BandShare(len(index)).pairs(pairs)


def share_pairs(count: int, indexed: list, queried: list) -> np.ndarray:
    """One share's candidate pairs (``merge.BandShare``): its keys of every copy indexed, then queried."""
    found = BandShare(count)
    for copies, keys in indexed:
        found.index(copies, keys)
    return np.concatenate([np.empty(0, np.int64), *(found.find(copies, keys) for copies, keys in queried)])


def bucket_bounds(sized: list[tuple[Place, int]], plan: MergePlan, buckets: int) -> list[Place]:
    """Pass 3's range partitioning, from each copy's place and size: the last place of each
    bucket but the last, so that buckets hold about the same amount of text and follow one
    another in the single-process run's order."""
    sizes: dict[Place, int] = Counter()
    for place, size in sized:
        sizes[plan.last_place(plan.key(place))] += size
    share, bounds, filled = sum(sizes.values()) / buckets, [], 0
    for place in sorted(sizes):
        filled += sizes[place]
        if filled >= share * (len(bounds) + 1) and len(bounds) < buckets - 1:
            bounds.append(place)
    return bounds


def bucket_of(key: tuple, plan: MergePlan, bounds: list[Place]) -> int:
    """The bucket of a merge key: all copies of an article meet in one task."""
    return bisect.bisect_left(bounds, plan.last_place(key))


def bucket_files(places: Iterable[Place], plan: MergePlan, bounds: list[Place]) -> list[array]:
    """Pass 3's routing, on the client: for each bucket, the numbers of the files holding its copies."""
    wanted: list[set[int]] = [set() for _ in range(len(bounds) + 1)]
    for place in places:
        wanted[bucket_of(plan.key(place), plan, bounds)].add(place[0])
    return [array("i", sorted(numbers)) for numbers in wanted]


def build_bucket(bucket: int, part: Partition, bounds: list[Place], repeated: RepeatedLines, plan: MergePlan,
                 settings: Settings, url: str, root: Path) -> tuple[list[Built], Report]:
    """Pass 3 for one bucket: its copies read again from their files, merged, parsed, extracted
    and saved. Inputs are file names, not texts: a rerun on another worker after a death needs
    nothing the dead worker held."""
    keyed: dict[tuple, list[tuple[Place, Cleaned]]] = {}
    for place, copy in cleaned_copies(numbered_sources(part, settings.max_bytes, root=root), repeated):
        key = plan.key(place)
        if bucket_of(key, plan, bounds) == bucket:
            keyed.setdefault(key, []).append((place, copy))
    report = Report()
    # the single-process run builds a key's document when it reads the key's last copy
    keys = sorted(keyed, key=plan.last_place)
    documents = [finish(plan.merge(key, keyed[key]), settings, report) for key in keys]
    order_of: dict[str, Place] = {}
    for key, document in zip(keys, documents):
        order_of.setdefault(document.id, plan.last_place(key))  # two files with one text: the first
    # one parse at a time in a worker: its threads share its pipeline, whose memory zones drop
    # the strings of every Doc in it when one thread's zone ends
    with _parsing, bulk_collection():
        extracted = list(extract(documents, settings, worker_pipeline(settings.model), report.errors))
    worker_store(url).save_all(extracted)
    return [Built(order_of[d.id], d.id, signed_attestations(d), document_json(d) + "\n") for d in extracted], report


# --- the run ---------------------------------------------------------------------------------
def run_distributed(
    paths: Iterable[str | Path],
    store: Store,
    jsonl: TextIO,
    settings: Optional[Settings] = None,
    address: Optional[str] = None,
    progress: Optional[Progress] = None,
    partition_files: int = PARTITION_FILES,
) -> Report:
    """``pipeline.run`` on a cluster: the same database and the same JSONL."""
    settings = settings or Settings()
    require_pipeline(settings.model)
    report = Report()
    files = list_files(paths, report.errors)
    report.files_read = len(files)
    url, root = store.url_anywhere(), Path.cwd()  # for workers started in another directory
    store.engine.dispose()  # no database connection of ours is shared with a forked worker
    with connect(address) as client:
        report.warnings.extend(threaded_workers(client))
        window = TASKS_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
        counts = LineCounts()
        scans = ((part,) for part in partitions(files, partition_files))
        for part_counts, found in mapped_in_order(client, scan_partition, scans, window, url=url,
                                                  max_bytes=settings.max_bytes, root=root):
            counts.update(part_counts)
            add_found(report, found)
        repeated = counts.repeated(report.sources)
        del counts
        repeated_future = shared(client, repeated)
        sketches = ((part,) for part in partitions(files, partition_files))
        sketched = mapped_in_order(client, sketch_partition, sketches, window, repeated=repeated_future,
                                   max_bytes=settings.max_bytes, root=root)
        loading = load_pipelines(client, settings.model)  # when a worker has no pass 2 task: mostly during the plan
        places, sizes = Places(), array("q")
        plan = MergePlan(streamed_sketches(sketched, report, places, sizes), settings.merge_threshold,
                         copy_reader(files, repeated, settings.max_bytes), lambda index: shuffled_pairs(client, index))
        bounds = bucket_bounds(zip(places, sizes), plan, math.ceil(len(files) / partition_files) * BUCKETS_PER_PARTITION)
        routed = bucket_files(places, plan, bounds)
        del places, sizes
        client.gather(loading)  # a worker without the model (set up unlike the client) fails here, before pass 3
        # as in pipeline.run, the lines wait on disk for the cluster ids of the finished index
        with tempfile.TemporaryFile("w+", encoding="utf-8") as unlinked, tempfile.TemporaryFile() as placed:
            with linking(store.engine, PLACED) as index:
                rounds = LinkRounds(client, index, store.engine, url)
                for built in shuffle(client, window, files, routed, bounds, repeated_future, plan, settings, url, root,
                                     report, progress):
                    unlinked.write(built.line)
                    rounds.place(built.signed, placed)
                rounds.finish()
            write_linked(index, unlinked, placed, jsonl)
    return report


class LinkRounds:
    """Linking on the workers, in rounds while pass 3 runs. The client places the attestations
    (numbers them in the single-process order, joins the very same words) and stages them in the
    database. A round links what was staged since the last one: a task per share of the index
    entries (``link_share``) adds it to the share's index, and the client joins what the tasks
    found, as they finish. Only the last round is left when the workers are done."""

    def __init__(self, client: Client, index: LinkIndex, engine, url: str) -> None:
        """``url``: the database's, as the workers read it (``Store.url_anywhere``)."""
        self.client, self.index, self.engine, self.url = client, index, engine, url
        self.linked = len(index)  # the first seq not yet in a round
        self.staging: list[int] = []
        self.running: list = []
        self.run = uuid.uuid4().hex
        self.workers = list(client.scheduler_info()["workers"])
        self.tasks = max(2, LINK_TASKS_PER_WORKER * len(self.workers))
        self.last: list = [None] * self.tasks  # each share's task of the last round

    def place(self, signed: list, placed: BinaryIO) -> None:
        before = len(self.index)
        link_document(self.index, signed, placed)
        self.staging.extend(range(before, len(self.index)))
        if len(self.index) - self.linked >= LINK_ROUND:
            self.next_round()

    def next_round(self) -> None:
        """Link what was staged since the last round in a new one, and join what the rounds that
        are done found. A share's task waits for its task of the round before, and runs where it
        did (it is handed its result), so that it finds the index that one left."""
        self._stage()
        end = len(self.index)
        if end > self.linked:
            for task in range(self.tasks):
                self.last[task] = self.client.submit(
                    link_share, task, self.tasks, self.url, self.run, self.linked, end, self.last[task],
                    pure=False, workers=[self.workers[task % len(self.workers)]], allow_other_workers=True)
                self.running.append(self.last[task])
            self.linked = end
        self._join([future for future in self.running if future.done()])

    def finish(self) -> None:
        self.next_round()
        self._join(self.running)
        self.last = []
        for worker in self.workers:  # their indexes are of no use to another run
            fire_and_forget(self.client.submit(drop_share_linkers, self.run, workers=[worker],
                                               allow_other_workers=True, pure=False))

    def _stage(self) -> None:
        stage(self.engine, self.index, self.staging)
        self.staging.clear()

    def _join(self, futures: list) -> None:
        for future in futures:
            seqs, others, ranks = future.result()
            for seq, other, rank in zip(seqs, others, ranks):
                self.index.join(seq, other, MATCHES[rank])
        self.running = [future for future in self.running if future not in futures]


def link_share(task: int, tasks: int, url: str, run: str, start: int, end: int,
               last_round=None) -> tuple[array, array, bytes]:
    """One share of a round of linking (``link.Share``): the attestations staged from ``start`` to
    ``end``, in seq order, each joined to the candidates found under this share's entries; the
    joins made (seq, the seq joined, the match's rank). The share's index is the one this worker
    kept from the share's last round (whose result is ``last_round``, unused); else the stored
    index and the attestations staged before ``start``, read from the database: a rerun after a
    worker died needs nothing that worker held. Those are restored as they were staged, not as
    the rounds joined them: an index that knows fewer joins only compares more, as any join
    it does not know of might not be true."""
    key = (url, run, task, tasks)
    with _lock:
        # a run on this database that died before its last round (one run links a database at a
        # time); other runs' may be linking on this worker now
        for stale in [other for other in _share_linkers if other[0] == url and other[1] != run]:
            del _share_linkers[stale]
        linker = _share_linkers.pop(key, None)
    engine = worker_store(url).engine
    if linker is None or len(linker.index) != start:
        linker = ShareLinker(engine, Share(task, tasks), start)
    found = linker.link(engine, start, end)
    with _lock:
        _share_linkers[key] = linker
    return found


class ShareLinker:
    """A share's index, and the joins it makes (as seq, seq joined, rank of the match)."""

    def __init__(self, engine, share: Share, start: int) -> None:
        self.index = load_index(engine, share, self._joined)
        for att, signatures, root, match in staged(engine, range(len(self.index), start)):
            self.index.restore(att, root, match, signatures)

    def link(self, engine, start: int, end: int) -> tuple[array, array, bytes]:
        self.seqs, self.others, self.ranks = array("i"), array("i"), bytearray()
        for att, signatures, _, _ in staged(engine, range(start, end)):
            self.index.add(att, unpack_signatures(signatures))
        return self.seqs, self.others, bytes(self.ranks)

    def _joined(self, seq: int, other: int, match: str) -> None:
        self.seqs.append(seq)
        self.others.append(other)
        self.ranks.append(RANK[match])


def drop_share_linkers(run: Optional[str] = None) -> None:
    """The share indexes this worker keeps for a run (for every run: None)."""
    with _lock:
        for key in [key for key in _share_linkers if run is None or key[1] == run]:
            del _share_linkers[key]


def shuffle(client: Client, window: int, files: FileList, routed: list[array], bounds: list[Place], repeated,
            plan: MergePlan, settings: Settings, url: str, root: Path, report: Report,
            progress: Optional[Progress]) -> Iterator[Built]:
    """Pass 3: each bucket of merge keys built into Documents by one task. Buckets are submitted,
    run and taken back in the single-process run's order (they hold about equal text), so that
    the client places each document's attestations as it comes (the same seqs and cluster ids)."""
    plan_future, bounds_future = shared(client, plan), shared(client, bounds)  # sent once to each worker
    buckets = ((bucket, partition(files, numbers)) for bucket, numbers in enumerate(routed) if numbers)
    built_buckets = mapped_in_order(client, build_bucket, buckets, window, bounds=bounds_future, repeated=repeated,
                                    plan=plan_future, settings=settings, url=url, root=root)
    seen: set[str] = set()
    extracted = 0
    for built, part_report in built_buckets:
        add_report(report, part_report)
        extracted += len(built)
        if progress:
            progress("extract", extracted, None)
        for each in sorted(built, key=lambda b: b.order):
            if each.id not in seen:  # two files with one text are one document
                seen.add(each.id)
                report.documents += 1
                yield each


def add_report(report: Report, part: Report) -> None:
    report.copies_merged += part.copies_merged
    report.errors.extend(part.errors)


def shared(client: Client, value: object):
    """A future holding ``value`` for many tasks, fetched once by each worker that needs it.
    Not scattered: the scheduler cannot recover scattered data from a worker that died (and may
    drop broadcast copies it thinks unneeded), while a task's result it can compute again."""
    return client.submit(held, value, pure=False)


def held(value: object) -> object:
    return value


def mapped_in_order(client: Client, task: Callable, calls: Iterable[tuple], window: int, **kwargs) -> Iterator:
    """``task(*call, **kwargs)`` for each call, at most ``window`` submitted at a time; the results
    in the calls' order, each released once taken. The calls not yet submitted wait on the client
    as a generator: neither it nor the scheduler holds a task per partition of the corpus."""
    pending: deque = deque()
    for call in calls:
        pending.append(client.submit(task, *call, pure=False, **kwargs))
        if len(pending) >= window:
            yield taken(pending.popleft())
    while pending:
        yield taken(pending.popleft())


def taken(future):
    result = future.result()
    future.release()
    return result


def streamed_sketches(results: Iterable[tuple[list[Sketch], Pass]], report: Report, places: Places,
                      sizes: array) -> Iterator[Sketch]:
    """Pass 2's sketches in the run's order, a partition at a time (the client never holds the
    corpus's shingle keys, some 8 bytes a word: the plan keeps them on disk); each copy's place
    and size are kept, for the buckets of pass 3."""
    for part, found in results:
        add_found(report, found)
        for each in part:
            places.append(each.place)
            sizes.append(each.size)
            yield each


def add_found(report: Report, found: Pass) -> None:
    report.sources += found.sources
    report.residue_dropped += found.residue_dropped
    report.errors.extend(found.errors)
