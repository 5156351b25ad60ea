"""People and organisations with aliases and pronouns (historiograph_entities)."""
import pytest
import spacy

from historiograph.extract.entities import entity_at, header_people, name_words
from historiograph.parse import DEFAULT_MODEL, load_pipeline, parse_text

COMPONENTS = ["historiograph_entities", "historiograph_quotes"]


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(extractors=COMPONENTS)


def people(doc):
    return [e for e in doc._.entities if e.type == "PERSON"]


def entity_named(doc, name):
    return next(e for e in doc._.entities if e.name == name)


def test_aliases_honorifics_and_possessives_are_one_entity(nlp):
    text = (
        "Anna K. Petrova spent ten years in the archives of Riga. Petrova is a patient historian. "
        "Dr. Petrova's book is long, and Anna Petrova knows it."
    )
    doc = parse_text(nlp, text)
    petrova = entity_named(doc, "Anna K. Petrova")
    assert petrova.type == "PERSON"
    assert {"Petrova", "Dr. Petrova", "Anna Petrova"} <= set(petrova.aliases)
    assert [m.text for m in petrova.mentions if m.text[0].isupper() and m.text not in ("She", "Her")] == [
        "Anna K. Petrova", "Petrova", "Dr. Petrova", "Anna Petrova"]
    assert all(text[m.start:m.end] == m.text for m in petrova.mentions)


def test_namesakes_with_different_first_names_stay_apart(nlp):
    text = (
        "Gareth Lowe has driven the cranes for thirty years. Lowe said the deal was poor. "
        "His sister, Sian Lowe, disagreed."
    )
    doc = parse_text(nlp, text)
    names = sorted(e.name for e in people(doc))
    assert names == ["Gareth Lowe", "Sian Lowe"]
    gareth = entity_named(doc, "Gareth Lowe")
    assert "Lowe" in [m.text for m in gareth.mentions]


def test_bare_surname_goes_to_the_namesake_already_called_so(nlp):
    text = (
        "Benjamin Okafor printed pamphlets. Okafor was jailed twice. "
        "His wife, Ruth Okafor, kept the shop. Okafor never thanked her."
    )
    doc = parse_text(nlp, text)
    benjamin = entity_named(doc, "Benjamin Okafor")
    last = text.rindex("Okafor never")
    assert entity_at(doc, last) is benjamin


def test_header_names_are_people_whatever_the_ner_said(nlp):
    header = {"title": "Salt", "reviewed": [{"title": "The Salt Roads",
              "lines": ["by Miriam O. Adeyemi, translated by Claude Ferrand", "Harbourline Press, 312 pp., $28.00"]}]}
    assert header_people(header) == ["Miriam O. Adeyemi", "Claude Ferrand"]
    doc = parse_text(nlp, "Adeyemi has read the ledgers. Ferrand translates them well.", header=header)
    assert {e.name for e in people(doc)} == {"Miriam O. Adeyemi", "Claude Ferrand"}


def test_pronouns_resolve_by_gender_and_subjecthood(nlp):
    text = (
        "Eliza Marchbank grew apples in Kent. Josiah Dunning ran the railway. "
        "She fought him in the courts, and he lost."
    )
    doc = parse_text(nlp, text)
    eliza, josiah = entity_named(doc, "Eliza Marchbank"), entity_named(doc, "Josiah Dunning")
    assert entity_at(doc, text.index("She")) is eliza
    assert entity_at(doc, text.index("him")) is josiah
    assert entity_at(doc, text.index("he lost")) is josiah
    assert eliza.gender == "f" and josiah.gender == "m"


def test_a_pronoun_is_not_the_subject_of_the_clause_it_interrupts(nlp):
    text = "Thomas Kellaway is fair to Josiah Dunning. Dunning, he notes, was no villain."
    doc = parse_text(nlp, text)
    assert entity_at(doc, text.index("he notes")) is entity_named(doc, "Thomas Kellaway")


def test_organisations_get_entities_and_offsets_outside_mentions_get_none(nlp):
    text = "The Westhaven Port Authority agreed to the terms on Tuesday."
    doc = parse_text(nlp, text)
    authority = entity_named(doc, "Westhaven Port Authority")
    assert authority.type == "ORG"
    assert entity_at(doc, text.index("Port")) is authority
    assert entity_at(doc, text.index("Tuesday")) is None


def test_name_words_drop_titles_and_possessive():
    assert name_words("Dr. Anna Petrova's") == (["dr."], ["Anna", "Petrova"])
    assert name_words("the Reverend Silas Orme") == (["the", "reverend"], ["Silas", "Orme"])


def test_component_plugs_into_a_bare_spacy_pipeline():
    bare = spacy.load(DEFAULT_MODEL)
    bare.add_pipe("historiograph_entities")
    doc = bare("Colin Vetch wrote the book. Vetch was fourteen then.")
    assert [e.name for e in doc._.entities if e.type == "PERSON"] == ["Colin Vetch"]


def test_subject_pronoun_continues_the_last_subject_over_a_name_in_passing(nlp):
    text = "Colin Vetch never liked the critics. While mocking Desmond Aird's reviews he could still quote them."
    doc = parse_text(nlp, text)
    assert entity_at(doc, text.index("he could")) is entity_named(doc, "Colin Vetch")


def test_name_particles_belong_to_the_surname(nlp):
    doc = parse_text(nlp, "Faisal bin Harith sold rope on the quay. Later bin Harith sold sails. "
                          "Jan van Loon bought them, and van Loon paid late.")
    assert {"bin Harith"} <= set(entity_named(doc, "Faisal bin Harith").aliases)
    assert {"van Loon"} <= set(entity_named(doc, "Jan van Loon").aliases)


def test_a_first_name_beside_a_kinship_word_is_a_person_of_its_own(nlp):
    doc = parse_text(nlp, "Carla Venn farmed the upper field. Her husband, Iestyn, drove the tractor. He said little.")
    iestyn = entity_named(doc, "Iestyn")
    assert iestyn.type == "PERSON" and "He" in [m.text for m in iestyn.mentions]
    assert "Her" in [m.text for m in entity_named(doc, "Carla Venn").mentions]


def test_a_body_called_by_its_last_word_is_the_same_body(nlp):
    doc = parse_text(nlp, "The Barrow Bridge Trustees met in June. The Trustees refused the toll.")
    trustees = entity_named(doc, "Barrow Bridge Trustees")
    assert [m.text for m in trustees.mentions] == ["The Barrow Bridge Trustees", "Trustees"]


def test_a_name_inside_a_quote_is_no_antecedent_outside_it(nlp):
    doc = parse_text(nlp, "Walter Brisk kept the lock. “Ask Hamish, he knows the river,” he told the visitors.")
    brisk = entity_named(doc, "Walter Brisk")
    assert text_of_last_pronoun(doc) in [m.start for m in brisk.mentions]


def text_of_last_pronoun(doc):
    return doc.text.rindex(" he ") + 1
