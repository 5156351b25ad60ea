"""Claims: holder, proposition span, the writer's stance and evidence (historiograph_claims),
and the claims scorer with its all-neutral baseline."""
import pytest
import spacy

from historiograph.evaluate.claims import score, same_holder
from historiograph.extract.claims import (
    ENDORSING_PHRASES, EVIDENCE_CUES, FOLLOWING_SENTENCES, HEDGES, HOLDER_CITES_NONE, NO_EVIDENCE_CUES,
    REASON_MARKERS, REJECTING_PHRASES, UNDECIDED_PHRASES, WRITER_PRONOUNS, DocContext, WordTests,
    may_cue_claim, may_judge,
)
from historiograph.model import Claim, Document
from historiograph.parse import DEFAULT_MODEL, load_pipeline, parse_text

# The components claims reads; times is left out because claims never looks at it.
COMPONENTS = ["historiograph_entities", "historiograph_works", "historiograph_quotes", "historiograph_claims"]


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(extractors=COMPONENTS)


def claims_of(nlp, text, header=None):
    return parse_text(nlp, text, header=header)._.claims


def claim_about(claims, words):
    return next(c for c in claims if words in c.text)


# --- what is claimed and by whom ------------------------------------------------------------


def test_reported_speech_gives_holder_and_proposition_span(nlp):
    text = "Margaret Hale argues that the mill closed in 1884."
    [claim] = claims_of(nlp, text)
    assert claim.id == "c1"
    assert claim.text == "the mill closed in 1884"
    assert text[claim.start:claim.end] == claim.text
    assert claim.holder_name == "Margaret Hale"
    assert claim.holder is not None


def test_pronoun_holder_is_resolved_to_the_person(nlp):
    text = "Ann Rowe has written about the docks for years. She contends that the dockers were paid by the day."
    claim = claim_about(claims_of(nlp, text), "dockers were paid")
    assert claim.holder_name == "Ann Rowe"


def test_possessive_contention_names_its_holder(nlp):
    text = "It is Hart's contention that the tariff could have been repealed earlier."
    claim = claim_about(claims_of(nlp, text), "tariff")
    assert claim.text == "the tariff could have been repealed earlier"
    assert "Hart" in claim.holder_name


def test_thesis_stated_with_a_copula_is_a_claim(nlp):
    text = "In Colin Birch's lectures the constant refrain is that a wise city only gains from its critics."
    claim = claim_about(claims_of(nlp, text), "wise city")
    assert "Birch" in claim.holder_name


def test_according_to_a_person_is_that_persons_claim(nlp):
    text = "According to Tobias Grell, the strike was planned in advance."
    [claim] = claims_of(nlp, text)
    assert claim.text == "the strike was planned in advance"
    assert claim.holder_name == "Tobias Grell"


def test_according_to_the_records_is_evidence_not_a_holder(nlp):
    assert claims_of(nlp, "According to the census, the parish lost half its people.") == []


def test_regards_as_takes_the_object_and_what_it_is_cast_as(nlp):
    text = "Nora Pell regards the mayor's policy as mistaken."
    claim = claim_about(claims_of(nlp, text), "policy")
    assert claim.text == "the mayor's policy as mistaken"
    assert claim.holder_name == "Nora Pell"


def test_a_work_holds_what_its_author_holds(nlp):
    text = "Lena Fisk has spent ten years on the port. Her study maintains that the port declined after 1850."
    claim = claim_about(claims_of(nlp, text), "port declined")
    assert claim.holder_name == "Lena Fisk"


def test_a_reviewed_book_is_held_by_its_author_from_the_header(nlp):
    header = {"title": "", "reviewed": [{"title": "The Salt Roads", "lines": ["by Hugo Marr", "Penn Press, 200 pp."]}]}
    text = "This is an uneven book. The book argues that salt made the town rich."
    claim = claim_about(claims_of(nlp, text, header=header), "salt made")
    assert claim.holder_name == "Hugo Marr"


def test_a_negated_report_is_not_the_subjects_claim(nlp):
    assert claims_of(nlp, "Ivo Brandt does not argue that the mill was sold.") == []


def test_an_indirect_question_is_not_a_claim(nlp):
    assert claims_of(nlp, "One wonders what Ivo Brandt believes was proved by the riot.") == []


def test_rejecting_an_argument_does_not_make_one_its_holder(nlp):
    text = "Ivo Brandt rejects the argument that the guild ruled the town."
    assert [c.holder_name for c in claims_of(nlp, text)] == []


def test_ignoring_an_argument_makes_it_the_writers_own_view(nlp):
    text = ("Ivo Brandt ignores the powerful argument that the guild, not the mayor, ruled the town. "
            "The guild appointed every mayor between 1610 and 1680.")
    [claim] = claims_of(nlp, text)
    assert claim.text == "the guild, not the mayor, ruled the town"
    assert (claim.holder_name, claim.stance) == ("the writer", "agrees")
    assert claim.evidence["text"].startswith("The guild appointed every mayor")


def test_ignoring_an_argument_the_writer_calls_weak_is_nobodys_claim(nlp):
    text = "Ivo Brandt ignores the absurd argument that the guild ruled the town."
    assert claims_of(nlp, text) == []


def test_quotation_with_a_speaker_is_a_claim_linked_to_its_quote(nlp):
    text = 'The mayor, Josiah Crane, once declared: "The harbour will outlive us all."'
    doc = parse_text(nlp, text)
    claim = claim_about(doc._.claims, "harbour will outlive")
    assert claim.holder_name == "Josiah Crane"
    assert claim.quotes == [q.id for q in doc._.quotes]


# --- the writer's stance --------------------------------------------------------------------


@pytest.mark.parametrize("text, stance", [
    ("Hugo Marr rightly argues that the canal was a failure.", "agrees"),
    ("Hugo Marr argues that the canal was a failure. He is surely right.", "agrees"),
    ("Hugo Marr persuasively shows that the canal was a failure.", "agrees"),
    ("Hugo Marr argues that the canal was a failure. This is simply wrong.", "disagrees"),
    ("Hugo Marr argues that the canal was a failure. I cannot agree.", "disagrees"),
    ("Hugo Marr argues that the canal was a failure. The claim is not convincing.", "disagrees"),
    ("Hugo Marr argues that the canal was a failure. But its tolls rose every year.", "disagrees"),
    ("Hugo Marr argues that the canal was a failure. Perhaps it was; the question may never be settled.",
     "neutral"),
    ("Hugo Marr argues that the canal was a failure. The canal opened in 1801.", "neutral"),
])
def test_stance_is_read_from_the_evaluative_language_around_the_claim(nlp, text, stance):
    assert claim_about(claims_of(nlp, text), "canal was a failure").stance == stance


@pytest.mark.parametrize("text, stance", [
    ("Hugo Marr argues that the canal was a failure. No one who reads the tolls will want to dispute this.",
     "agrees"),
    ("Hugo Marr argues that the canal was a failure. I cannot find anything to support him.", "disagrees"),
    ("Hugo Marr argues that the canal was a failure. Few engineers would agree.", "disagrees"),
    ("Hugo Marr is on shakier ground with money. He states that the canal was a failure.", "disagrees"),
])
def test_negation_scope_and_a_judging_sentence_before(nlp, text, stance):
    assert claim_about(claims_of(nlp, text), "canal was a failure").stance == stance


@pytest.mark.parametrize("text, stance", [
    ("Ida Lowe states that the mill never made a loss. The mill's accounts show losses in most years.",
     "disagrees"),
    ("Ida Lowe states that the mill made a loss. The mill's accounts show losses in most years.", "agrees"),
    ("Ida Lowe states that the mill made a loss. The mill's accounts show no loss at all.", "disagrees"),
])
def test_evidence_without_a_verdict_takes_sides_by_its_polarity(nlp, text, stance):
    claim = claim_about(claims_of(nlp, text), "mill")
    assert claim.stance == stance
    assert claim.evidence["text"].startswith("The mill's accounts")


def test_conviction_adjective_and_a_view_put_forward_by_someone(nlp):
    claims = claims_of(nlp, "Ida Lowe is convinced that the mill was sold too cheaply. "
                            "The older view, put forward by Canon Arthur Veal, was that the monks ruined the abbey.")
    assert claim_about(claims, "sold too cheaply").holder_name == "Ida Lowe"
    assert "Veal" in claim_about(claims, "monks ruined").holder_name


def test_a_verdict_that_follows_judges_the_claim_before_it(nlp):
    text = "Hugo Marr contends that the reform was needed from the start. He is, no doubt, right that it was."
    assert claim_about(claims_of(nlp, text), "reform was needed").stance == "agrees"


def test_the_holders_own_evaluative_words_are_not_the_writers_verdict(nlp):
    text = "Hugo Marr argues that the old histories were simply wrong about the canal."
    assert claim_about(claims_of(nlp, text), "old histories").stance == "neutral"


def test_rightly_rejecting_a_view_is_a_rejection_of_it(nlp):
    text = "Some historians believe that the fleet lost through timidity. Ann Rowe rightly rejects this view."
    assert claim_about(claims_of(nlp, text), "fleet lost").stance == "disagrees"


def test_judgement_stops_at_the_paragraph(nlp):
    text = "Hugo Marr argues that the canal was a failure.\n\nThis is simply wrong, said the engineers of the rival line."
    assert claim_about(claims_of(nlp, text), "canal was a failure").stance == "neutral"


# --- evidence --------------------------------------------------------------------------------


def test_evidence_the_writer_gives_is_a_span(nlp):
    text = ("Ada Penhale maintains that the owners hated the unions. This flies in the face of the record: "
            "in 1879, for instance, the owners paid for the union's reading room.")
    doc = parse_text(nlp, text)
    claim = claim_about(doc._.claims, "owners hated")
    assert claim.stance == "disagrees"
    assert "for instance" in claim.evidence["text"]
    assert doc.text[claim.evidence["start"]:claim.evidence["end"]] == claim.evidence["text"]


def test_holder_citing_no_source_is_flagged(nlp):
    text = "Ada Penhale claims that the fire was set by the guild, but she offers no source for this."
    claim = claim_about(claims_of(nlp, text), "fire was set")
    assert claim.evidence == {"none_cited": True}
    assert claim.stance == "disagrees"


def test_records_as_subject_make_the_writers_own_claim_with_its_evidence(nlp):
    text = "The parish registers show that the village lost a third of its people."
    [claim] = claims_of(nlp, text)
    assert claim.holder_name == "the writer" and claim.holder is None
    assert claim.stance == "agrees"
    assert claim.evidence["text"] == "The parish registers"


def test_the_writers_opinion_without_evidence_is_not_kept(nlp):
    assert claims_of(nlp, "I suspect that the mayor knew about the bribe.") == []


def test_the_documents_author_holds_the_writers_claims(nlp):
    doc = nlp.make_doc("The parish registers show that the village lost a third of its people.")
    doc._.author = "Clara Voss"
    claim = nlp(doc)._.claims[0]
    assert claim.holder_name == "Clara Voss"


# --- robustness ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n ", 'He said "that the war was lost and never', "“Unbalanced ” ” quotes."])
def test_odd_input_gives_a_list(nlp, text):
    assert isinstance(claims_of(nlp, text), list)


def test_component_runs_without_the_components_it_reads():
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("historiograph_claims")
    claims = nlp("The older scholars believe that the famine was natural.")._.claims
    assert [(c.text, c.holder_name) for c in claims] == [("the famine was natural", "The older scholars")]


# --- scorer ----------------------------------------------------------------------------------


def document_with(text, claims):
    return Document(id="d", text=text, claims=claims)


def test_scorer_matches_by_span_overlap_and_holder_and_scores_the_baseline():
    text = "Hugo Marr argues that the canal was a failure. This is simply wrong."
    gold = {"file": "a.txt", "claims": [
        {"text": "the canal was a failure", "holder_name": "Hugo Marr", "stance": "disagrees", "evidence": None}]}
    start = text.index("the canal")
    right = Claim("c1", "the canal was a failure", start, start + 23, holder_name="Marr", stance="disagrees")
    wrong_holder = Claim("c2", "the canal was a failure", start, start + 23, holder_name="Ann Rowe")
    rows = {(r.system, r.field): r for r in score([(gold, document_with(text, [right, wrong_holder]))])}
    detection = rows[("historiograph", "claims.detection")]
    assert (detection.recall, detection.precision) == (1.0, 0.5)
    assert rows[("historiograph", "claims.stance")].accuracy == 1.0
    assert rows[("all-neutral", "claims.stance")].accuracy == 0.0


def test_scorer_evidence_rows_count_kinds():
    text = "Ada Penhale claims that the fire was set by the guild. She offers no source."
    start = text.index("the fire")
    gold = {"file": "a.txt", "claims": [{"text": "the fire was set by the guild", "holder_name": "Ada Penhale",
                                          "stance": "disagrees", "evidence": "none_cited"}]}
    claim = Claim("c1", "the fire was set by the guild", start, start + 29, holder_name="Ada Penhale",
                  evidence={"none_cited": True})
    rows = {r.field: r for r in score([(gold, document_with(text, [claim]))]) if r.system == "historiograph"}
    assert rows["claims.evidence"].recall == 1.0
    assert rows["claims.evidence.none_cited"].precision == 1.0


@pytest.mark.parametrize("gold, predicted, same", [
    ("Margaret Ellory", "Ellory", True),
    ("naval historians", "Some naval historians", True),
    ("the writer", "the writer", True),
    ("Margaret Ellory", "Peter Lasker", False),
    ("the writer", "Peter Lasker", False),
])
def test_holder_names_match_on_surname_or_shared_words(gold, predicted, same):
    assert same_holder(gold, predicted, author=None) is same


# --- spans the parse cuts short or runs on ------------------------------------------------------


def test_coordinated_that_clauses_are_separate_claims_judged_apart(nlp):
    text = ("Nora Vell argues that the mill paid its weavers well and that the strike of 1892 was a "
            "shameful betrayal. The first point is well documented; the second is hard to square with "
            "the strike fund's ledger, which shows the weavers paying in every week.")
    first = claim_about(claims_of(nlp, text), "paid its weavers")
    second = claim_about(claims_of(nlp, text), "strike of 1892")
    assert first.text == "the mill paid its weavers well"
    assert second.text == "the strike of 1892 was a shameful betrayal"
    assert (first.stance, second.stance) == ("agrees", "disagrees")
    assert first.evidence is None and "ledger" in second.evidence["text"]


def test_second_that_clause_after_a_copula_keeps_its_evaluative_words_to_itself(nlp):
    text = ("In Ruth Amberley's pamphlets the constant refrain is that a free borough only gains from its "
            "critics, and that the silencing of critics is shameful and inconsistent with its charter.")
    claims = claims_of(nlp, text)
    assert [c.text for c in claims] == [
        "a free borough only gains from its critics",
        "the silencing of critics is shameful and inconsistent with its charter",
    ]
    assert {c.stance for c in claims} == {"neutral"}


def test_second_that_clause_lost_to_a_bracket_is_read_from_the_text(nlp):
    text = ("Nora Vell has realized that the attempt to run the mill without credit had ended in ruin, "
            "and that the bank would wait for years (\"decades\" was her word).")
    texts = [c.text for c in claims_of(nlp, text)]
    assert "the bank would wait for years" in texts


def test_clause_interrupted_by_an_aside_keeps_what_follows(nlp):
    text = ("It was at Ivo Brandt's insistence that the fair was timed to fall, give or take a week, "
            "on the feast of the patron saint.")
    [claim] = claims_of(nlp, text)
    assert claim.text.endswith("give or take a week, on the feast of the patron saint")


def test_nominal_claim_stops_before_an_aside_after_a_dash(nlp):
    text = ("It is Ivo Brandt's contention that the harbour should have been dredged a decade earlier "
            "— a scheme incidentally proposed by the town engineer, though Brandt never says so.")
    [claim] = claims_of(nlp, text)
    assert claim.text == "the harbour should have been dredged a decade earlier"


def test_paired_dashes_stay_inside_the_claim(nlp):
    text = "Ivo Brandt argues that the guild wanted one thing — the toll — and took it by 1620."
    [claim] = claims_of(nlp, text)
    assert claim.text.endswith("and took it by 1620")


def test_summary_of_virtues_and_faults_is_one_claim_with_both_halves(nlp):
    text = ('Nora Vell sums up the first mayor\'s virtues as "patience, thrift and a clear hand," '
            'and his faults as "a vanity that no council could check." Both judgements are fair.')
    [claim] = claims_of(nlp, text)
    assert "patience" in claim.text and "vanity" in claim.text
    assert claim.stance == "agrees"


# --- stance and evidence around the claim -------------------------------------------------------


def test_casting_a_policy_as_mistaken_then_reasons_is_agreement_with_evidence(nlp):
    text = ("Nora Vell is admirably clear on the fares. She regards the sale of the paddle steamers "
            "as mistaken. The new boats were slower and could not berth at low water.")
    claim = claim_about(claims_of(nlp, text), "paddle steamers")
    assert claim.stance == "agrees"
    assert claim.evidence["text"].startswith("The new boats were slower")


def test_no_evidence_to_support_an_assertion_is_none_cited(nlp):
    text = ("Peter Lasker blames the smugglers for everything. There is no evidence to support his assertion "
            "that the captains were paid by them. The customs books for the decade name not one of them.")
    [claim] = claims_of(nlp, text)
    assert claim.evidence == {"none_cited": True}
    assert claim.stance == "disagrees"


def test_according_to_with_corroboration_agrees(nlp):
    text = ("According to Nora Vell, the fares were halved in 1873. This account is corroborated by the "
            "harbour dues book, which records twice as many passengers in 1874.")
    [claim] = claims_of(nlp, text)
    assert claim.stance == "agrees"
    assert "dues book" in claim.evidence["text"]


def test_corroboration_before_according_to_agrees(nlp):
    text = ("Nora Vell tells the story of the ferry well. Vell's account is corroborated by the harbour "
            "dues book. According to Vell, the fares were halved in 1873 to fight off the railway.")
    claim = claim_about(claims_of(nlp, text), "fares were halved")
    assert claim.stance == "agrees"


def test_block_quotation_of_testimony_is_no_claim_by_itself(nlp):
    text = ("Nora Vell quotes a letter from the matron, Agnes Tull, to the board:\n\n"
            "The children are well and cheerful. We have had no fever this winter.\n\n"
            "The letter is touching.")
    assert claims_of(nlp, text) == []


def test_a_turn_to_the_same_holders_next_claim_does_not_judge_the_first(nlp):
    text = ('The best portrait comes from Nora Vell, who has summed up his qualities as "courage and wit," '
            'and his defects as "vanity and sloth." Yet according to her book, "the great captain was a '
            'poor admiral."')
    claim = claim_about(claims_of(nlp, text), "courage and wit")
    assert claim.stance != "disagrees"


def test_believing_with_someone_makes_them_the_holder(nlp):
    text = ("It would be pleasant to believe, with Fairbrother, that no tenant was ever evicted. "
            "Alas, the estate minutes of 1801 record two evictions.")
    [claim] = claims_of(nlp, text)
    assert (claim.text, claim.holder_name) == ("no tenant was ever evicted", "Fairbrother")
    assert claim.stance == "disagrees"


def test_a_quantified_group_holds_its_claim(nlp):
    text = "Some of her readers will think that the book is too short. I would not agree."
    [claim] = claims_of(nlp, text)
    assert claim.holder_name == "Some of her readers"
    assert claim.stance == "disagrees"


def test_a_verdict_naming_the_record_is_the_evidence(nlp):
    text = ("Nora Vell insists that the tenants were chosen by lot. This is at odds with the vestry's own "
            "lists, which give a reason for every admission.")
    [claim] = claims_of(nlp, text)
    assert claim.stance == "disagrees"
    assert claim.evidence["text"].startswith("This is at odds with the vestry's own lists")


def test_claim_in_a_gerund_after_a_preposition_is_the_subjects(nlp):
    text = ("Nora Vell is on firmer ground in claiming that the mint master fled to France in 1646. "
            "His petition from Rouen settles the matter.")
    [claim] = claims_of(nlp, text)
    assert (claim.holder_name, claim.stance) == ("Nora Vell", "agrees")


def test_a_legend_is_held_by_tradition_not_by_who_scorns_it(nlp):
    text = ("Peter Lasker is scornful of the local legend that the owners hired strike-breakers from abroad. "
            "Here he is surely correct: the census of 1891 lists not a single foreign-born quarryman.")
    [claim] = claims_of(nlp, text)
    assert claim.text == "the owners hired strike-breakers from abroad"
    assert claim.holder_name == "the local legend"
    assert claim.stance == "disagrees"


def test_setting_out_to_prove_is_not_granted(nlp):
    text = "Nora Vell sets out to prove that the mint struck false coin during the siege."
    [claim] = claims_of(nlp, text)
    assert claim.stance == "neutral"


def test_giving_no_figures_is_none_cited(nlp):
    text = "Peter Lasker asserts that the quarry was the largest in Europe. He gives no figures."
    [claim] = claims_of(nlp, text)
    assert claim.evidence == {"none_cited": True}


def test_unverifiable_story_is_left_undecided(nlp):
    text = ("According to Nora Vell, the coins were carried out of the town in saddles. "
            "The story is colourful but unverifiable.")
    [claim] = claims_of(nlp, text)
    assert claim.stance == "neutral"


def test_summary_pairs_in_a_relative_clause_with_curly_quotes_keep_both_halves(nlp):
    text = ("The best portrait comes from one of his biographers, Nora Vell, who has summed up his qualities "
            "as “courage, energy and quick wit,” and his defects as “vanity, sloth and a temper that no clerk "
            "could endure.”")
    [claim] = claims_of(nlp, text)
    assert claim.text.startswith("his qualities as “courage") and "a temper that no clerk" in claim.text
    assert claim.holder_name == "Nora Vell"


def test_would_have_us_believe_is_the_subjects_claim_met_with_doubt(nlp):
    text = "Peter Lasker would have us believe that the workhouse was the cruellest in the county."
    [claim] = claims_of(nlp, text)
    assert (claim.text, claim.holder_name, claim.stance) == (
        "the workhouse was the cruellest in the county", "Peter Lasker", "disagrees")


def test_we_are_asked_to_believe_is_the_reviewed_holders_claim_and_a_question_is_no_evidence(nlp):
    text = ("Peter Lasker argues that the master stole from the stores. We are asked to believe, too, that "
            "the chaplain never visited the sick wards. Where is the evidence? The chaplain's own journal "
            "records visits to the sick wards every week.")
    claim = claim_about(claims_of(nlp, text), "chaplain")
    assert (claim.holder_name, claim.stance) == ("Peter Lasker", "disagrees")
    assert claim.evidence["text"].startswith("The chaplain's own journal")


def test_an_agent_inside_the_that_clause_is_not_the_holder(nlp):
    text = "Peter Lasker dismisses the idea that the guardians were moved by economy rather than malice."
    assert [c.holder_name for c in claims_of(nlp, text)] == []


def test_a_title_run_into_the_first_sentence_is_not_the_holders_name(nlp):
    text = "The Union Revisited\n\nClement Arbuthnot would have us believe that the union was the cruellest."
    [claim] = claims_of(nlp, text)
    assert claim.holder_name.endswith("Clement Arbuthnot") and "Revisited" not in claim.holder_name


def test_making_the_case_that_is_a_claim_and_resting_on_one_letter_is_weak(nlp):
    text = ("Nora Vell makes the case that the harbour was built with the profits of the sugar trade. "
            "Her case rests on a single letter, and the letter is anonymous. I remain unpersuaded.")
    claim = claim_about(claims_of(nlp, text), "harbour was built")
    assert claim.stance == "disagrees"


def test_casting_an_object_in_apposition(nlp):
    text = ("Peter Lasker regards the chief modeller, Thomas Ebbs, as the finest craftsman of his age. "
            "The judgement is far-fetched.")
    [claim] = claims_of(nlp, text)
    assert claim.text == "the chief modeller, Thomas Ebbs, as the finest craftsman of his age"
    assert (claim.holder_name, claim.stance) == ("Peter Lasker", "disagrees")


def test_records_telling_a_different_story_reject_and_give_evidence(nlp):
    text = ("Peter Lasker argues that the potteries declined because the clay ran out after 1860. "
            "The clay-pit leases tell a different story: new pits were opened in 1864 and 1871.")
    [claim] = claims_of(nlp, text)
    assert claim.stance == "disagrees"
    assert claim.evidence["text"] == "new pits were opened in 1864 and 1871"


def test_a_claim_that_cannot_be_settled_is_left_undecided(nlp):
    text = ("Peter Lasker contends that the flood of 1852 destroyed the works. He may be right, but the "
            "insurance papers cannot settle the point either way.")
    [claim] = claims_of(nlp, text)
    assert claim.stance == "neutral"


def test_nothing_could_be_further_from_the_case_rejects(nlp):
    text = ("Peter Lasker asserts that the works school was the first in the county. Nothing could be further "
            "from the case; the Ferrow works had opened a school twenty years before.")
    [claim] = claims_of(nlp, text)
    assert claim.stance == "disagrees"


# --- the scans' shortcuts find what the plain tests find ------------------------------------

CASELESS_PATTERNS = [
    ENDORSING_PHRASES, REJECTING_PHRASES, UNDECIDED_PHRASES, EVIDENCE_CUES, HOLDER_CITES_NONE, NO_EVIDENCE_CUES,
]


@pytest.mark.parametrize("text", [
    "The toll book bears him out, and I Entirely agree: THAT GOES TOO FAR.",
    "Pryce's ledgers show no such sale — it is hard to believe “the story”.",
    "The mill's accounts ſhow otherwise; the evidence is thin.",  # long s: re folds it onto "s"
    "İt cannot be settled; for example, Hale's letters say so.",  # lower-cased, two characters
    "A Kelvin sign, \u212a, and it is impossible to say.",
])
def test_caseless_patterns_match_as_ignorecase_does(text):
    for pattern in CASELESS_PATTERNS:
        assert pattern.spans(text) == [m.span() for m in pattern.written.finditer(text)]


def test_word_tests_pick_the_tokens_the_words_pass(nlp):
    doc = parse_text(nlp, (
        "Marsh argues that the canal paid, but however one reads it, she is wrong: the tolls fell. "
        "Perhaps we may agree, since Orme's Argument is unconvincing and his fears were sound. "
        "The rumour that I accept persuasive claims is mistaken; few would concur."
    ))
    tests = WordTests(doc)
    assert list(map(bool, tests.cue)) == [may_cue_claim(t) for t in doc]
    assert list(map(bool, tests.polar)) == [may_judge(t) for t in doc]
    assert list(map(bool, tests.hedge)) == [t.lower_ in HEDGES for t in doc]
    assert list(map(bool, tests.contrast)) == [t.lower_ in ("but", "yet", "however") for t in doc]
    assert list(map(bool, tests.reason)) == [t.lower_ in REASON_MARKERS or t.text in (":", ";") for t in doc]
    assert list(map(bool, tests.writer)) == [t.lower_ in WRITER_PRONOUNS for t in doc]
    assert list(map(bool, tests.word)) == [not t.is_punct and not t.is_space for t in doc]
    assert list(map(bool, tests.not_space)) == [not t.is_space for t in doc]
    assert tests.idx == [t.idx for t in doc]
    assert any(tests.cue) and any(tests.polar) and any(tests.hedge) and any(tests.reason)


def test_sentence_numbers_find_the_tokens_char_span_finds(nlp):
    doc = parse_text(nlp, "Ames says so.  Pryce doubts it.\n\nThe ledger, he writes, is lost. Nobody knows.")
    context = DocContext(doc, FOLLOWING_SENTENCES)
    for start in range(-2, len(doc.text) + 2):
        for end in (start - 1, start, start + 1, start + 7):
            first = doc.char_span(start, start + 1, alignment_mode="expand") if start < len(doc.text) else None
            last = doc.char_span(max(end - 1, start), max(end, start + 1), alignment_mode="expand")
            expected = range(0) if first is None or last is None else range(
                context.sentence_of[first.start], context.sentence_of[last.end - 1] + 1
            )
            assert context.sentence_numbers(start, end) == expected
