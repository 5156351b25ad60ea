"""The link stage on Documents built by hand: clusters, earliest, conflicts, drift, increments."""
import json
import random
from pathlib import Path

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash, MinHashLSH
from rapidfuzz import fuzz

from historiograph.evaluate import trace as trace_scorer

from historiograph.link import (
    CONFLICT_KEYS,
    FRAGMENT_PARTIAL_RATIO,
    LSH_THRESHOLD,
    NUM_PERM,
    Attestation,
    BandKeys,
    ClusterSummary,
    PLACED,
    LinkIndex,
    Share,
    attestations_of,
    confirm,
    conflicts,
    content_words,
    link_documents,
    event_phrase,
    may_align,
    normalise,
    same_person,
    signature,
    summarise,
    window_signatures,
    windows,
)
from historiograph.keyed_runs import KeyedRuns, SpilledRun
from historiograph.link_storage import AttestationShelf
from historiograph.model import Claim, Document, Mention, Quote, TimeExpr, Work

LINE = "A library is a hospital for the mind, and its wards are never empty"


def document(doc_id, date, text, quotes=(), claims=(), times=(), works=()):
    """A Document whose quotes, claims and times are located in its text by their words."""
    doc = Document(id=doc_id, text=text, date=date, works=list(works))
    for number, (words, speaker) in enumerate(quotes, 1):
        start = text.index(words)
        doc.quotes.append(Quote(id=f"q{number}", text=words, start=start, end=start + len(words),
                                kind="quotation", speaker_name=speaker))
    for number, (words, holder) in enumerate(claims, 1):
        start = text.index(words)
        doc.claims.append(Claim(id=f"c{number}", text=words, start=start, end=start + len(words), holder_name=holder))
    for words, value in times:
        start = text.index(words)
        doc.times.append(TimeExpr(text=words, start=start, end=start + len(words), value=value))
    return doc


def quoting(doc_id, date, words, speaker, before="In a recent essay", after="It is a fine line."):
    text = f"{before}, {speaker} said, “{words}.” {after}"
    return document(doc_id, date, text, quotes=[(words, speaker)])


def clusters_by_key(index):
    return {att.key: index.cluster_id(seq) for seq, att in enumerate(index.attestations)}


@pytest.mark.parametrize("text, folded", [
    ("“A library is […] a hospital,” ", "a library is a hospital"),
    ("[T]he wards are never empty...", "the wards are never empty"),
    ("Don’t  PANIC!", "dont panic"),
])
def test_normalise_folds_quotes_elisions_and_case(text, folded):
    assert normalise(text) == folded


def test_windows_overlap_and_end_flush():
    words = [str(n) for n in range(10)]
    assert windows(words) == [words[0:6], words[3:9], words[4:10]]
    assert windows(words[:4]) == [words[:4]]


@pytest.mark.parametrize("first, second, same", [
    ("Vera Lindqvist", "Lindqvist", True),
    ("V. Lindqvist", "Vera Lindqvist", True),
    ("Dr Vera Lindqvist", "Vera Lindqvist", True),
    ("Vera Lindqvist", "Anders Lindqvist", False),
    ("Vera Lindqvist", "Tobias Marr", False),
    (None, "Tobias Marr", False),
])
def test_same_person(first, second, same):
    assert same_person(first, second) is same


def test_exact_near_exact_and_fragment_copies_share_a_cluster():
    docs = [
        quoting("d1", "1990-01-01", LINE, "Vera Lindqvist"),
        quoting("d2", "1995-01-01", "A library is a hospital for the mind, and its wards are never idle", "Vera Lindqvist"),
        quoting("d3", "1999-01-01", "a hospital for the mind", "Lindqvist"),
        quoting("d4", "2001-01-01", "A library is [...] a hospital for the mind", "Lindqvist"),
        quoting("d5", "2002-01-01", "The sea keeps no ledger of the ships it takes", "Tobias Marr"),
    ]
    index = LinkIndex()
    index.add_documents(docs)
    ids = clusters_by_key(index)
    assert ids["d1#q1"] == ids["d2#q1"] == ids["d3#q1"] == ids["d4#q1"]
    assert ids["d5#q1"] != ids["d1#q1"]
    matches = {att.key: index.match_of(seq) for seq, att in enumerate(index.attestations)}
    assert matches["d3#q1"] == "fragment"
    assert matches["d2#q1"] == "near_exact"


def test_a_copy_is_labelled_by_its_closest_member_whichever_joined_it_first():
    line = "Every archive keeps the letters its owners would have burned, and it keeps them in order"
    docs = [
        quoting("d1", "1990-01-01", line, "Vera Lindqvist"),
        quoting("d2", "1995-01-01", "Every archive keeps the letters its owners would have burned", "Lindqvist"),
        quoting("d3", "1999-01-01", "Every archive keeps the letters its owners would rather have burned", "Lindqvist"),
    ]
    index = LinkIndex()
    index.add_documents(docs)
    ids = clusters_by_key(index)
    assert ids["d1#q1"] == ids["d2#q1"] == ids["d3#q1"]
    matches = {att.key: index.match_of(seq) for seq, att in enumerate(index.attestations)}
    # the third is a fragment of the first (compared first, and joined by it) but a near-exact
    # copy of the second: its match is the closer one, and so is the second's
    assert confirm(index.attestations[2], index.attestations[0]) == "fragment"
    assert matches == {"d1#q1": "fragment", "d2#q1": "near_exact", "d3#q1": "near_exact"}


def test_earliest_is_by_publication_date_then_cited_work_year():
    old_work = Work(title="The Quiet Stacks", authors=["Vera Lindqvist"], year=1961)
    new_work = Work(title="Wards", authors=["Vera Lindqvist"], year=1984)
    docs = [
        quoting("late", "2004-05-01", LINE, "Vera Lindqvist"),
        document("undated_old", None, f"Lindqvist wrote, “{LINE}.”", quotes=[(LINE, "Lindqvist")], works=[old_work]),
        document("undated_new", None, f"Lindqvist wrote, “{LINE}.”", quotes=[(LINE, "Lindqvist")], works=[new_work]),
        quoting("early", "1979-03-02", LINE, "Vera Lindqvist"),
    ]
    for att in (a for d in docs[1:3] for a in attestations_of(d)):
        assert att.work_year in (1961, 1984)  # the reviewed work its speaker wrote
    index = LinkIndex()
    index.add_documents(docs)
    cluster = index.cluster_of("late#q1")
    order = [a.document_id for a in cluster.attestations]
    assert order == ["undated_old", "early", "undated_new", "late"]
    assert cluster.attestations[cluster.earliest].document_id == "undated_old"


def test_misattribution_to_a_famous_name_is_a_conflict_worst_first():
    docs = [
        quoting("a", "1971-01-01", LINE, "Vera Lindqvist"),
        quoting("b", "1988-01-01", LINE, "Aurelio Brant"),
        quoting("c", "1990-01-01", LINE.lower(), "Aurelio Brant"),
        quoting("d", "1980-01-01", "The sea keeps no ledger of the ships it takes", "Tobias Marr"),
        quoting("e", "1985-01-01", "The sea keeps no ledger of ships it takes", "Ida Marr"),
    ]
    index = LinkIndex()
    index.add_documents(docs)
    found = conflicts(index.clusters())
    assert [c["kind"] for c in found] == ["attribution", "attribution"]
    worst = found[0]
    assert [v["value"] for v in worst["values"]] == ["Vera Lindqvist", "Aurelio Brant"]
    assert worst["values"][0]["earliest"] and worst["values"][1]["attestations"] == ["b#q1", "c#q1"]
    assert found[1]["values"][1]["value"] == "Ida Marr"


def test_a_summary_read_in_any_order_finds_the_conflicts_of_the_sorted_cluster():
    speakers = ["Vera Lindqvist", "V. Lindqvist", "Aurelio Brant", "Brant", "Ida Marr", "Tobias Marr"]
    rng = random.Random(5)
    atts = [Attestation(f"d{n:03d}", "q1", "quotation", LINE, f"19{rng.randint(10, 99)}-01-01", rng.choice(speakers))
            for n in range(120)]
    expected = summarise("Q1", atts, [None] * len(atts)).conflicts
    for _ in range(5):
        rng.shuffle(atts)
        summary = ClusterSummary.of("Q1", atts)
        assert summary.conflicts == expected
        assert summary.size == 120 and summary.earliest.document_date == min(a.document_date for a in atts)
    assert sorted(form for value in expected[0]["values"] for form in value["forms"]) == sorted(speakers)


def test_a_conflict_counts_every_attestation_and_lists_the_earliest_few():
    dated = [Attestation(f"d{n:04d}", "t1", "event", "the weavers struck", f"1950-01-{n % 28 + 1:02d}", value="1887")
             for n in range(3 * CONFLICT_KEYS)]
    dated.append(Attestation("late", "t1", "event", "the weavers struck", "1999-01-01", value="1889"))
    (conflict,) = ClusterSummary.of("E1", reversed(dated)).conflicts
    first, second = conflict["values"]
    assert (first["value"], first["count"], second["value"], second["count"]) == ("1887", 3 * CONFLICT_KEYS, "1889", 1)
    assert first["attestations"] == [a.key for a in sorted(dated[:-1], key=lambda a: (a.document_date, a.document_id))][:CONFLICT_KEYS]
    assert conflict["severity"] == 1 + 1 / (1 + 3 * CONFLICT_KEYS)


def test_same_speaker_named_differently_is_not_a_conflict():
    docs = [quoting("a", "1971-01-01", LINE, "Vera Lindqvist"), quoting("b", "1972-01-01", LINE, "Dr Lindqvist")]
    index = LinkIndex()
    index.add_documents(docs)
    assert conflicts(index.clusters()) == []


def test_drift_shows_word_edits_from_the_earliest():
    docs = [
        quoting("a", "1971-01-01", LINE, "Vera Lindqvist"),
        quoting("b", "1990-01-01", "A library is a hospital for the mind, and its wards are always full", "Lindqvist"),
    ]
    index = LinkIndex()
    index.add_documents(docs)
    (entry,) = index.cluster_of("a#q1").drift
    assert entry["attestation"] == "b#q1"
    assert {"op": "replace", "from": "never empty", "to": "always full"} in entry["edits"]


def test_variant_translation_is_joined_and_flagged():
    work = Work(title="Letters from Kessel", authors=["Ilse Varga"], year=1932)
    context = "In her Letters from Kessel, written from the sanatorium during the long winter,"
    first = document("en1", "1950-01-01", f"{context} Varga said, “The river forgets nothing it has carried.”",
                     quotes=[("The river forgets nothing it has carried", "Ilse Varga")], works=[work])
    second = document("en2", "1966-01-01", f"{context} Varga said, “Nothing the river carries is ever forgotten by it.”",
                      quotes=[("Nothing the river carries is ever forgotten by it", "Varga")], works=[work])
    other = document("en3", "1970-01-01", f"{context} Varga said, “Snow is the sanatorium's only visitor.”",
                     quotes=[("Snow is the sanatorium's only visitor", "Varga")], works=[work])
    index = LinkIndex()
    index.add_documents([first, second, other])
    cluster = index.cluster_of("en1#q1").to_dict()
    assert [a["key"] for a in cluster["attestations"]] == ["en1#q1", "en2#q1"]
    assert [a["variant_translation"] for a in cluster["attestations"]] == [False, True]


def test_different_quotations_of_one_speaker_stay_apart():
    docs = [
        quoting("a", "1971-01-01", LINE, "Vera Lindqvist"),
        quoting("b", "1972-01-01", "Catalogues are the memory of a people that forgets", "Vera Lindqvist"),
    ]
    index = LinkIndex()
    index.add_documents(docs)
    assert len(index.clusters()) == 2


def test_claims_cluster_by_holder_and_proposition():
    text_a = "Hollis argues that the canal ruined the river trade within a decade."
    text_b = "As Hollis argued, the canal ruined the river trade."
    text_c = "Pemberton believes the canal ruined the river trade."
    docs = [
        document("a", "1990-01-01", text_a, claims=[("the canal ruined the river trade within a decade", "Hollis")]),
        document("b", "1991-01-01", text_b, claims=[("the canal ruined the river trade", "Ruth Hollis")]),
        document("c", "1992-01-01", text_c, claims=[("the canal ruined the river trade", "Pemberton")]),
    ]
    index = LinkIndex()
    index.add_documents(docs)
    ids = clusters_by_key(index)
    assert ids["a#c1"] == ids["b#c1"] != ids["c#c1"]
    assert ids["a#c1"].startswith("C")


def test_event_phrase_is_the_words_around_the_date_in_its_sentence():
    text = "It rained. The weavers of Dunmore struck in 1887 against the new looms. Then it snowed."
    start = text.index("1887")
    assert event_phrase(text, start, start + 4) == "The weavers of Dunmore struck in … against the new looms"


def test_misdated_event_is_a_date_conflict_and_a_finer_date_is_not():
    docs = [
        document("a", "1950-01-01", "The weavers of Dunmore struck in 1887 against the new looms.",
                 times=[("1887", "1887")]),
        document("b", "1960-01-01", "In May 1887 the weavers of Dunmore struck against the looms.",
                 times=[("May 1887", "1887-05")]),
        document("c", "1990-01-01", "Everyone knows the weavers of Dunmore struck in 1889 over looms.",
                 times=[("1889", "1889")]),
        document("d", "1991-01-01", "The harbour of Tessel was dredged in 1902.", times=[("1902", "1902")]),
    ]
    index = LinkIndex()
    index.add_documents(docs)
    (conflict,) = conflicts(index.clusters())
    assert conflict["kind"] == "date" and conflict["cluster"].startswith("E")
    assert [v["value"] for v in conflict["values"]] == ["1887", "1889"]
    assert conflict["values"][0]["attestations"] == ["a#t1", "b#t1"]


def test_adding_documents_updates_clusters_without_relinking(monkeypatch):
    index = LinkIndex()
    index.add_documents([quoting("a", "1971-01-01", LINE, "Vera Lindqvist")])
    first_id = index.cluster_id(0)
    hashed = []
    monkeypatch.setattr("historiograph.link.window_signatures", lambda att: hashed.append(att.key) or window_signatures(att))
    touched = index.add_documents([quoting("b", "1960-01-01", LINE.replace("never", "seldom"), "Aurelio Brant")])
    assert hashed == ["b#q1"]  # nothing already indexed is hashed again
    assert touched == {0} and index.cluster_id(1) == first_id
    cluster = index.cluster_of("b#q1")
    assert cluster.attestations[cluster.earliest].document_id == "b"
    assert len(index.add_documents([quoting("a", "1971-01-01", LINE, "Vera Lindqvist")])) == 1
    assert len(index) == 2  # a document linked twice adds nothing


def test_scare_quotes_and_short_phrases_are_not_linked():
    text = "The so-called “great man” theory, as Marr said, “is dead.”"
    doc = document("a", None, text, quotes=[("great man", None), ("is dead", "Marr")])
    doc.quotes[0].kind = "scare"
    assert attestations_of(doc) == []
    assert content_words("is dead") == ["dead"]


def test_bad_input_does_not_crash():
    doc = Document(id="x", text="", quotes=[Quote(id="q1", text="", start=0, end=0, kind="quotation")],
                   times=[TimeExpr(text="", start=0, end=0, value="")])
    index = LinkIndex()
    index.add_documents([doc, Document(id="y", text="nothing quoted")])
    assert len(index) == 0 and index.lookup("") is None


def test_cited_work_is_the_one_named_nearest():
    text = "In The Quiet Stacks, Lindqvist said, “A library is a hospital for the mind.”"
    work = Work(title="The Quiet Stacks", year=1961, mentions=[Mention(start=3, end=19, text="The Quiet Stacks")])
    doc = document("a", None, text, quotes=[("A library is a hospital for the mind", "Lindqvist")], works=[work])
    (att,) = attestations_of(doc)
    assert (att.work_title, att.work_year) == ("The Quiet Stacks", 1961)


def test_lookup_finds_a_fragment():
    index = LinkIndex()
    index.add_documents([quoting("a", "1971-01-01", LINE, "Vera Lindqvist")])
    assert index.lookup("a hospital for the mind") == 0
    assert index.lookup("the sea keeps no ledger") is None


def gold_corpus(split):
    """The trace gold of one split as plain Documents: text and gold date, nothing extracted."""
    directory = Path(__file__).parent.parent / "gold" / "trace" / split
    gold = [json.loads(line) for line in (directory / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    documents = [
        Document(id=line["file"], text=(directory / line["file"]).read_text(encoding="utf-8"), date=line["date"],
                 sources=[{"path": str(directory / line["file"]), "sha256": ""}])
        for line in gold if "file" in line
    ]
    return gold, documents


def test_trace_gold_has_thirty_texts_and_corpus_line():
    dev, test = gold_corpus("dev"), gold_corpus("test")
    assert len(dev[1]) + len(test[1]) >= 30
    for gold, _ in (dev, test):
        (corpus,) = [line for line in gold if "file" not in line]
        assert corpus["conflicts"] and corpus["clusters"]


def test_trace_scorer_meets_targets_on_gold_extractions_of_dev():
    rows = {(r.system, r.field): r for r in trace_scorer.score(gold_corpus("dev"))}
    linked = "historiograph (gold extraction)"
    assert rows[(linked, "trace.purity")].accuracy >= 0.95
    assert rows[(linked, "trace.inverse_purity")].accuracy >= 0.95
    assert rows[(linked, "trace.earliest")].accuracy >= 0.95
    conflicts_row = rows[(linked, "trace.conflicts")]
    assert conflicts_row.precision >= 0.9 and conflicts_row.recall >= 0.9
    baseline = rows[("exact text (baseline)", "trace.inverse_purity")]
    assert baseline.accuracy < rows[(linked, "trace.inverse_purity")].accuracy
    # nothing extracted: every gold attestation missed, each a cluster of its own
    assert rows[("historiograph", "trace.inverse_purity")].accuracy < 0.6


@pytest.mark.parametrize("pairs, expected", [
    ([("A", "x"), ("A", "x"), ("B", "x")], 2 / 3),
    ([("A", "x"), ("B", "y")], 1.0),
])
def test_purity(pairs, expected):
    assert trace_scorer.purity(pairs) == pytest.approx(expected)


def test_a_writer_arguing_about_dates_does_not_make_two_events_one():
    from historiograph.link import event_phrase, event_words

    first = "The record shows otherwise: in 1936, for instance, Varga spent the summer at the mission."
    second = "The record shows otherwise: in 1955, for instance, the depot was still open for trade."
    words = [event_words(event_phrase(t, t.index("19"), t.index("19") + 4)) for t in (first, second)]
    assert not words[0] & words[1]


def test_two_dates_in_one_sentence_of_one_document_are_two_events():
    text = "The papers turned up in a cellar in 1974, and the interviews recorded in the late 1960s by volunteers."
    document = Document(id="d1", text=text, date="1980-01-01", times=[
        TimeExpr(text="1974", start=text.index("1974"), end=text.index("1974") + 4, value="1974"),
        TimeExpr(text="the late 1960s", start=text.index("the late"), end=text.index("1960s") + 5, value="1967/1969"),
    ])
    index = link_documents([document])
    assert len(index.clusters()) == 2 and not conflicts(index.clusters())


@pytest.mark.parametrize("recent_entries", [KeyedRuns.RECENT_ENTRIES, 64])  # 64: through the sorted runs
def test_band_keys_propose_what_datasketch_lsh_proposes(recent_entries, monkeypatch):
    monkeypatch.setattr(KeyedRuns, "RECENT_ENTRIES", recent_entries)
    rng = random.Random(7)
    vocabulary = [f"w{n}" for n in range(60)]
    window_sets = [rng.sample(vocabulary, 6) for _ in range(80)]
    lsh, bands, runs = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM), BandKeys(LSH_THRESHOLD, NUM_PERM), KeyedRuns()

    def proposed(hashvalues):
        return {number for postings in runs.each(bands.of(hashvalues)) for number in postings}

    for number, words in enumerate(window_sets):
        hashvalues = signature(words)
        lean = LeanMinHash(seed=1, hashvalues=hashvalues, scheme=MinHash(num_perm=NUM_PERM).scheme)
        assert proposed(hashvalues) == set(lsh.query(lean))
        lsh.insert(number, lean)
        runs.insert(bands.of(hashvalues), number)
    stored = np.asarray(signature(window_sets[0]), dtype=np.uint32)  # as read back from the store
    assert 0 in proposed(stored)


def test_alignment_pretest_never_rules_out_a_fragment():
    rng = random.Random(3)
    words = normalise(LINE).split() + "the harbour was closed by the winter storms of that year".split()
    for _ in range(3000):
        longer = " ".join(rng.choices(words, k=rng.randint(4, 30)))
        start = rng.randrange(len(longer))
        shorter = "".join(c if rng.random() > 0.06 else rng.choice("aeiou ") for c in longer[start:start + 60])
        if fuzz.partial_ratio(shorter, longer, score_cutoff=FRAGMENT_PARTIAL_RATIO):
            assert may_align(shorter, longer)
    assert not may_align("the wards are never empty at night", "a promise made in wartime is not yet broken")


def test_events_sharing_only_a_very_common_word_and_one_rare_word_are_still_compared(monkeypatch):
    monkeypatch.setattr("historiograph.link.EVENT_MAX_POSTINGS", 3)
    docs = [document(f"d{n}", "1950-01-01", f"The weavers of Town{n} marched in 1887 singing.",
                     times=[("1887", "1887")]) for n in range(4)]
    docs.append(document("x", "1960-01-01", "The weavers of Dunmore marched in 1889 singing.",
                         times=[("1889", "1889")]))
    docs.append(document("y", "1961-01-01", "Old weavers from Dunmore marched in 1887 singing.",
                         times=[("1887", "1887")]))
    index = LinkIndex()
    index.add_documents(docs)
    # "weavers", "marched" and "singing" are posted too often to propose anything; "dunmore"
    # proposes x to y, and the comparison still counts the common words they share
    assert index.cluster_of("y#t1").id == index.cluster_of("x#t1").id


def gold_extracted_documents():
    extracted = []
    for split in ("dev", "test"):
        gold, documents = gold_corpus(split)
        lines = {line["file"]: line for line in gold if "file" in line}
        extracted += [trace_scorer.gold_extraction(lines[d.id], d) for d in documents]
    return extracted


def test_clusters_and_matches_do_not_depend_on_the_order_documents_come_in():
    def linked(documents) -> tuple[set, dict]:
        index = link_documents(documents)
        members: dict[str, set] = {}
        for seq, att in enumerate(index.attestations):
            members.setdefault(index.cluster_id(seq), set()).add(att.key)
        matches = {att.key: index.match_of(seq) for seq, att in enumerate(index.attestations)}
        return {frozenset(keys) for keys in members.values()}, matches

    documents = gold_extracted_documents()
    clusters, matches = linked(documents)
    assert len(clusters) < len(matches) and len(set(matches.values())) >= 4
    for seed in range(4):
        shuffled = random.Random(seed).sample(documents, len(documents))
        assert linked(shuffled) == (clusters, matches)


@pytest.mark.parametrize("tasks", [2, 3, 5])
def test_shares_of_the_entries_joined_together_are_the_single_index(tasks):
    documents = gold_extracted_documents()
    signed = [(att, window_signatures(att)) for document in documents for att in attestations_of(document)]
    single = LinkIndex()
    placed = LinkIndex(PLACED)
    for att, signatures in signed:
        single.add(att, signatures)
        placed.add(att, signatures)
    joins = []
    for task in range(tasks):
        share = LinkIndex(Share(task, tasks), on_join=lambda *join: joins.append(join))
        for att, signatures in signed:
            share.add(att, signatures)
    for join in joins:
        placed.join(*join)

    def state(index):
        return [(index.cluster_id(seq), index.match_of(seq)) for seq in range(len(index))]

    assert len(single) == len(placed) and state(placed) == state(single)
    assert len(set(state(single))) < len(single)
    assert sorted(placed.touched_roots()) == sorted(single.touched_roots())


def test_clusters_are_the_same_when_the_index_spills_to_disk(monkeypatch):
    gold_documents = gold_extracted_documents()

    def linked() -> dict:
        index = link_documents(gold_documents)
        return {att.key: (index.cluster_id(seq), index.match_of(seq)) for seq, att in enumerate(index.attestations)}

    in_memory = linked()
    for name, value in (("RECENT_ENTRIES", 8), ("SPILL_ENTRIES", 32)):
        monkeypatch.setattr(KeyedRuns, name, value)
    monkeypatch.setattr(SpilledRun, "FENCE", 4)
    monkeypatch.setattr(SpilledRun, "CHUNK", 5)
    monkeypatch.setattr(AttestationShelf, "CACHED", 2)
    assert len(in_memory) > 80 and len(set(in_memory.values())) < len(in_memory)
    assert linked() == in_memory
