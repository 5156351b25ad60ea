"""Quotations: marks, kinds and speakers (historiograph_quotes), and the quotes/entities scorer."""
import pytest
import spacy

from historiograph.evaluate.quotes import gold_mentions, match_spans, score
from historiograph.extract.quotes import find_quotes
from historiograph.model import Document, Entity, Mention, Quote
from historiograph.parse import DEFAULT_MODEL, load_pipeline, parse_text

COMPONENTS = ["historiograph_entities", "historiograph_quotes"]


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(extractors=COMPONENTS)


def quoted(text):
    return [text[q.start:q.end] for q in find_quotes(text)]


def quote_of(doc, words):
    return next(q for q in doc._.quotes if q.text.startswith(words))


# --- marks ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("She called it “a paper empire.”", ["a paper empire."]),
    ('He said "we won" and left.', ["we won"]),
    ("Elle a dit «nous avons gagné» hier.", ["nous avons gagné"]),
    ("The clerk was ‘the real sultan’ of the market.", ["the real sultan"]),
    ("He wrote 'the worst since 'ninety-one.'", ["the worst since 'ninety-one."]),
])
def test_marks_of_every_style(text, expected):
    assert quoted(text) == expected


@pytest.mark.parametrize("text", [
    "’Tis a hard life, he used to say, and the students’ union agreed.",
    "Three chords of rock 'n' roll on a jukebox in the '50s, and the lads' van.",
    "Don’t tell O’Brien about the keepers’ logbooks.",
])
def test_apostrophes_are_not_marks(text):
    assert find_quotes(text) == []


def test_nested_quote_is_found_inside_the_outer_one():
    text = "She wrote that she had “put it under my pillow, which Mum says is ‘unhygienic.’”"
    assert quoted(text) == ["put it under my pillow, which Mum says is ‘unhygienic.’", "unhygienic."]


def test_offsets_exclude_the_marks():
    text = "He called it “short-sighted.”"
    (quote,) = find_quotes(text)
    assert text[quote.start - 1] == "“" and text[quote.end] == "”"


def test_quote_over_paragraphs_with_repeated_opening_mark_is_one_quote():
    text = "Dorsett wrote:\n\n“We played Hull on the Monday.\n\n“What I remember is the noise.”\n\nThen he stopped."
    (quote,) = find_quotes(text)
    assert text[quote.start:quote.end] == "We played Hull on the Monday.\n\n“What I remember is the noise."
    assert not quote.unbalanced


def test_unbalanced_marks_are_a_flagged_best_guess():
    opening = "The letter ends: “We regret that we can advance nothing further.\n\nA new paragraph."
    (quote,) = find_quotes(opening)
    assert opening[quote.start:quote.end] == "We regret that we can advance nothing further."
    assert quote.unbalanced
    closing = "The most popular rising in history” was his description of it."
    (quote,) = find_quotes(closing)
    assert closing[quote.start:quote.end] == "The most popular rising in history"
    assert quote.unbalanced


@pytest.mark.parametrize("text", ["“", "”", "'", "“”", "«»»", "‘’’‘", "\"\"\"", "“a ‘b” c’", "x\n\n“\n\n“"])
def test_stray_marks_never_crash(text):
    for quote in find_quotes(text):
        assert 0 <= quote.start <= quote.end <= len(text)


def test_block_quotation_after_an_introducing_colon():
    text = (
        "She quotes a letter from his wife, written in the winter:\n\n"
        "The shop is shut and the creditors are at the door.\n\nThe book goes on."
    )
    (quote,) = find_quotes(text)
    assert quote.block and text[quote.start:quote.end] == "The shop is shut and the creditors are at the door."


# --- kinds and speakers --------------------------------------------------------------------------

def test_speech_verb_gives_the_speaker(nlp):
    doc = parse_text(nlp, "“We have won what we came out for,” said Declan Moyle, the branch secretary.")
    quote = quote_of(doc, "We have won")
    assert (quote.kind, quote.speaker_name, quote.speaker_reason) == ("quotation", "Declan Moyle", "verb:said")
    assert quote.speaker == next(e.id for e in doc._.entities if e.name == "Declan Moyle")


def test_pronoun_subject_and_continuation(nlp):
    text = ("Eliza Marchbank kept a diary. In the spring she wrote: “The blossom is late and thin.” "
            "A week later: “Frost again.”")
    doc = parse_text(nlp, text)
    first, second = quote_of(doc, "The blossom"), quote_of(doc, "Frost again")
    assert (first.speaker_name, first.speaker_reason) == ("Eliza Marchbank", "pronoun, verb:wrote")
    assert (second.speaker_name, second.speaker_reason) == ("Eliza Marchbank", "continuation")


@pytest.mark.parametrize("text, words, speaker, reason", [
    ("Judith Carrow has doubts. According to Carrow, the printer “invented the modern pamphlet.”",
     "invented", "Judith Carrow", "according to"),
    ("Helen Birkett is funny about the keepers. In her words, one keeper “had his priorities in order.”",
     "had his", "Helen Birkett", "pronoun, in X's words"),
    ("“A lighthouse is a house before it is a light,” was Helen Birkett’s description of the stations.",
     "A lighthouse", "Helen Birkett", "possessive"),
    ("Benjamin Hale wrote a memoir in prison. So his memoir has it, he was “never once afraid, and never once silent.”",
     "never once", "Benjamin Hale", "pronoun, work author"),
    ("Roy Ambrose is a careful scholar. He regards the old council as “pluralist.”",
     "pluralist", "Roy Ambrose", "pronoun, verb:regards"),
])
def test_speaker_cues(nlp, text, words, speaker, reason):
    quote = quote_of(parse_text(nlp, text), words)
    assert (quote.kind, quote.speaker_name, quote.speaker_reason) == ("quotation", speaker, reason)


@pytest.mark.parametrize("text, words, speaker, reason", [
    ("Ruth Kellner cites no evidence for the assertion that the ban was only “temporary.”",
     "temporary", "Ruth Kellner", "summary of view"),
    ("The best judge is Martin Oyelaran, who has summed up her gifts as “energy, wit and patience.”",
     "energy", "Martin Oyelaran", "verb:summed"),
    ("The pilots, writes the historian Rosalind Achterberg, were “the aristocracy of the river.”",
     "the aristocracy", "Rosalind Achterberg", "verb:writes"),
    ("The mayor ordered a report by the auditors Fennick & Dole. The report described the savings as "
     "“negligible and easily lost.”", "negligible", "Fennick & Dole", "work author"),
])
def test_more_speaker_cues(nlp, text, words, speaker, reason):
    quote = quote_of(parse_text(nlp, text), words)
    assert (quote.kind, quote.speaker_name, quote.speaker_reason) == ("quotation", speaker, reason)


@pytest.mark.parametrize("text, words, speaker", [
    # a name inside the quote is not the "he" outside it
    ("Silas Brough ran the forge. “Nobody asked Denholm, and Denholm never forgave us,” he told the inquiry.",
     "Nobody asked", "Silas Brough"),
    # "her mother, X" is the subject, not the "her"
    ("Lise Amory was a weaver. Her mother, Odile, kept the shop. “We sold cloth by the yard and gossip by the hour,” "
     "she said.", "We sold", "Odile"),
    # "remembered his foreman, Y, telling him": Y speaks
    ("A stoker, Len Harrow, remembered his captain, Bram Oakes, telling him: “Coal first, prayers after.”",
     "Coal first", "Bram Oakes"),
    # inverted: "said the clerk, X" / "wrote the engineer X"
    ("“The books were never balanced,” said the clerk, Ivo Dressler.", "The books", "Ivo Dressler"),
    ("“The bridge will outlast us all,” wrote the engineer Maud Fairlie in 1899.", "The bridge", "Maud Fairlie"),
    # a parenthetical writer
    ("Tillbury, Ashe-Warren writes, was “a port that forgot it was a port.”", "a port", "Ashe-Warren"),
    # "according to" before, inside and after
    ("Pia Lindqvist knew the mill. According to Lindqvist, the looms were “older than the owners.”",
     "older than", "Pia Lindqvist"),
    ("“The looms were older than the owners,” according to Pia Lindqvist.", "The looms", "Pia Lindqvist"),
    ("The gazette's editor was Cyril Mabey. According to the editor, Cyril Mabey, the strikers were “patient men.”",
     "patient men", "Cyril Mabey"),
    # an institution named in full earlier
    ("The Dunmere Harbour Commissioners met in May. The Commissioners called the quay “a liability.”",
     "a liability", "Dunmere Harbour Commissioners"),
    # "X regarded A as 'a' and B as 'b'": both
    ("Osric Vell regarded the clerks as “parasites” and the porters as “ballast.”", "ballast", "Osric Vell"),
    # "his description of X as 'y'", "in his account"
    ("Hollis Grant is severe. His description of the reformers as “dreamers” is unfair.",
     "dreamers", "Hollis Grant"),
    ("Robert Tate wrote the standard history. In his account the canal was “a ditch full of debts.”",
     "a ditch", "Robert Tate"),
])
def test_speakers_in_harder_positions(nlp, text, words, speaker):
    quote = quote_of(parse_text(nlp, text), words)
    assert (quote.kind, quote.speaker_name) == ("quotation", speaker)


def test_quoted_paragraph_after_x_wrote_is_x(nlp):
    text = ("In 1911 the mill owner, Abel Gorton, wrote to his bankers:\n\n"
            "“The order book is empty and the looms are idle. I ask for time, not money.”\n\nThe bankers refused.")
    quote = quote_of(parse_text(nlp, text), "The order book")
    assert (quote.speaker_name, quote.block) == ("Abel Gorton", False)


def test_block_quote_by_someone_named_x(nlp):
    text = ("Kerr prints a logbook entry by a lamp-trimmer named John Rusk:\n\n"
            "Wind north-east. Oil low. The relief boat did not come.\n\nKerr moves on.")
    quote = quote_of(parse_text(nlp, text), "Wind north-east")
    assert (quote.block, quote.speaker_name) == (True, "John Rusk")


def test_short_terms_in_a_sentence_the_speaker_already_quotes_are_theirs(nlp):
    text = ("Sarah Orlov sent greetings to the dockers “in their struggle for a shorter day,” while backing the "
            "“workers' front” against “speculators.”")
    doc = parse_text(nlp, text)
    assert [(q.kind, q.speaker_name) for q in doc._.quotes] == [("quotation", "Sarah Orlov")] * 3


def test_denied_words_after_according_to_stay_the_writers(nlp):
    doc = parse_text(nlp, "According to Ferris Coyle, the guild was never the “closed shop” of legend.")
    assert quote_of(doc, "closed shop").kind == "scare"

def test_block_quotation_speaker_is_the_letter_writer_not_the_quoter(nlp):
    text = ("Judith Carrow tells the story well. She quotes a letter from his wife, Martha Hale, written in winter:"
            "\n\nThe shop is shut and the creditors are at the door.\n\nThe book goes on.")
    quote = quote_of(parse_text(nlp, text), "The shop")
    assert (quote.block, quote.speaker_name, quote.speaker_reason) == (True, "Martha Hale", "block source")


def test_a_denied_saying_attributes_nothing(nlp):
    doc = parse_text(nlp, "Whether the so-called “golden age” was golden for the workers, the book does not say.")
    assert quote_of(doc, "golden").kind == "scare"


def test_short_terms_without_a_governing_speaker_are_scare_quotes(nlp):
    doc = parse_text(nlp, "Pryce-Jones is fond of the word “paradigm,” and the so-called “golden age” bores her.")
    assert [(q.text, q.kind, q.speaker) for q in doc._.quotes] == [
        ("paradigm,", "scare", None), ("golden age", "scare", None)]


def test_titles_after_a_work_noun(nlp):
    doc = parse_text(nlp, "Her final chapter, “The Devil’s Last Proof,” strains for a grand conclusion.")
    assert quote_of(doc, "The Devil").kind == "title"


def test_unknown_speaker_is_null_with_a_reason(nlp):
    doc = parse_text(nlp, "The ledgers survive. “Nobody reads them any more, and nobody will,” runs the old joke.")
    quote = quote_of(doc, "Nobody reads")
    assert quote.kind == "quotation" and quote.speaker is None and quote.speaker_reason


def test_component_plugs_into_a_bare_spacy_pipeline():
    bare = spacy.load(DEFAULT_MODEL)
    bare.add_pipe("historiograph_entities")
    bare.add_pipe("historiograph_quotes")
    doc = bare("“It is a good deal,” said Sian Lowe.")
    assert [(q.text, q.speaker_name) for q in doc._.quotes] == [("It is a good deal,", "Sian Lowe")]


# --- scorer --------------------------------------------------------------------------------------

def test_span_matching_is_one_to_one_by_overlap():
    assert match_spans([(0, 10), (20, 30)], [(22, 28), (2, 12), (40, 45)]) == {0: 1, 1: 0}


def test_gold_mentions_give_a_shared_surname_to_the_longer_name():
    text = "Gareth Lowe spoke. Lowe's sister Sian Lowe did not."
    mentions = gold_mentions(text, [{"Gareth Lowe", "Lowe"}, {"Sian Lowe"}])
    assert [(text[s:e], i) for s, e, i in mentions] == [("Gareth Lowe", 0), ("Lowe", 0), ("Sian Lowe", 1)]


def test_score_reports_detection_kind_speaker_and_alias_merge():
    text = "“We won,” said Ann Reyes. Reyes called it “a miracle.”"

    def at(words, occurrence=0):
        start = text.index(words) if not occurrence else text.index(words, text.index(words) + 1)
        return start, start + len(words)

    document = Document(
        id="d", text=text,
        entities=[Entity("e1", "PERSON", "Ann Reyes", ["Reyes"],
                         [Mention(*at("Ann Reyes"), "Ann Reyes"), Mention(*at("Reyes", 1), "Reyes")])],
        quotes=[Quote("q1", "We won,", *at("We won,"), "quotation", "e1", "Ann Reyes"),
                Quote("q2", "a miracle.", *at("a miracle."), "scare")],
    )
    gold = {"file": "a.txt", "quotes": [
        {"text": "We won", "kind": "quotation", "speaker_name": "Ann Reyes"},
        {"text": "a miracle.", "kind": "quotation", "speaker_name": "Ann Reyes"}],
        "entities": [{"name": "Ann Reyes", "aliases": ["Reyes"]}]}
    rows = {(r.system, r.field): r for r in score([(gold, document)]) if r.system == "historiograph"}
    assert (rows["historiograph", "quotes.detection"].precision, rows["historiograph", "quotes.detection"].recall) == (1.0, 1.0)
    assert rows["historiograph", "quotes.kind"].accuracy == 0.5
    assert rows["historiograph", "quotes.speaker"].accuracy == 0.5
    assert rows["historiograph", "entities.alias_merge"].recall == 1.0
