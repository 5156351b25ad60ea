import pickle

from historiograph.clean import LineCounts, RepeatedLines, clean_source, parse_date_line, repeated_lines
from historiograph.read import decode_source

from .corpus import PARAGRAPHS, TITLE, cut_copy_with_header, whole_copy_with_residue


def cleaned(text, name="a.txt", media="text/plain", repeated=RepeatedLines()):
    return clean_source(decode_source(name, text.encode("utf-8"), media), repeated)


def test_residue_is_dropped_and_issue_date_read():
    copy = cleaned(whole_copy_with_residue())
    texts = [p.text for p in copy.paragraphs]
    assert texts == PARAGRAPHS
    assert copy.date == "1979-03-08"
    assert copy.residue_dropped == 5  # caption, credit, advertisement, "This Issue", date


def test_review_header_is_structured_and_kept_out_of_the_body():
    copy = cleaned(cut_copy_with_header())
    assert copy.title == TITLE
    reviewed = copy.header["reviewed"]
    assert [r["title"] for r in reviewed] == ["The Salt Roads", "Ledgers of the Northern Fleet"]
    assert reviewed[0]["lines"] == [
        "by Marta Okonkwo-Hale, translated by Pieter van Loon",
        "Brindle & Fosse, 312 pp., $16.95",
    ]
    assert reviewed[1]["lines"][1] == "Quayside Press, 188 pp., $9.50 (paper)"
    assert copy.paragraphs[0].text.startswith("Every barrel")


def test_paragraph_offsets_point_into_the_source():
    text = whole_copy_with_residue()
    copy = cleaned(text)
    for paragraph in copy.paragraphs:
        assert text[paragraph.start : paragraph.end] == paragraph.text


def test_residue_words_inside_prose_are_kept():
    text = "A Title\n\n" + "We were told to subscribe to the official view, and to share it, said the clerk in 1901. " * 3
    copy = cleaned(text)
    assert "subscribe to the official view" in copy.paragraphs[0].text


def test_lines_repeated_across_the_corpus_are_residue():
    sources = [decode_source(f"{i}.txt", f"The Weekly Ledger\n\nEssay number {i} is about something else entirely, at length, with many words in it.\n".encode(), "text/plain") for i in range(4)]
    repeated = repeated_lines(sources)
    assert "The Weekly Ledger" in repeated
    copy = clean_source(sources[0], repeated)
    assert copy.residue_dropped == 1


def test_line_counts_sum_across_partitions_and_through_pickling(monkeypatch):
    monkeypatch.setattr(LineCounts, "PENDING_ENTRIES", 2)  # sum as they come, not only at the end
    sources = [decode_source(f"{i}.txt", f"The Weekly Ledger\n\nEssay {i}\n\nBy its editor\n".encode(), "text/plain")
               for i in range(6)]
    parts = [LineCounts(), LineCounts()]
    for i, source in enumerate(sources):
        parts[i % 2].add(source)
    whole = LineCounts()
    for part in parts:
        whole.update(pickle.loads(pickle.dumps(part)))  # as a Dask worker sends it
    repeated = whole.repeated(len(sources))
    assert "The Weekly Ledger" in repeated and "By its editor" in repeated and len(repeated) == 2
    assert "Essay 1" not in repeated  # in one source only
    assert len(whole.repeated(13)) == 0  # in fewer than half the sources


def test_html_boilerplate_is_stripped_and_metadata_read():
    html = """<html><head><title>Salt and Empire</title><meta name="author" content="Iris Kell">
    <meta property="article:published_time" content="1981-06-04"></head><body>
    <nav><a href="/">Home</a><a href="/s">Subscribe</a></nav>
    <article><h1>Salt and Empire</h1>
    <p>“The salt trade made the coast,” says Hugo Brandt, whose survey of the northern ports begins in 1790 and ends with the railways, in a long and careful book.</p>
    <blockquote>We counted the barrels by lamplight, and the numbers never agreed with the crown's, wrote a clerk in his diary in the spring of 1849.</blockquote>
    <p>He is at his best on the tariff war, as <i>The Salt Roads</i> was before him, and at his weakest on the smugglers.</p>
    </article><footer>Copyright 2024 Ledger Media. Share. Subscribe.</footer></body></html>"""
    copy = cleaned(html, "page.html", "text/html")
    texts = [p.text for p in copy.paragraphs]
    assert texts[0].startswith("“The salt trade")
    assert not any("Copyright" in t or "Subscribe" in t for t in texts)
    assert copy.date == "1981-06-04" and copy.author == "Iris Kell"
    assert copy.paragraphs[1].quoted
    italic = copy.paragraphs[2].markup[0]
    assert copy.paragraphs[2].text[italic[0] : italic[1]] == "The Salt Roads"


def test_date_lines():
    assert parse_date_line("April 17, 1980") == "1980-04-17"
    assert parse_date_line("17 April 1980") == "1980-04-17"
    assert parse_date_line("Sept. 3, 1961") == "1961-09-03"
    assert parse_date_line("March 1962") == "1962-03"
    assert parse_date_line("February 30, 1962") is None


def test_a_long_contributor_block_stays_in_the_header():
    text = (
        "Letters Home\n\nThe Quarry Letters\n\n"
        "edited by Rosalind Achterberg-Vance and Tobias Quennell, with an introduction by Mireille Dufresne-Hartley\n"
        "Hollis & Reed, 204 pp., $9.95 (paper)\n\n"
        + "The letters were written between 1911 and 1914 by three brothers who cut stone in the hills above the town. " * 3
    )
    copy = cleaned(text)
    assert copy.header["reviewed"][0]["lines"][1] == "Hollis & Reed, 204 pp., $9.95 (paper)"
    assert copy.paragraphs[0].text.startswith("The letters were written")


def test_prose_mentioning_books_is_not_taken_for_an_imprint():
    text = "Three Cities\n\nThree books about one city, each of them long, and none of them, alas, with an index worth the name.\n"
    copy = cleaned(text)
    assert copy.title == "Three Cities" and copy.paragraphs[0].text.startswith("Three books")
