"""The parse stage pairs each Document with its Doc, and a component failing on one document
costs that document only."""
import gc
import io
import random
import string

import pytest
from spacy.language import Language

from historiograph.model import Document
from historiograph.parse import load_pipeline
from historiograph.pipeline import BULK_GC_THRESHOLDS, Settings, bulk_collection, extract, run
from historiograph.store import Store, sqlite_url


@Language.component("test_fails_on_a_marked_text")
def fails_on_a_marked_text(doc):
    if "UNREADABLE" in doc.text:
        raise ValueError("a marked text")
    return doc


@pytest.fixture(scope="module")
def failing_nlp():
    nlp = load_pipeline()
    nlp.add_pipe("test_fails_on_a_marked_text", before="historiograph_entities")
    return nlp


def documents():
    texts = ["Marta Rosenthal wrote the first letter in 1902.", "This one is UNREADABLE to a component.",
             "Edmund Thorne answered it in 1903.", "The last one is UNREADABLE too."]
    return [Document(id=f"d{n}", text=text, sources=[{"path": f"corpus/{n}.txt", "sha256": ""}])
            for n, text in enumerate(texts)]


def test_a_failing_document_is_reported_and_the_others_keep_their_own_parse(failing_nlp):
    errors = []
    done = list(extract(documents(), Settings(batch_size=2), failing_nlp, errors))
    assert [d.id for d in done] == ["d0", "d2"]
    assert [t.text for t in done[1].times] == ["1903"]  # its own parse, not its neighbour's
    assert [e.path for e in errors] == ["corpus/1.txt", "corpus/3.txt"]
    assert "could not be annotated (ValueError: a marked text)" in str(errors[0])


def test_a_run_counts_and_writes_only_the_documents_it_stored(failing_nlp, tmp_path, monkeypatch):
    monkeypatch.setattr("historiograph.pipeline.load_pipeline", lambda model: failing_nlp)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, text in enumerate(d.text for d in documents()):
        (corpus / f"{n}.txt").write_text(f"Letters, number {n}\n\n{text} The archive kept it in box {n}.\n")
    jsonl = io.StringIO()
    report = run([corpus], Store(sqlite_url(tmp_path / "run.db")), jsonl, Settings())
    assert report.documents == 2 and len(report.errors) == 2
    assert len(jsonl.getvalue().splitlines()) == len(list(Store(sqlite_url(tmp_path / "run.db")).documents())) == 2


def test_without_an_error_list_the_failure_is_raised(failing_nlp):
    with pytest.raises(ValueError, match="a marked text"):
        list(extract(documents(), Settings(), failing_nlp))


def test_the_collector_is_tuned_for_a_run_and_put_back():
    before = gc.get_threshold()
    with bulk_collection():
        assert gc.get_threshold() == BULK_GC_THRESHOLDS
    assert gc.get_threshold() == before


def test_words_of_a_long_run_leave_the_vocabulary_with_their_memory_zone(nlp, monkeypatch):
    monkeypatch.setattr("historiograph.parse.ZONE_DOCS", 4)
    monkeypatch.setattr("historiograph.parse.WARM_DOCS", 4)
    rng = random.Random(6)

    def unseen_words(count: int) -> str:
        return " ".join("".join(rng.choices(string.ascii_lowercase, k=12)) for _ in range(count))

    texts = [f"Marta Rosenthal wrote in 1902 that {unseen_words(40)}." for _ in range(20)]
    documents = [Document(id=f"d{n}", text=text) for n, text in enumerate(texts)]
    list(extract(documents[:4], Settings(), nlp))  # warm: the tokenizer's cache filled outside a zone
    before = len(nlp.vocab.strings)
    done = list(extract(documents, Settings(), nlp))
    assert [d.id for d in done] == [d.id for d in documents]
    assert all("1902" in [t.text for t in d.times] for d in done)
    # the 20 documents are in memory zones: their 800 new words are not kept
    assert len(nlp.vocab.strings) - before < 50
