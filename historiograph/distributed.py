"""The pipeline on a dask.distributed cluster: ``historiograph run --dask [SCHEDULER_ADDRESS]``.

The same three passes as the single-process run (see stream.py), each a task per partition of
files: pass 1 counts short lines and saves the sources, pass 2 cleans and sketches the copies,
and the client works out the merge plan from the signatures alone. Pass 3 is the shuffle by
merge key (a component of MinHash LSH candidates, or the copy itself): the client routes every
copy to the bucket of its key, and each bucket task reads the files holding its copies again,
so all copies of an article meet in one task, which builds the Documents, parses and extracts
them with its worker's one spaCy pipeline, and saves them. Moving file names rather than
cleaned texts keeps the tasks' inputs tiny, so the scheduler balances them freely, and a task
rerun after its worker died needs nothing that worker held; every task's writes are idempotent,
so it adds nothing twice and loses nothing. Linking across documents then runs once, on the
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

from .clean import repeated_among
from .model import Cleaned
from .parse import load_pipeline
from .pipeline import Progress, Report, Settings, extract, link_and_write
from .store import Store
from .stream import MergePlan, Pass, Place, Sketch, cleaned_copies, count_lines, finish, list_files, numbered_sources, sketch

# Files per partition of passes 1-3: big enough that a task outweighs its scheduling.
PARTITION_FILES = 16
LOCAL_WORKERS = 2
# Buckets of pass 3 per file partition: small tasks keep both workers busy to the end.
BUCKETS_PER_PARTITION = 2

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


def bucket_of(key: tuple, buckets: int) -> int:
    """A bucket number that is the same in every process (``hash`` of a str is not)."""
    return zlib.crc32(repr(key).encode("utf-8")) % buckets


def bucket_files(places: Iterable[Place], plan: MergePlan, files: dict[int, Path], buckets: int) -> list[Partition]:
    """Pass 3's routing, on the client: for each bucket, the files holding its copies. A copy
    goes to the bucket of its merge key, so all copies of an article meet in one task."""
    wanted: list[set[int]] = [set() for _ in range(buckets)]
    for place in places:
        wanted[bucket_of(plan.key(place), buckets)].add(place[0])
    return [[(number, files[number]) for number in sorted(numbers)] for numbers in wanted]


def build_bucket(bucket: int, part: Partition, buckets: int, repeated: frozenset[str], plan: MergePlan,
                 settings: Settings, url: str) -> tuple[list[str], Report]:
    """Pass 3 for one bucket: its copies read again from their files, merged, parsed, extracted
    and saved; the ids saved. Inputs are file names, not texts: a rerun on another worker after
    a death needs nothing the dead worker held."""
    keyed: dict[tuple, list[tuple[Place, Cleaned]]] = {}
    for place, copy in cleaned_copies(numbered_sources(part, settings.max_bytes), repeated):
        key = plan.key(place)
        if bucket_of(key, buckets) == bucket:
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
        places = [s.place for s in sketches]
        del sketches, sketched
        saved = shuffle(client, bucket_files(places, plan, dict(files), len(parts) * BUCKETS_PER_PARTITION),
                        repeated_future, plan, settings, store.url, report, progress)
    link_and_write(store, saved, jsonl)
    return report


def shuffle(client: Client, routed: list[Partition], repeated, plan: MergePlan, settings: Settings, url: str,
            report: Report, progress: Optional[Progress]) -> list[str]:
    """Pass 3: each bucket of merge keys built into Documents by one task; the ids saved."""
    plan_future = client.scatter(plan, broadcast=True)
    built = [
        client.submit(build_bucket, bucket, part, len(routed), repeated, plan_future, settings, url, pure=False)
        for bucket, part in enumerate(routed) if part
    ]
    saved: list[str] = []
    for future in as_completed(built):
        ids, part_report = future.result()
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
