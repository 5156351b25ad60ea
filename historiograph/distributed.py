"""The pipeline on a dask.distributed cluster: ``historiograph run --dask [SCHEDULER_ADDRESS]``.

The same three passes as the single-process run (see stream.py), each a task per partition of
files: pass 1 counts short lines and saves the sources, pass 2 cleans and sketches the copies,
and the client works out the merge plan from the signatures alone. Pass 3 is a shuffle: each
file partition cleans its copies again and splits them into buckets by merge key (a component
of MinHash LSH candidates, or the copy itself), so all copies of an article meet in one bucket
task, which builds the Documents, parses and extracts them with its worker's one spaCy
pipeline, and saves them. Every task's writes are idempotent, so a task rerun after its worker
died adds nothing twice and loses nothing. Linking across documents then runs once, on the
client, exactly as in the single-process run (``pipeline.link_and_write``).
"""
from __future__ import annotations

import threading
import zlib
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator, Optional, TextIO

from distributed import Client, LocalCluster, as_completed
from distributed.client import FutureCancelledError as CancelledError
from distributed.scheduler import KilledWorker

from .clean import repeated_among
from .model import Cleaned
from .parse import load_pipeline
from .pipeline import Progress, Report, Settings, extract, link_and_write
from .store import Store
from .stream import MergePlan, Pass, Place, Sketch, cleaned_copies, count_lines, finish, list_files, numbered_sources, sketch

# Files per partition of passes 1-3: big enough that a task outweighs its scheduling.
PARTITION_FILES = 16
LOCAL_WORKERS = 2
# How often a bucket is rebuilt after losing its worker before the run gives up.
BUCKET_RETRIES = 3

Partition = list[tuple[int, Path]]

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
            _stores[url] = Store(url)
        return _stores[url]


@contextmanager
def connect(address: Optional[str]) -> Iterator[Client]:
    """A client of the scheduler at ``address``, or of a LocalCluster started for this run."""
    if address:
        with Client(address) as client:
            yield client
        return
    with LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        yield client


def partitions(files: list[tuple[int, Path]], size: int) -> list[Partition]:
    return [files[i : i + size] for i in range(0, len(files), size)]


# --- tasks -----------------------------------------------------------------------------------
def scan_partition(part: Partition, url: str, max_bytes: int) -> tuple[Counter, Pass]:
    """Pass 1: short-line counts and the sources saved."""
    found = Pass()
    sources = numbered_sources(part, max_bytes, found.errors)
    counts = count_lines(sources, found, worker_store(url).save_sources)
    return counts, found


def sketch_partition(part: Partition, repeated: frozenset[str], max_bytes: int) -> tuple[list[Sketch], Pass]:
    """Pass 2: a signature per cleaned copy."""
    found = Pass()
    copies = cleaned_copies(numbered_sources(part, max_bytes), repeated, found)
    return [sketch(place, copy) for place, copy in copies], found


def bucket_copies(part: Partition, repeated: frozenset[str], plan: MergePlan, buckets: int, max_bytes: int) -> list[list]:
    """Pass 3, map side of the shuffle: the partition's copies in buckets by merge key."""
    out: list[list[tuple[tuple, Place, Cleaned]]] = [[] for _ in range(buckets)]
    for place, copy in cleaned_copies(numbered_sources(part, max_bytes), repeated):
        key = plan.key(place)
        out[bucket_of(key, buckets)].append((key, place, copy))
    return out


def bucket_of(key: tuple, buckets: int) -> int:
    """A bucket number that is the same in every process (``hash`` of a str is not)."""
    return zlib.crc32(repr(key).encode("utf-8")) % buckets


def pick(parts: list[list], bucket: int) -> list:
    return parts[bucket]


def build_bucket(plan: MergePlan, settings: Settings, url: str, *pieces: list) -> tuple[list[str], Report]:
    """Pass 3, reduce side: one bucket's Documents merged, parsed, extracted, saved; their ids."""
    keyed: dict[tuple, list[tuple[Place, Cleaned]]] = {}
    for piece in pieces:
        for key, place, copy in piece:
            keyed.setdefault(key, []).append((place, copy))
    report = Report()
    documents = (finish(d, settings, report) for key in sorted(keyed) for d in plan.merge(key, keyed[key]))
    extracted = list(extract(documents, settings, worker_pipeline(settings.model)))
    worker_store(url).save_all(extracted)
    return [d.id for d in extracted], report


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
    """``pipeline.run`` on a cluster: the same database and JSONL lines (in another order)."""
    settings = settings or Settings()
    report = Report()
    files = list(enumerate(list_files(paths, report.errors)))
    report.files_read = len(files)
    parts = partitions(files, partition_files)
    with connect(address) as client:
        scans = client.gather(client.map(scan_partition, parts, url=store.url, max_bytes=settings.max_bytes, pure=False))
        repeated = repeated_among(sum((counts for counts, _ in scans), Counter()), sum(p.sources for _, p in scans))
        add_found(report, [found for _, found in scans])
        report.sources = sum(found.sources for _, found in scans)
        [repeated_future] = client.scatter([repeated], broadcast=True)  # in a list: a set would be split
        sketched = client.gather(client.map(sketch_partition, parts, repeated=repeated_future,
                                            max_bytes=settings.max_bytes, pure=False))
        add_found(report, [found for _, found in sketched])
        report.residue_dropped = sum(found.residue_dropped for _, found in sketched)
        sketches = sorted((s for part, _ in sketched for s in part), key=lambda s: s.place)
        plan = MergePlan(sketches, settings.merge_threshold)
        del sketches, sketched
        saved = shuffle(client, parts, repeated_future, plan, settings, store.url, report, progress)
    link_and_write(store, saved, jsonl)
    return report


def shuffle(client: Client, parts, repeated, plan: MergePlan, settings: Settings, url: str, report: Report,
            progress: Optional[Progress]) -> list[str]:
    """Pass 3: copies bucketed by merge key, each bucket built into Documents where it lands;
    the ids of the documents saved."""
    buckets = max(len(parts), LOCAL_WORKERS)
    plan_future = client.scatter(plan, broadcast=True)

    def map_side():
        return client.map(bucket_copies, parts, repeated=repeated, plan=plan_future, buckets=buckets,
                          max_bytes=settings.max_bytes, pure=False)

    def build(bucket: int, mapped) -> object:
        pieces = [client.submit(pick, part, bucket, pure=False) for part in mapped]
        return client.submit(build_bucket, plan_future, settings, url, *pieces, pure=False)

    mapped = map_side()
    pending = {build(bucket, mapped): (bucket, 0) for bucket in range(buckets)}
    del mapped  # the map side's results live only as long as the buckets that need them
    saved: list[str] = []
    running = as_completed(list(pending))
    for future in running:
        bucket, tries = pending.pop(future)
        try:
            ids, part_report = future.result()
        except (CancelledError, KilledWorker):
            # a worker died and took inputs the scheduler had already let go: rebuild that
            # bucket from the files (its saves are idempotent, so a partial first try is harmless)
            if tries >= BUCKET_RETRIES:
                raise
            retry = build(bucket, map_side())
            pending[retry] = (bucket, tries + 1)
            running.add(retry)
            continue
        finally:
            future.release()
        saved.extend(ids)
        report.documents += part_report.documents
        report.copies_merged += part_report.copies_merged
        if progress:
            progress("extract", report.documents, None)
    return saved


def add_found(report: Report, found: list[Pass]) -> None:
    for each in found:
        report.errors.extend(each.errors)
