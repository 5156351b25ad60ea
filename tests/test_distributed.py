"""`run --dask`: the same database as the single-process run, and no document lost when a
worker dies mid-run. One small cluster (two worker processes) serves the whole module."""
import io
import itertools
import json
import os
import signal
import threading
import time

import dask
import numpy as np
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster, wait
from sqlalchemy import select

from historiograph.cli import cli
from historiograph import distributed, parse
from historiograph.distributed import (
    LOCAL_WORKER_CONFIG,
    LinkRounds,
    bucket_bounds,
    bucket_of,
    drop_share_linkers,
    run_distributed,
)
from historiograph.pipeline import Settings, run
from historiograph.store import Store
from historiograph.store.links import link_attestations, link_clusters
from historiograph.merge import CONTAINMENT_THRESHOLD
from historiograph.stream import MergePlan, Sketch

from benchmarks.corpus import corpus_texts

from .corpus import OTHER_ESSAY, cut_copy_with_header, whole_copy_with_residue

# Small essays written for these tests, each its own document.
MORE_ESSAYS = {
    f"essay-{n}.txt": f"{title}\n\n“{quote},” {speaker} wrote in {year}, and {historian}'s new history takes the "
    f"remark as its starting point.\n\n{historian} argues that the {topic} changed more between {year} and "
    f"{year + 20} than in the century before, though the evidence for the earlier decades is thin.\n"
    for n, (title, quote, speaker, year, historian, topic) in enumerate([
        ("The Paper Mills of Essendre", "We made paper for half the kingdom", "Joris Lemaire", 1788, "Anneke Dahl",
         "paper trade"),
        ("Bells Over Tarrow", "No parish rang its bells on time", "Father Quill", 1812, "Rosalind Ebbe", "clock trade"),
        ("The Glassblowers' Strike", "The furnace never sleeps, and neither do we", "Tomas Brandvold", 1871,
         "Mirela Oancea", "glass industry"),
        ("Salt Fish and Sail", "A good cod is worth a bad harvest", "Ingrid Holt", 1840, "Daniel Ferrer",
         "fishing fleet"),
    ])
}


@pytest.fixture(scope="module")
def cluster():
    # configured as the LocalCluster of a bare `run --dask`: its workers are forked on Linux
    with dask.config.set(LOCAL_WORKER_CONFIG), LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    files = {"cut.txt": cut_copy_with_header(), "whole.txt": whole_copy_with_residue(), "other.txt": OTHER_ESSAY,
             **MORE_ESSAYS}
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def stored(url):
    store = Store(url)
    documents = {d.id: d.to_dict() for d in store.documents()}
    counts = store.counts()
    with store.engine.connect() as connection:
        links = [tuple(row) for row in connection.execute(
            select(link_attestations.c.seq, link_attestations.c.key, link_attestations.c.cluster_id,
                   link_attestations.c.match).order_by(link_attestations.c.seq))]
        links += [tuple(row) for row in connection.execute(
            select(link_clusters.c.id, link_clusters.c.size, link_clusters.c.data).order_by(link_clusters.c.id))]
    store.close()
    return documents, counts, links


def single_process(corpus, tmp_path, jsonl=None):
    url = f"sqlite:///{tmp_path / 'single.db'}"
    run([corpus], Store(url), jsonl or io.StringIO(), Settings())
    return stored(url)


def test_dask_run_stores_and_writes_what_the_single_process_run_does(cluster, corpus, tmp_path):
    url = f"sqlite:///{tmp_path / 'dask.db'}"
    jsonl, expected_jsonl = io.StringIO(), io.StringIO()
    report = run_distributed([corpus], Store(url), jsonl, Settings(), cluster.scheduler_address, partition_files=2)
    documents, counts, links = stored(url)
    expected, expected_counts, expected_links = single_process(corpus, tmp_path, expected_jsonl)
    assert documents == expected
    assert counts == expected_counts
    assert report.documents == len(expected) == 6 and report.copies_merged == 2
    # linked in the same order: the same clusters under the same ids, the same JSONL lines
    assert links == expected_links and any(str(row[0]).startswith("Q") for row in links)
    assert jsonl.getvalue() == expected_jsonl.getvalue()
    for document in documents.values():  # the extractors ran on the workers
        assert document["entities"]


def test_a_dask_run_links_into_what_is_stored_as_the_single_process_run_does(cluster, corpus, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for directory in (first, second):
        directory.mkdir()
    for number, path in enumerate(sorted(corpus.iterdir())):
        path.rename((first if number % 2 else second) / path.name)
    single, dask_url = f"sqlite:///{tmp_path / 'single.db'}", f"sqlite:///{tmp_path / 'dask.db'}"
    for url in (single, dask_url):
        run([first], Store(url), io.StringIO(), Settings())
    jsonl, expected_jsonl = io.StringIO(), io.StringIO()
    run([second], Store(single), expected_jsonl, Settings())
    run_distributed([second], Store(dask_url), jsonl, Settings(), cluster.scheduler_address, partition_files=2)
    documents, counts, links = stored(dask_url)
    assert (documents, counts, links) == stored(single)
    assert jsonl.getvalue() == expected_jsonl.getvalue()
    # the second run's attestations joined clusters the first run stored
    first_ids = {id for id, document in documents.items()
                 if all(source["path"].startswith(str(first)) for source in document["sources"])}
    runs_of: dict[str, set] = {}
    for row in links:
        if isinstance(row[0], int):
            runs_of.setdefault(row[2], set()).add(row[1].split("#")[0] in first_ids)
    assert any(len(runs) == 2 for runs in runs_of.values())


def test_linking_rounds_that_lost_their_index_read_it_again_and_link_the_same(cluster, corpus, tmp_path, monkeypatch):
    next_round = LinkRounds.next_round

    def forgetting(rounds):
        wait(rounds.running)
        rounds.client.run(drop_share_linkers)  # as when a worker died: no share kept its index
        forgotten.append(rounds.linked)
        next_round(rounds)

    forgotten = []
    monkeypatch.setattr(LinkRounds, "next_round", forgetting)
    monkeypatch.setattr(distributed, "LINK_ROUND", 8)
    url = f"sqlite:///{tmp_path / 'dask.db'}"
    jsonl, expected_jsonl = io.StringIO(), io.StringIO()
    run_distributed([corpus], Store(url), jsonl, Settings(), cluster.scheduler_address, partition_files=1)
    assert len(forgotten) >= 3 and 0 < forgotten[1] < forgotten[2]  # rounds in the run, and one at the end
    assert stored(url) == single_process(corpus, tmp_path, expected_jsonl)
    assert jsonl.getvalue() == expected_jsonl.getvalue()


def test_two_runs_at_once_on_one_cluster_each_link_as_one_process(cluster, corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(distributed, "LINK_ROUND", 8)  # many rounds, interleaved on the same workers
    halves = [tmp_path / "odd", tmp_path / "even"]
    for directory in halves:
        directory.mkdir()
    for number, path in enumerate(sorted(corpus.iterdir())):
        path.rename(halves[number % 2] / path.name)
    written = {half.name: io.StringIO() for half in halves}
    runs = [threading.Thread(target=run_distributed, args=(
        [half], Store(f"sqlite:///{tmp_path / half.name}.db"), written[half.name], Settings(),
        cluster.scheduler_address, None, 1)) for half in halves]
    for each in runs:
        each.start()
    for each in runs:
        each.join()
    for half in halves:
        expected = io.StringIO()
        single = f"sqlite:///{tmp_path / half.name}-single.db"
        run([half], Store(single), expected, Settings())
        assert stored(f"sqlite:///{tmp_path / half.name}.db") == stored(single)
        assert written[half.name].getvalue() == expected.getvalue()


def test_a_run_drops_the_share_indexes_it_kept_and_no_other_runs():
    distributed._share_linkers.update({("db", "this", 0, 2): "index", ("db", "other", 0, 2): "index"})
    drop_share_linkers("this")
    assert list(distributed._share_linkers) == [("db", "other", 0, 2)]
    drop_share_linkers()
    assert not distributed._share_linkers


def test_cli_dask_option_uses_the_given_scheduler(cluster, corpus, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(corpus), "--out", str(out), "--dask", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert len((out / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 6
    assert "warning" not in result.output  # single-threaded workers


def test_workers_started_in_another_directory_read_the_paths_the_run_was_given(cluster, corpus, tmp_path, monkeypatch):
    here = tmp_path / "elsewhere"  # the cluster's workers were started where the tests were
    here.mkdir()
    corpus.rename(here / "corpus")
    monkeypatch.chdir(here)
    result = CliRunner().invoke(cli, ["run", "corpus", "--out", "out", "--dask", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in (here / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 6
    assert {source["path"].split("/")[0] for line in lines for source in line["sources"]} == {"corpus"}  # as given
    assert CliRunner().invoke(cli, ["run", "corpus", "--out", "single"]).exit_code == 0
    dask_db, single_db = (f"sqlite:///{here / name / 'historiograph.db'}" for name in ("out", "single"))
    assert stored(dask_db) == stored(single_db)


def test_a_worker_with_several_threads_parses_as_one_process_does(corpus, tmp_path, monkeypatch):
    # `dask worker` starts a thread per core, and its tasks share the worker's one pipeline: its
    # memory zones (from the first document on, here) must not end under another thread's parse
    monkeypatch.setattr(parse, "WARM_DOCS", 0)
    monkeypatch.setattr(parse, "ZONE_DOCS", 1)
    for name, text in itertools.islice(corpus_texts(seed=3), 24):  # essays recombined from the examples
        (corpus / name).write_text(text, encoding="utf-8")
    expected = io.StringIO()
    run([corpus], Store(f"sqlite:///{tmp_path / 'single.db'}"), expected, Settings())
    with LocalCluster(n_workers=1, threads_per_worker=4, processes=False, dashboard_address=":0") as threaded:
        jsonl = io.StringIO()
        report = run_distributed([corpus], Store(f"sqlite:///{tmp_path / 'dask.db'}"), jsonl, Settings(),
                                 threaded.scheduler_address, partition_files=1)
    assert not report.errors and jsonl.getvalue() == expected.getvalue()
    [warning] = report.warnings  # and the user is told to start single-threaded workers
    assert "has 4 threads" in warning and "--nthreads 1" in warning


def test_bad_files_are_one_line_errors_and_the_rest_of_the_corpus_is_run(cluster, corpus, tmp_path):
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 4)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "broken.html").write_text("<html><body><p>Cut <b>short <div>here", encoding="utf-8")
    outputs = {}
    for name, extra in [("single", []), ("dask", ["--dask", cluster.scheduler_address])]:
        result = CliRunner().invoke(cli, ["run", str(corpus), "--out", str(tmp_path / name), *extra])
        assert result.exit_code == 1 and "Traceback" not in result.output
        outputs[name] = sorted(line for line in result.output.splitlines() if line.startswith("historiograph: error"))
        assert len((tmp_path / name / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 6
    assert outputs["dask"] == outputs["single"] and len(outputs["dask"]) == 3
    assert all(any(bad in line for line in outputs["dask"]) for bad in ("blob.txt", "empty.txt", "broken.html"))


def test_bare_dask_before_paths_is_a_clear_error(corpus):
    result = CliRunner().invoke(cli, ["run", "--dask", str(corpus)])
    assert result.exit_code == 2 and "not a scheduler address" in result.output


def test_an_unreachable_scheduler_is_a_one_line_error(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr("historiograph.distributed.SCHEDULER_TIMEOUT", "1s")
    result = CliRunner().invoke(cli, ["run", str(corpus), "--out", str(tmp_path / "out"), "--dask", "tcp://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output
    assert "Traceback" not in result.output


def kill_a_worker_while_it_extracts(client: Client, killed: list) -> None:
    """SIGKILL the first worker process seen running a build_bucket task."""
    pids = client.run(os.getpid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not killed:
        for worker, keys in client.processing().items():
            if any("build_bucket" in str(key) for key in keys):
                os.kill(pids[worker], signal.SIGKILL)
                killed.append(worker)
                return
        time.sleep(0.05)


def test_a_worker_killed_mid_run_loses_no_documents(cluster, corpus, tmp_path):
    url = f"sqlite:///{tmp_path / 'dask.db'}"
    killed: list = []
    with Client(cluster.scheduler_address) as client:
        killer = threading.Thread(target=kill_a_worker_while_it_extracts, args=(client, killed))
        killer.start()
        jsonl = io.StringIO()
        run_distributed([corpus], Store(url), jsonl, Settings(), cluster.scheduler_address, partition_files=2)
        killer.join()
    assert killed, "no worker was caught extracting"
    documents, _, _ = stored(url)
    expected, _, _ = single_process(corpus, tmp_path)
    assert documents == expected
    assert sorted(json.loads(line)["id"] for line in jsonl.getvalue().splitlines()) == sorted(expected)


def test_buckets_are_ranges_of_the_reading_order_with_about_equal_text():
    rng = np.random.default_rng(4)
    # twelve unrelated copies of growing size: each its own merge key
    sketches = [Sketch((n, 0), rng.integers(0, 2**32, 128, dtype=np.uint64), 100 * (n + 1), np.arange(n, dtype=np.uint64))
                for n in range(12)]
    plan = MergePlan(sketches, CONTAINMENT_THRESHOLD, read=lambda place: pytest.fail("no pair to confirm"))
    bounds = bucket_bounds([(s.place, s.size) for s in sketches], plan, 4)
    buckets = [bucket_of(plan.key(s.place), plan, bounds) for s in sketches]
    assert buckets == sorted(buckets) and len(set(buckets)) == 4  # contiguous, in order
    text = [sum(s.size for s, b in zip(sketches, buckets) if b == n) for n in range(4)]
    assert max(text) - min(text) <= max(s.size for s in sketches)  # off by at most one copy
