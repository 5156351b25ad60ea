"""The pipeline on a dask.distributed cluster: ``historiograph run --dask [SCHEDULER_ADDRESS]``.

The same three passes as the single-process run (see stream.py), each a task per partition of
files: pass 1 counts short lines and saves the sources, pass 2 cleans and sketches the copies,
and the client works out the merge plan from what pass 2 returns (signatures and shingle keys;
only the few copies whose shingles are contained are read again, to align their paragraphs).
Pass 3 is the shuffle by merge key (a group of confirmed copies of one article, or the copy
itself): the client routes every copy to the bucket of its key (buckets are ranges of the
single-process run's order, of about equal text), and each bucket task reads the files holding
its copies again, so all copies of an article meet in one task, which builds the Documents,
parses and extracts them with its worker's one spaCy pipeline, and saves them. Moving file
names rather than cleaned texts keeps the tasks' inputs tiny, and a task rerun after its
worker died needs nothing that worker held; every task's writes are idempotent, so it adds
nothing twice and loses nothing. Each task also returns its documents' JSONL lines and link
attestations with their MinHash signatures (the part of linking that needs no index); the
client adds them to the link index bucket by bucket, in the single-process run's order (the
same clusters under the same ids), while later buckets are still parsed, and writes the lines
with their cluster ids at the end, as the single-process run does.
"""
from __future__ import annotations

import bisect
import math
import sys
import tempfile
import threading
from array import array
from collections import Counter, deque
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple, Optional, TextIO

import dask
from distributed import Client, LocalCluster

from .clean import LineCounts, RepeatedLines
from .model import Cleaned
from .parse import load_pipeline
from .export.jsonl import document_json
from .link import signed_attestations
from .pipeline import Progress, Report, Settings, bulk_collection, extract, link_document, write_linked
from .store import Store
from .store.links import linking
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
# imported them again, 1.8 s of a 200k-word run's 19 s (fork is unsafe on macOS).
LOCAL_WORKER_CONFIG = {
    "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1, "MKL_NUM_THREADS": 1, "OPENBLAS_NUM_THREADS": 1},
    "distributed.worker.profile.enabled": False,
    "distributed.worker.multiprocessing-method": "fork" if sys.platform == "linux" else "spawn",
}
# How long to wait for a scheduler given by address before saying it cannot be reached.
SCHEDULER_TIMEOUT = "10s"
# Buckets of pass 3 per file partition: small tasks keep both workers busy to the end.
BUCKETS_PER_PARTITION = 2
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
_lock = threading.Lock()


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


def partitions(files: FileList, size: int) -> Iterator[Partition]:
    """The files in partitions of ``size``, made as they are submitted."""
    for start in range(0, len(files), size):
        yield partition(files, range(start, min(start + size, len(files))))


def partition(files: FileList, numbers: Iterable[int]) -> Partition:
    return [(number, files[number]) for number in numbers]


# --- tasks -----------------------------------------------------------------------------------
def scan_partition(part: Partition, url: str, max_bytes: int) -> tuple[LineCounts, Pass]:
    """Pass 1: short-line counts and the sources saved."""
    found = Pass()
    sources = numbered_sources(part, max_bytes, found.errors)
    counts = count_lines(sources, found, worker_store(url).save_sources)
    return counts, found


def sketch_partition(part: Partition, repeated: RepeatedLines, max_bytes: int) -> tuple[list[Sketch], Pass]:
    """Pass 2: a signature per cleaned copy."""
    found = Pass()
    copies = cleaned_copies(numbered_sources(part, max_bytes), repeated, found)
    return [sketch(place, copy) for place, copy in copies], found


def load_pipelines(client: Client, model: str) -> list:
    """Futures that load the spaCy pipeline in every worker (elsewhere if one dies meanwhile),
    whenever no other task is ready to run."""
    return [client.submit(load_worker_pipeline, model, workers=[address], allow_other_workers=True, priority=-1,
                          pure=False)
            for address in client.scheduler_info()["workers"]]


def load_worker_pipeline(model: str) -> None:
    worker_pipeline(model)


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
                 settings: Settings, url: str) -> tuple[list[Built], Report]:
    """Pass 3 for one bucket: its copies read again from their files, merged, parsed, extracted
    and saved. Inputs are file names, not texts: a rerun on another worker after a death needs
    nothing the dead worker held."""
    keyed: dict[tuple, list[tuple[Place, Cleaned]]] = {}
    for place, copy in cleaned_copies(numbered_sources(part, settings.max_bytes), repeated):
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
    with bulk_collection():
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
    report = Report()
    files = list_files(paths, report.errors)
    report.files_read = len(files)
    store.engine.dispose()  # no database connection of ours is shared with a forked worker
    with connect(address) as client:
        window = TASKS_PER_WORKER * max(1, len(client.scheduler_info()["workers"]))
        counts = LineCounts()
        scans = ((part,) for part in partitions(files, partition_files))
        for part_counts, found in mapped_in_order(client, scan_partition, scans, window, url=store.url,
                                                  max_bytes=settings.max_bytes):
            counts.update(part_counts)
            add_found(report, found)
        repeated = counts.repeated(report.sources)
        del counts
        repeated_future = shared(client, repeated)
        sketches = ((part,) for part in partitions(files, partition_files))
        sketched = mapped_in_order(client, sketch_partition, sketches, window, repeated=repeated_future,
                                   max_bytes=settings.max_bytes)
        loading = load_pipelines(client, settings.model)  # when a worker has no pass 2 task: mostly during the plan
        places, sizes = Places(), array("q")
        plan = MergePlan(streamed_sketches(sketched, report, places, sizes), settings.merge_threshold,
                         copy_reader(files, repeated, settings.max_bytes))
        bounds = bucket_bounds(zip(places, sizes), plan, math.ceil(len(files) / partition_files) * BUCKETS_PER_PARTITION)
        routed = bucket_files(places, plan, bounds)
        del places, sizes
        client.gather(loading)  # a missing model is reported here, before pass 3
        # as in pipeline.run, the lines wait on disk for the cluster ids of the finished index
        with tempfile.TemporaryFile("w+", encoding="utf-8") as unlinked, tempfile.TemporaryFile() as placed:
            with linking(store.engine) as index:
                linked = shuffle(client, window, files, routed, bounds, repeated_future, plan, settings, store.url,
                                 report, progress)
                for built in linked:
                    unlinked.write(built.line)
                    link_document(index, built.signed, placed)
            write_linked(index, unlinked, placed, jsonl)
    return report


def shuffle(client: Client, window: int, files: FileList, routed: list[array], bounds: list[Place], repeated,
            plan: MergePlan, settings: Settings, url: str, report: Report, progress: Optional[Progress]) -> Iterator[Built]:
    """Pass 3: each bucket of merge keys built into Documents by one task. Buckets are submitted,
    run and taken back in the single-process run's order (they hold about equal text), so that
    the client links each as it comes (the same clusters under the same ids) while later ones
    are still parsed; only the last is left to link when the workers are done."""
    plan_future, bounds_future = shared(client, plan), shared(client, bounds)  # sent once to each worker
    buckets = ((bucket, partition(files, numbers)) for bucket, numbers in enumerate(routed) if numbers)
    seen: set[str] = set()
    extracted = 0
    for built, part_report in mapped_in_order(client, build_bucket, buckets, window, bounds=bounds_future, repeated=repeated,
                                              plan=plan_future, settings=settings, url=url):
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
