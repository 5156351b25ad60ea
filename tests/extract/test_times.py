"""Time expressions: what is found, the EDTF values, anchoring, and what is not a time."""
import pytest
from edtf import parse_edtf

from historiograph.extract.times import find_times
from historiograph.parse import parse_text


def values(text, date=None):
    return [(t.text, t.value) for t in find_times(text, date)]


@pytest.mark.parametrize("text, expected", [
    ("The ship sailed on November 7, 1917.", [("November 7, 1917", "1917-11-07")]),
    ("It sank on 24 February 1848.", [("24 February 1848", "1848-02-24")]),
    ("The fire of March 1848 spread.", [("March 1848", "1848-03")]),
    ("He wrote between 1954 and 1958.", [("between 1954 and 1958", "1954/1958")]),
    ("She taught from 1929 to 1933.", [("from 1929 to 1933", "1929/1933")]),
    ("The war of 1929-33 ended.", [("1929-33", "1929/1933")]),
    ("Tastes changed in the late 1940s.", [("the late 1940s", "1947/1949")]),
    ("Tastes changed in the 1940s.", [("the 1940s", "194X")]),
    ("Tastes changed in the mid-1950s.", [("the mid-1950s", "1954/1956")]),
    ("They met early in 1952.", [("early in 1952", "1952-01/1952-04")]),
    ("They met in the summer of 1961.", [("the summer of 1961", "1961-22")]),
    ("It was built about 1760.", [("about 1760", "1760~")]),
    ("He died, probably in 1941.", [("probably in 1941", "1941?")]),
    ("Ledgers of the nineteenth century survive.", [("the nineteenth century", "18XX")]),
    ("They left at the end of 1875.", [("at the end of 1875", "1875-12")]),
    ("They met between September 1939 and May 1940.", [("between September 1939 and May 1940", "1939-09/1940-05")]),
])
def test_absolute_expressions(text, expected):
    assert values(text) == expected


def test_night_of_two_days_takes_the_year_from_the_discourse():
    found = values("The council sat on November 7, 1917, and the night of November 6 to 7 was quiet.")
    assert found == [("November 7, 1917", "1917-11-07"), ("the night of November 6 to 7", "1917-11-06/1917-11-07")]


@pytest.mark.parametrize("text, expected", [
    ("Her papers were sold last October.", "1961-10"),
    ("A plaque goes up this summer.", "1962-22"),
    ("The council voted yesterday.", "1962-03-14"),
    ("The book appeared last year.", "1961"),
    ("Ten years ago it was unthinkable.", "1952"),
    ("The decision takes effect next spring.", "1963-21"),
    ("It was catalogued last week.", "1962-03-05/1962-03-11"),
])
def test_relative_expressions_count_from_the_publication_date(text, expected):
    assert [v for _, v in values(text, "1962-03-15")] == [expected]


def test_last_october_before_and_after_october():
    assert values("They came last October.", "1962-11-02") == [("last October", "1962-10")]


def test_later_counts_from_the_last_date_of_the_story():
    text = ("The dockers struck on April 3, 1926. Two years later the board dismissed them. "
            "The following spring they were rehired.")
    assert values(text, "1980-01-01") == [
        ("April 3, 1926", "1926-04-03"), ("Two years later", "1928"), ("The following spring", "1929-21")]


def test_a_date_given_in_passing_does_not_move_the_story():
    text = ("The strike began on April 3, 1926. The mayor, who had served from 1901 to 1905, "
            "resigned. Two months later it ended.")
    assert values(text)[-1] == ("Two months later", "1926-06")


def test_a_month_after_an_autumn_is_in_the_next_year():
    text = "The party wintered at the post in the autumn of 1873. In January the ice closed the river."
    assert values(text)[-1] == ("January", "1874-01")


@pytest.mark.parametrize("text", [
    "The book runs to 1,240 pages and costs $14.95.",
    "They printed 1500 copies of it.",
    "It fell on page 1912 of the second volume.",
    "The Twentieth Congress met in Moscow.",
    "The troops were ordered to march on the capital.",
    "The price was £1917 at auction.",
])
def test_numbers_that_are_not_times(text):
    assert values(text) == []


def test_without_any_anchor_the_year_is_left_unspecified():
    assert values("They left last October.") == [("last October", "XXXX-10")]


def test_every_value_parses_as_edtf():
    text = ("On the night of March 3 to 4, 1848, in the spring, the late 1920s, the twentieth century, "
            "three weeks later, the following winter, that year, this century, the thirties, around 1900.")
    for time in find_times(text, "1950-06-01"):
        parse_edtf(time.value)


def test_a_date_inside_a_title_is_flagged(nlp):
    text = ("Josiah Crane wrote much. Crane's pamphlet, The Salt Question in 1860, sold well, "
            "and in 1861 he was elected.")
    doc = parse_text(nlp, text, date="1980-01-01")
    times = {t.text: t for t in doc._.times}
    assert times["1860"].in_title is True
    assert times["1861"].in_title is False


def test_component_writes_times_with_offsets(nlp):
    text = "The archive flooded on 2 February 1947. Yesterday the council voted."
    doc = parse_text(nlp, text, date="1990-05-20")
    assert [(t.value, t.relative) for t in doc._.times] == [("1947-02-02", False), ("1990-05-19", True)]
    for time in doc._.times:
        assert text[time.start:time.end] == time.text


def test_a_date_that_is_a_book_title_is_flagged():
    times = find_times("She praised his book April 2, 1919, which the censors banned in 1925.")
    assert [(t.text, t.in_title) for t in times] == [("April 2, 1919", True), ("1925", False)]


@pytest.mark.parametrize("date", ["1900-02-29", "1999-13-01", "not a date", "0001-01-01"])
def test_malformed_or_extreme_publication_dates_do_not_crash(date):
    for time in find_times("Yesterday, last October, two years later, on March 3.", date):
        parse_edtf(time.value)


@pytest.mark.parametrize("text, expected", [
    ("The council met on November 7, 1917; it could have met some days earlier.", "1917-11~"),
    ("The rising came in March 1921, and he defended it many years later.", "1922/.."),
    ("The rising came in March 1921; some months earlier he had warned of it.", "../1921-02"),
])
def test_vague_offsets_are_approximate_or_open(text, expected):
    assert values(text, "1980-04-17")[-1][1] == expected


@pytest.mark.parametrize("text, expected", [
    ("Reform could have come years earlier than 1921, she argues.", [("years earlier than 1921", "../1920")]),
    ("The mills closed before 1921.", [("before 1921", "../1920")]),
    ("Wages fell after 1929.", [("after 1929", "1930/..")]),
    ("The canal was finished by 1930.", [("by 1930", "../1930")]),
    ("He kept the post until 1945.", [("until 1945", "../1945")]),
    ("The house has stood empty since 1950.", [("since 1950", "1950/1980-04-17")]),
    ("The treaty was signed before March 3, 1848.", [("before March 3, 1848", "../1848-03-02")]),
    ("Two years before 1929 the bank failed.", [("Two years before 1929", "1927")]),
    ("The roads were mapped decades before 1950.", [("decades before 1950", "../1940")]),
    ("They left by the end of 1875.", [("by the end of 1875", "../1875-12")]),
    ("The town was closed until the 1930s.", [("until the 1930s", "../1939")]),
    ("Reading has revived since the 1850s.", [("since the 1850s", "1850/1980-04-17")]),
    ("It sat until the summer of 1881.", [("until the summer of 1881", "../1881-22")]),
    ("They plan to publish by next year.", [("by next year", "../1981")]),
])
def test_bounds_open_an_interval(text, expected):
    found = values(text, "1980-04-17")
    assert found == expected
    for _, value in found:
        parse_edtf(value)


def test_since_in_a_past_narrative_runs_to_the_story_date():
    text = "The presses stopped on 9 November 1955, and for the first time since 1887 the paper failed to appear."
    assert values(text, "1994-02-16")[-1] == ("since 1887", "1887/1955-11-09")


def test_decades_before_without_a_number_counts_from_the_last_date():
    text = "The mutiny broke out in March 1921. Scholars abroad had described such risings decades before."
    assert values(text, "1980-04-17")[-1] == ("decades before", "../1911")


@pytest.mark.parametrize("text, expected", [
    ("Last Saturday I climbed the hill.", [("Last Saturday", "1990-09-29")]),
    ("The council met on Monday.", [("Monday", "1990-10-01")]),
    ("The council will meet on Friday.", [("Friday", "1990-10-05")]),
    ("The fair opens next Tuesday.", [("next Tuesday", "1990-10-09")]),
    ("The library is closed on Saturdays.", []),
])
def test_weekdays_count_from_the_publication_date(text, expected):
    assert values(text, "1990-10-04") == expected  # a Thursday


def test_days_of_a_story_told_day_by_day():
    text = ("The king fled on March 3, 1848. On Sunday the crowd returned. The day before, the guards "
            "had left. That evening it rained. The next day all was calm.")
    assert [v for _, v in values(text, "1990-10-04")] == [
        "1848-03-03", "1848-03-05", "1848-03-04", "1848-03-05", "1848-03-06"]  # a look back stays put


def test_a_weekday_before_a_date_leaves_it_to_the_date():
    assert values("He died on Monday, May 3, 1920.") == [("May 3, 1920", "1920-05-03")]


def test_weekday_tense_is_read_in_its_own_clause():
    text = "The council meets on Tuesday. The papers were sent on Friday, and the archive will show them."
    assert values(text, "1992-03-06") == [("Tuesday", "1992-03-10"), ("Friday", "1992-02-28")]


def test_decades_later_counts_from_the_decade_just_named():
    text = "The diary ends probably in 1811. It was copied in the 1890s and again some decades later."
    assert values(text, "1992-03-06")[-1] == ("some decades later", "1900/..")


@pytest.mark.parametrize("text, expected", [
    ("The party did not move again until March 2, 1874.", ("until March 2, 1874", "1874-03-02")),
    ("Nobody returned until 1956.", ("until 1956", "1956")),
    ("The inquiry sat until March 1872.", ("until March 1872", "../1872-03")),
])
def test_a_negation_before_until_makes_the_date_an_event(text, expected):
    assert values(text)[-1] == expected


def test_a_look_back_by_an_amount_does_not_move_the_story():
    text = "The warehouse was robbed on August 15, 1866. The mayor had been warned three weeks before. A month later he left."
    assert [v for _, v in values(text)] == ["1866-08-15", "1866-07-25", "1866-09"]


@pytest.mark.parametrize("text, expected", [
    ("She will lecture again in the autumn.", [("the autumn", "1976-23")]),
    ("The crew sailed on 3 May 1851 and in the summer reached the ice.", [("3 May 1851", "1851-05-03"), ("the summer", "1851-22")]),
    ("The fall of the city was sudden.", []),
])
def test_a_season_without_a_year_is_of_the_year_reached(text, expected):
    assert values(text, "1976-06-03") == expected


def test_later_and_earlier_count_from_the_story_not_the_writers_present():
    text = ("The bridge opened on June 2, 1962. The council repainted it last October, and engineers "
            "had warned about its piers decades before.")
    assert values(text, "1980-04-17") == [
        ("June 2, 1962", "1962-06-02"), ("last October", "1979-10"), ("decades before", "../1952")]


def test_the_fast_edtf_check_never_accepts_what_edtf_rejects():
    import itertools
    import random

    from edtf import parse_edtf

    from historiograph.extract.times import _plain_edtf

    points = ["1848", "1848-02", "1848-02-24", "1961-22", "194X", "19XX", "1900-02-29", "1904-02-29",
              "1848-13", "1848-00", "1848-02-30", "1961-25", "1961-21-03", "184X-02", "..", "", "1848-2"]
    values = points + [f"{a}/{b}" for a, b in itertools.product(points, repeat=2)]
    random.Random(7).shuffle(values)
    for value in values:
        if _plain_edtf(value):
            parse_edtf(value)  # raises if edtf disagrees
