from historiograph.clean import clean_source
from historiograph.merge import merge_copies
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
