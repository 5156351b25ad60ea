"""Time rules are tried only near the words they need: they must find what a full scan finds."""
import pytest

from historiograph.extract.times import RULES, WordIndex, case_folded, find_times

RULES_BY_NAME = {rule.name: rule for rule in RULES}

# For each rule, a match whose needed word begins as far into it as the rule allows (its reach)
LONGEST_OPENINGS = {
    "day_range": "The afternoon of September 12 to 13, 1848",
    "night_of": "The afternoon of September 12, 1848",
    "date_mdy": "September 12, 1848",
    "date_dmy": "31st of December 1899",
    "month_range": "from March to May, 1848",
    "month_year_range": "between September 1939 and May 1940",
    "part_of_relative_year": "The autumn of the following year",
    "month_year": "September 1939",
    "month_alone": "through early March",
    "year_range": "between the years 1890 and 1900",
    "year_dash": "1929-33",
    "decade": "The middle-1890s",
    "spelled_decade": "The middle-seventies",
    "century": "The middle-twenty-first century",
    "century_part": "The beginning of the century",
    "season_year": "The autumn of 1873",
    "part_of_year": "at the beginning of 1875",
    "hedged_year": "some time around 1760",
    "relative_unit": "the following spring",
    "offset": "some time around a hundred centuries later",
    "vague_offset": "a number of decades later",
    "season_alone": "through the autumn",
    "deictic_day": "yesterday",
    "weekday": "since Last Wednesday",
    "day_around": "The evening before,",
    "bare_year": "1848",
}


def test_every_rule_has_a_longest_opening():
    assert set(LONGEST_OPENINGS) == set(RULES_BY_NAME)


@pytest.mark.parametrize("name, opening", LONGEST_OPENINGS.items())
def test_a_match_is_found_however_far_into_it_its_needed_word_is(name, opening):
    rule = RULES_BY_NAME[name]
    text = f"Of it: {opening}. And again, {opening.lower()}; {opening.upper()}"
    expected = [(match.span(), match.groupdict()) for match in rule.pattern.finditer(text)]
    found = [(match.span(), match.groupdict()) for match in rule.matches(text, WordIndex(text))]
    assert expected and found == expected
    start = text.index(opening)
    starts = WordIndex(text).starts(rule.needs)
    assert min(at for at in starts if at >= start) - start == rule.reach  # the example is the longest


def test_the_text_is_folded_as_the_regex_engine_ignores_case():
    assert case_folded("Long ſ, dotless ı, KELVIN K") == "long s, dotless i, kelvin k"
    assert case_folded("İstanbul") == "istanbul"  # one letter still: positions stay the text's


@pytest.mark.parametrize("text, expected", [
    ("It was built, poſſibly in 1941.", [("poſſibly in 1941", "1941?")]),
    ("It was rebuilt in İzmir in the thirties.", [("the thirties", "193X")]),
])
def test_letters_that_fold_oddly_do_not_hide_a_time(text, expected):
    assert [(t.text, t.value) for t in find_times(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("The harvest failed laſt year.", [("laſt year", "1794")]),  # long s, as eighteenth-century type set it
    ("The mill burned in the ſpring of 1790.", [("the ſpring of 1790", "1790-21")]),
    ("The mill burned in the SPRİNG of 1790.", [("the SPRİNG of 1790", "1790-21")]),  # a dotted capital I
    ("They sailed on Wedneſday and returned two yearſ later.", [("Wedneſday", "1794-12-31"), ("two yearſ later", "1796")]),
])
def test_words_matched_through_odd_letters_are_read_as_the_words_they_are(text, expected):
    assert [(t.text, t.value) for t in find_times(text, "1795-01-01")] == expected
