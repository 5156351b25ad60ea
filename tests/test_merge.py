import random

import numpy as np
from datasketch import LeanMinHash, MinHashLSHEnsemble
from datasketch.lshensemble_partition import optimal_partitions

from historiograph.clean import clean_source
from historiograph.keyed_runs import KeyedRuns
from historiograph.merge import (CONTAINMENT_THRESHOLD, INDEXED, NUM_PERM, QUERIED, SCHEME, SEED, BandShare,
                                 EnsembleBands, band_entries, candidate_pairs, merge_copies, minhash, size_partitions)
from historiograph.read import decode_source

from .corpus import OTHER_ESSAY, PARAGRAPHS, TITLE, cut_copy_with_header, whole_copy_with_residue


def copy(name, text):
    return clean_source(decode_source(name, text.encode("utf-8"), "text/plain"))


def test_two_scraped_copies_become_one_whole_document():
    documents = merge_copies([copy("cut.txt", cut_copy_with_header()), copy("whole.txt", whole_copy_with_residue())])
    assert len(documents) == 1
    document = documents[0]
    assert document.text == "\n\n".join(PARAGRAPHS)
    assert document.text.startswith("“Every barrel")  # the opening mark, from the whole copy
    assert "…" not in document.text  # the cut paragraph replaced by the whole one
    assert document.title == TITLE
    assert len(document.header["reviewed"]) == 2
    assert document.date == "1979-03-08"
    assert {s["path"] for s in document.sources} == {"cut.txt", "whole.txt"}


def test_provenance_covers_every_paragraph_and_names_its_copy():
    whole = whole_copy_with_residue()
    document = merge_copies([copy("cut.txt", cut_copy_with_header()), copy("whole.txt", whole)])[0]
    assert len(document.provenance) == len(PARAGRAPHS)
    for span in document.provenance:
        assert span.source == "whole.txt"
        assert whole[span.source_start : span.source_end] == document.text[span.start : span.end]


def test_paragraph_only_the_short_copy_has_is_kept_in_place():
    extra = "A paragraph that only the cut copy preserved, because the other scraper skipped it entirely for no reason."
    cut = cut_copy_with_header().replace(PARAGRAPHS[1], PARAGRAPHS[1] + "\n\n" + extra)
    document = merge_copies([copy("cut.txt", cut), copy("whole.txt", whole_copy_with_residue())])[0]
    paragraphs = document.text.split("\n\n")
    assert paragraphs[2] == extra and paragraphs[3] == PARAGRAPHS[2]
    assert document.provenance[2].source == "cut.txt"


def test_different_articles_on_the_same_subject_are_not_merged():
    documents = merge_copies([copy("essay.txt", whole_copy_with_residue()), copy("other.txt", OTHER_ESSAY)])
    assert len(documents) == 2


def test_merge_is_deterministic():
    copies = [copy("cut.txt", cut_copy_with_header()), copy("whole.txt", whole_copy_with_residue())]
    assert merge_copies(copies)[0].id == merge_copies(list(reversed(copies)))[0].id


def test_size_partitions_are_the_partitions_datasketch_works_out():
    rng = random.Random(11)
    for _ in range(300):
        distinct = rng.choice([1, 2, 3, 5, 9, 30, 90])
        sizes = np.array(sorted(rng.sample(range(5, rng.choice([300, 50_000])), distinct)))
        counts = np.array([rng.choice([1, 1, 2, 7, rng.randint(1, 400)]) for _ in range(distinct)])
        parts = rng.choice([1, 2, 3, 8, 16])
        expected = [(int(low), int(high)) for low, high in optimal_partitions(sizes, counts, parts)]
        assert [(int(low), int(high)) for low, high in size_partitions(sizes, counts, parts)] == expected


def test_containment_index_proposes_what_datasketch_lsh_ensemble_proposes(monkeypatch):
    monkeypatch.setattr(KeyedRuns, "RECENT_ENTRIES", 512)  # through sorted runs
    monkeypatch.setattr(KeyedRuns, "SPILL_ENTRIES", 4096)  # and runs on disk
    rng = random.Random(8)
    vocabulary = [f"w{n}" for n in range(3000)]
    articles = [[rng.choice(vocabulary) for _ in range(rng.randint(40, 600))] for _ in range(40)]
    texts = [words[: max(5, int(len(words) * rng.choice([1, 0.8, 0.5, 0.25, 0.1])))] for words in articles for _ in range(3)]
    sets = [{" ".join(words[i : i + 5]) for i in range(len(words) - 4)} for words in texts]
    sketches = [(minhash(items).hashvalues, len(items)) for items in sets]
    ensemble = MinHashLSHEnsemble(threshold=CONTAINMENT_THRESHOLD, num_perm=NUM_PERM, num_part=8)
    lean = [LeanMinHash(seed=SEED, hashvalues=values, scheme=SCHEME) for values, _ in sketches]
    ensemble.index((i, lean[i], size) for i, (_, size) in enumerate(sketches))
    expected = {(i, j) for i, (_, size) in enumerate(sketches) for j in ensemble.query(lean[i], size) if j != i}
    found = candidate_pairs(sketches)
    assert len(found) == len(set(found)) and set(found) == expected
    assert len(expected) > 3 * len(articles)  # the copies of each article find one another
    assert found == sorted(found)  # in the order of the queries
    for shares in (2, 3, 5):  # as the Dask tasks find them, a share of the band keys each
        assert pairs_by_share(sketches, shares, chunk=50) == found


def pairs_by_share(sketches, shares, chunk):
    bands = EnsembleBands(CONTAINMENT_THRESHOLD)
    signatures, sizes = np.array([values for values, _ in sketches]), [size for _, size in sketches]
    uppers, indexes, found = bands.uppers(sizes), [BandShare(len(sketches)) for _ in range(shares)], []
    for role in (INDEXED, QUERIED):
        for first in range(0, len(sketches), chunk):
            entries = band_entries(bands, role, first, signatures[first:first + chunk], sizes[first:first + chunk],
                                   uppers, shares)
            for index, (copies, keys) in zip(indexes, entries):
                if role == INDEXED:
                    index.index(copies, keys)
                else:
                    found.append(index.find(copies, keys))
    return list(indexes[0].pairs(np.unique(np.concatenate(found))))


