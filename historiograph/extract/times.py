"""Time expressions -> EDTF: the ``historiograph_times`` component.

Rules find candidate spans (dates, months, years, decades, centuries, seasons, ranges, hedged
and relative expressions); overlapping candidates are resolved longest first; then the
survivors are normalised in reading order, so that "two years later" is anchored to the last
date the discourse named and "last October" to the publication date.

Conventions for values that EDTF leaves open (the gold follows them):
    the 1940s -> 194X             the late 1940s -> 1947/1949 (early 0-3, mid 4-6, late 7-9)
    the nineteenth century -> 18XX  (early/mid/late: thirds of the century, as intervals)
    early in 1952 -> 1952-01/1952-04, mid-1952 -> 1952-05/1952-08, late 1952 -> 1952-09/1952-12
    about 1952 -> 1952~           probably in 1952 -> 1952?
    seasons: spring 21, summer 22, autumn 23, winter 24 (the winter starting in December of Y)
    no anchor at all -> unspecified digits (XXXX-10 for "last October")
    open bounds (EDTF level 1 open intervals): before 1921 -> ../1920, years earlier than 1921
    -> ../1920, after 1929 -> 1930/.., by 1930 / until 1945 -> ../1930, ../1945, since 1950 ->
    1950/<publication date> (to the story's date in a past narrative); decades before -> ../Y-10
    weekdays: last/next/this Saturday from the publication date; "on Monday" the last one before
    publication (the next one in the future tense), or the first on or after a story told by days
"""

import bisect
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Optional

from edtf import parse_edtf
from spacy.language import Language
from spacy.tokens import Doc

from ..model import TimeExpr
from . import PIPELINE, annotations, case_folded, text_of

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan."), ("february", "feb."), ("march", "mar."), ("april", "apr."),
            ("may",), ("june",), ("july",), ("august", "aug."),
            ("september", "sept.", "sep."), ("october", "oct."), ("november", "nov."),
            ("december", "dec."),
        ],
        start=1,
    )
    for name in names
}
SEASONS = {"spring": 0, "summer": 1, "autumn": 2, "fall": 2, "winter": 3}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a hundred": 100,
}
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21,
}
DECADE_WORDS = {
    "twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6, "seventies": 7,
    "eighties": 8, "nineties": 9,
}
# early/mid/late as the part of a span they cover: (first, last) in tenths of the span
PART_TENTHS = {"early": (0, 3), "mid": (4, 6), "middle": (4, 6), "late": (7, 9)}
# early/mid/late of a year, and the beginning/end of one, as month ranges
PART_MONTHS = {
    "early": (1, 4), "beginning": (1, 1), "start": (1, 1), "mid": (5, 8), "middle": (5, 8),
    "late": (9, 12), "end": (12, 12), "close": (12, 12),
}
# Words that hedge a year: approximate (~) or uncertain (?) in EDTF
APPROXIMATE_WORDS = ("about", "around", "circa", "c.", "ca.", "approximately", "roughly", "some time around")
UNCERTAIN_WORDS = ("probably", "perhaps", "possibly", "presumably")

# Capitalised only: "march", "may" and "august" are also common words
_MONTH_ALT = "|".join(sorted((re.escape(m.capitalize()) for m in MONTHS), key=len, reverse=True))
_SEASON_ALT = "|".join(SEASONS)
_NUMBER_ALT = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r"|\d{1,3}"
_ORDINAL_ALT = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True)) + r"|\d{1,2}(?:st|nd|rd|th)"
_APPROXIMATE_ALT = "|".join(map(re.escape, APPROXIMATE_WORDS))
_UNCERTAIN_ALT = "|".join(map(re.escape, UNCERTAIN_WORDS))


def _month(name: str) -> str:
    return rf"(?P<{name}>{_MONTH_ALT})(?![a-z])"


def _year(name: str) -> str:
    # Four digits from 1000 to 2099, not inside a longer number, a price or a reference
    return rf"(?<![\w$£€#,./-])(?P<{name}>1\d{{3}}|20\d{{2}})(?!\d|,\d|\.\d)"


def _day(name: str) -> str:
    return rf"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"


_DASH = r"\s?(?:-|–|—|to|and|until|till|through)\s?"


@dataclass
class Anchor:
    """The date a relative expression counts from: a year with an optional month and day."""

    year: int
    month: Optional[int] = None
    day: Optional[int] = None

    @classmethod
    def from_iso(cls, iso: Optional[str]) -> Optional["Anchor"]:
        match = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", iso or "")
        if not match:
            return None
        year, month, day = (int(part) if part else None for part in match.groups())
        if month is not None and not 1 <= month <= 12:
            return cls(year)
        if day is not None and not _valid_day(year, month, day):
            day = None  # a malformed date still gives its year and month
        return cls(year, month, day)

    def as_date(self) -> Optional[date]:
        return date(self.year, self.month, self.day) if self.month and self.day else None


class Context:
    """What normalisation reads: the publication date and the last date the discourse named."""

    def __init__(self, publication_date: Optional[str]):
        self.publication = Anchor.from_iso(publication_date)
        self.discourse: Optional[Anchor] = None
        # the start of the last decade or century named since then ("the 1890s ... decades later")
        self.coarse: Optional[Anchor] = None
        # the last date of the story itself, not of the writer's present ("last December")
        self.story: Optional[Anchor] = None

    def story_or_publication(self) -> Optional[Anchor]:
        return self.story or self.discourse or self.publication

    def discourse_or_publication(self) -> Optional[Anchor]:
        return self.discourse or self.publication

    def publication_or_discourse(self) -> Optional[Anchor]:
        return self.publication or self.discourse


@dataclass
class Value:
    """A normalised value, whether it was anchored, and the date it leaves for what follows."""

    edtf: str
    relative: bool = False
    anchor: Optional[Anchor] = None
    deictic: bool = False  # counted from the publication date: the writer's present


Handler = Callable[[re.Match, Context], Optional[Value]]


@dataclass
class Rule:
    name: str
    pattern: re.Pattern
    handler: Handler
    group: str | int = 0  # the part of the match that is the time expression
    # Lower-case strings one of which every match contains, beginning at most `reach` characters
    # into it: the pattern is tried only there, as its optional openings and case-insensitive
    # alternations give the regex engine no prefix to scan for, so it would try every position.
    needs: tuple[str, ...] = ()
    reach: int = 0

    def matches(self, text: str, words: "WordIndex") -> Iterable[re.Match]:
        """The matches ``pattern.finditer(text)`` gives; ``words`` indexes the same text."""
        if not self.needs:
            return self.pattern.finditer(text)
        return matches_near(self.pattern, text, words.starts(self.needs), self.reach)


class WordIndex:
    """Where the strings the rules need occur in one text: each is looked for once, as several
    rules need the same ones (the months) and a look is a scan of the whole text."""

    def __init__(self, text: str):
        self.folded = case_folded(text)
        self._starts: dict[str, list[int]] = {}

    def starts(self, words: Iterable[str]) -> list[int]:
        """Where any of the words begins in the folded text, in order (overlapping ones too)."""
        found = []
        for word in words:
            if word not in self._starts:
                self._starts[word] = self._occurrences(word)
            found += self._starts[word]
        return sorted(found)

    def _occurrences(self, word: str) -> list[int]:
        starts = []
        start = self.folded.find(word)
        while start >= 0:
            starts.append(start)
            start = self.folded.find(word, start + 1)
        return starts


def matches_near(pattern: re.Pattern, text: str, starts: list[int], reach: int) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, trying only the positions at most ``reach`` before a start.

    ``match`` at a position sees the text around it (lookbehinds, word boundaries) as a search
    does; as in ``finditer``, the next match is looked for from where the last one ended.
    """
    position = 0  # the positions before this were tried, or lie inside a match
    for start in starts:
        position = max(position, start - reach)
        while position <= start:
            match = pattern.match(text, position)
            if match:
                yield match
                position = max(match.end(), position + 1)
            else:
                position += 1


def _ymd(year: int, month: Optional[int] = None, day: Optional[int] = None) -> str:
    text = f"{year:04d}"
    if month:
        text += f"-{month:02d}"
        if day:
            text += f"-{day:02d}"
    return text


def _absolute(year: int, month: Optional[int] = None, day: Optional[int] = None) -> Value:
    return Value(_ymd(year, month, day), anchor=Anchor(year, month, day))


def _month_number(text: str) -> int:
    return MONTHS[case_folded(text)]


def _valid_day(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _year_of(match: re.Match, context: Context, group: str = "year") -> tuple[Optional[int], bool]:
    """The year the match names, or the one the discourse supplies (then it is relative)."""
    if match.group(group):
        return int(match.group(group)), False
    anchor = context.discourse_or_publication()
    return (anchor.year if anchor else None), True


def _unspecified_year(month: Optional[int] = None, day: Optional[int] = None) -> Value:
    text = "XXXX" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if month and day else "")
    return Value(text, relative=True)


# --- handlers: one per kind of expression -------------------------------------------------


def full_date(match: re.Match, context: Context) -> Optional[Value]:
    month = _month_number(match.group("month"))
    day = int(match.group("day"))
    year, relative = _year_of(match, context)
    if year is None:
        return _unspecified_year(month, day)
    if not _valid_day(year, month, day):
        return None
    value = _absolute(year, month, day)
    value.relative = relative
    return value


def day_range(match: re.Match, context: Context) -> Optional[Value]:
    """March 3 to 4, 1848; the night of November 6 to 7: an interval of days."""
    month = _month_number(match.group("month"))
    first, last = int(match.group("day")), int(match.group("day2") or 0)
    year, relative = _year_of(match, context)
    if year is None:
        return _unspecified_year(month, first)
    if not _valid_day(year, month, first) or (last and not _valid_day(year, month, last)):
        return None
    if not last or last == first:
        return Value(_ymd(year, month, first), relative, Anchor(year, month, first))
    if last < first:
        return None
    return Value(f"{_ymd(year, month, first)}/{_ymd(year, month, last)}", relative, Anchor(year, month, last))


def month_year(match: re.Match, context: Context) -> Optional[Value]:
    return _absolute(int(match.group("year")), _month_number(match.group("month")))


def month_range(match: re.Match, context: Context) -> Optional[Value]:
    year = int(match.group("year"))
    first, last = _month_number(match.group("month")), _month_number(match.group("month2"))
    if last <= first:
        return None
    return Value(f"{_ymd(year, first)}/{_ymd(year, last)}", anchor=Anchor(year, last))


# A narrative moves forward: a month named this much before the anchor's month ("the autumn of
# 1873 ... In January") is in the following year
NEW_YEAR_GAP = 6


def month_alone(match: re.Match, context: Context) -> Optional[Value]:
    """'in October': the October of the year under discussion."""
    month = _month_number(match.group("month"))
    anchor = context.discourse_or_publication()
    if anchor is None:
        return _unspecified_year(month)
    year = anchor.year + (1 if anchor.month and anchor.month - month >= NEW_YEAR_GAP else 0)
    return Value(_ymd(year, month), True, Anchor(year, month))


def month_year_range(match: re.Match, context: Context) -> Optional[Value]:
    """between September 1939 and May 1940."""
    first = (int(match.group("year")), _month_number(match.group("month")))
    last = (int(match.group("year2")), _month_number(match.group("month2")))
    if last <= first:
        return None
    return Value(f"{_ymd(*first)}/{_ymd(*last)}", anchor=Anchor(*last))


# "February of that year", "the summer of the following year": the year counted from the discourse
RELATIVE_YEARS = {"that": 0, "the same": 0, "the following": 1, "the next": 1, "the previous": -1,
                  "the preceding": -1}


def part_of_relative_year(match: re.Match, context: Context) -> Optional[Value]:
    anchor = context.discourse_or_publication()
    modifier = re.sub(r"\s+", " ", case_folded(match.group("modifier")))
    if anchor is None:
        return None
    year = anchor.year + RELATIVE_YEARS[modifier]
    if match.group("month"):
        month = _month_number(match.group("month"))
        return Value(_ymd(year, month), True, Anchor(year, month))
    season = SEASONS[case_folded(match.group("season"))]
    return Value(f"{year}-{21 + season}", True, Anchor(year, 3 + 3 * season))


def year_range(match: re.Match, context: Context) -> Optional[Value]:
    first, last_text = match.group("year"), match.group("year2")
    last = int(first[: 4 - len(last_text)] + last_text)  # 1929-33 -> 1933
    if last <= int(first):
        return None
    return Value(f"{first}/{last}", anchor=Anchor(last))


def _part_interval(start: int, span: int, part: Optional[str]) -> str:
    """A decade or century, whole (194X, 18XX) or its early/mid/late part as an interval."""
    if not part:
        digits = len(str(span)) - 1
        return f"{start:04d}"[: 4 - digits] + "X" * digits
    first, last = PART_TENTHS[part]
    step = span // 10
    if span == 100:  # thirds of a century, not tenths
        first, last = {"early": (0, 33), "mid": (34, 66), "middle": (34, 66), "late": (67, 99)}[part]
        return f"{start + first:04d}/{start + last:04d}"
    return f"{start + first * step:04d}/{start + last * step + step - 1:04d}"


def _part(match: re.Match) -> Optional[str]:
    part = match.group("part")
    return case_folded(part).rstrip("-") if part else None


def decade(match: re.Match, context: Context) -> Optional[Value]:
    start = int(match.group("decade"))
    return Value(_part_interval(start, 10, _part(match)))  # too vague to count "later" from


def spelled_decade(match: re.Match, context: Context) -> Optional[Value]:
    """'the thirties': in the century of the discourse, or of the publication, or the 1900s."""
    anchor = context.discourse_or_publication()
    century = (anchor.year // 100) * 100 if anchor else 1900
    start = century + 10 * DECADE_WORDS[case_folded(match.group("decade"))]
    if anchor and start > anchor.year:
        start -= 100
    return Value(_part_interval(start, 10, _part(match)), relative=True)


def century(match: re.Match, context: Context) -> Optional[Value]:
    ordinal = case_folded(match.group("ordinal"))
    number = ORDINAL_WORDS.get(ordinal) or int(re.sub(r"\D", "", ordinal))
    start = (number - 1) * 100
    return Value(_part_interval(start, 100, _part(match))) if 1 <= number <= 21 else None


# The parts of "the end of the century": as decades (or an interval across the turn)
CENTURY_PARTS = {"end": "9X", "close": "9X", "beginning": "0X", "start": "0X", "middle": "5X", "turn": None}


def century_part(match: re.Match, context: Context) -> Optional[Value]:
    """'the end of the century': of the century under discussion."""
    anchor = context.discourse_or_publication()
    if anchor is None:
        return None
    century = anchor.year // 100 * 100
    digits = CENTURY_PARTS[case_folded(match.group("part"))]
    if digits is None:
        return Value(f"{century + 95:04d}/{century + 105:04d}", relative=True)
    return Value(f"{century // 100:02d}{digits}", relative=True)


def season_alone(match: re.Match, context: Context) -> Optional[Value]:
    anchor = context.discourse_or_publication()
    if anchor is None:
        return None
    return _nearest_season(anchor, SEASONS[case_folded(match.group("season"))], 0)


def season_year(match: re.Match, context: Context) -> Optional[Value]:
    year = int(match.group("year"))
    season = SEASONS[case_folded(match.group("season"))]
    return Value(f"{year}-{21 + season}", anchor=Anchor(year, 3 + 3 * season))


def hedged_year(match: re.Match, context: Context) -> Optional[Value]:
    year = int(match.group("year"))
    mark = "?" if re.match(_UNCERTAIN_ALT, match.group("hedge"), re.I) else "~"
    return Value(f"{year}{mark}", anchor=Anchor(year))


def bare_year(match: re.Match, context: Context) -> Optional[Value]:
    return _absolute(int(match.group("year")))


def deictic_day(match: re.Match, context: Context) -> Optional[Value]:
    """yesterday, today, tonight, tomorrow: days counted from the publication date."""
    offset = {"yesterday": -1, "tomorrow": 1}.get(case_folded(match.group(0)), 0)
    anchor = context.publication
    when = anchor.as_date() if anchor else None
    if when is None:
        return Value(_ymd(anchor.year, anchor.month) if anchor else "XXXX", relative=True)
    value = _dated(when + timedelta(days=offset))
    value.deictic = True
    return value


def _dated(when: date) -> Value:
    value = _absolute(when.year, when.month, when.day)
    value.relative = True
    return value


def _shift_months(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + months
    return total // 12, total % 12 + 1


def _season_ordinal(anchor: Anchor, edge: str) -> int:
    """Seasons counted from year 0; winter belongs to the year of its December."""
    if anchor.month is None:
        return anchor.year * 4 + (3 if edge == "end" else 0)
    year = anchor.year - 1 if anchor.month < 3 else anchor.year
    return year * 4 + {12: 3, 1: 3, 2: 3}.get(anchor.month, (anchor.month - 3) // 3)


def _season_value(ordinal: int) -> Value:
    year, season = divmod(ordinal, 4)
    return Value(f"{year}-{21 + season}", relative=True, anchor=Anchor(year, 3 + 3 * season))


def _nearest_season(anchor: Anchor, season: int, direction: int) -> Value:
    """The closest season of this kind before (-1), after (+1) or in the year of (0) the anchor."""
    if direction == 0:
        current = _season_ordinal(anchor, "start")
        if anchor.month is not None and season == 3 and current % 4 == 3:
            return _season_value(current)
        return _season_value(anchor.year * 4 + season)
    ordinal = _season_ordinal(anchor, "start" if direction < 0 else "end")
    candidate = ordinal + direction
    while candidate % 4 != season:
        candidate += direction
    return _season_value(candidate)


def _nearest_month(anchor: Anchor, month: int, direction: int) -> Value:
    year = anchor.year
    if direction < 0 and (anchor.month is None or month >= anchor.month):
        year -= 1
    if direction > 0 and (anchor.month is None or month <= anchor.month):
        year += 1
    return Value(_ymd(year, month), relative=True, anchor=Anchor(year, month))


# "last", "this", "next" count from the publication date; the others from the discourse
DIRECTIONS = {
    "last": -1, "this": 0, "next": 1, "the following": 1, "the next": 1, "the previous": -1,
    "the preceding": -1, "the same": 0, "that": 0,
}
DEICTIC_DIRECTIONS = ("last", "this", "next")


def relative_unit(match: re.Match, context: Context) -> Optional[Value]:
    """last October, the following spring, that year, the next day."""
    value = _relative_unit_value(match, context)
    modifier = re.sub(r"\s+", " ", case_folded(match.group("modifier")))
    if value is not None and modifier in DEICTIC_DIRECTIONS and context.publication:
        value.deictic = True
    return value


def _relative_unit_value(match: re.Match, context: Context) -> Optional[Value]:
    modifier = re.sub(r"\s+", " ", case_folded(match.group("modifier")))
    direction = DIRECTIONS[modifier]
    anchor = context.publication_or_discourse() if modifier in DEICTIC_DIRECTIONS else context.discourse_or_publication()
    unit = case_folded(match.group("unit"))
    if anchor is None:
        return _unspecified_year(MONTHS.get(unit))
    if unit in MONTHS:
        if direction == 0:
            return Value(_ymd(anchor.year, MONTHS[unit]), True, Anchor(anchor.year, MONTHS[unit]))
        return _nearest_month(anchor, MONTHS[unit], direction)
    if unit in SEASONS:
        return _nearest_season(anchor, SEASONS[unit], direction)
    if unit == "week":
        return _week(anchor, direction)
    return _shifted(anchor, unit, direction)


UNIT_SINGULARS = {"years": "year", "months": "month", "weeks": "week", "days": "day", "decades": "decade",
                  "centuries": "century"}


def _week(anchor: Anchor, amount: int) -> Optional[Value]:
    """last week, this week, next week: Monday to Sunday."""
    when = anchor.as_date()
    if when is None:
        return None
    monday = when - timedelta(days=when.weekday()) + timedelta(weeks=amount)
    sunday = monday + timedelta(days=6)
    return Value(f"{monday.isoformat()}/{sunday.isoformat()}", True, Anchor(sunday.year, sunday.month, sunday.day))


def _shifted(anchor: Anchor, unit: str, amount: int) -> Optional[Value]:
    """The anchor moved by an amount of a unit, at the precision of that unit."""
    unit = UNIT_SINGULARS.get(unit, unit)
    if unit == "year":
        return Value(_ymd(anchor.year + amount), True, Anchor(anchor.year + amount))
    if unit in ("decade", "century"):
        # "a decade later" is a year; "this century" is the whole century
        span = 10 if unit == "decade" else 100
        year = anchor.year + span * amount
        if amount == 0:
            return Value(_part_interval(year - year % span, span, None), True)
        return Value(_ymd(year), True, Anchor(year))
    if unit == "month":
        if anchor.month is None:
            return Value(_ymd(anchor.year + amount // 12) + "~", True, Anchor(anchor.year + amount // 12))
        year, month = _shift_months(anchor.year, anchor.month, amount)
        return Value(_ymd(year, month), True, Anchor(year, month))
    when = anchor.as_date()
    days = {"day": 1, "week": 7, "morning": 0, "evening": 0, "night": 0}.get(unit)
    if days is None:
        return None
    if when is None:
        return Value(_ymd(anchor.year, anchor.month), True, anchor) if amount == 0 else None
    return _dated(when + timedelta(days=days * amount))


def offset(match: re.Match, context: Context) -> Optional[Value]:
    """two years later, three months earlier, ten years ago."""
    amount = NUMBER_WORDS.get(case_folded(match.group("number"))) or int(match.group("number"))
    direction = case_folded(match.group("direction"))
    sign = -1 if direction in ("earlier", "before", "ago") else 1
    anchor = context.publication_or_discourse() if direction == "ago" else context.story_or_publication()
    if anchor is None:
        return Value("XXXX", relative=True)
    value = _shifted(anchor, case_folded(match.group("unit")), sign * amount)
    if value and match.group("hedge") and value.edtf[-1].isdigit() and "/" not in value.edtf:
        value.edtf += "~"
    if value and direction in ("earlier", "before"):
        value.anchor = None  # a look back: the story stays where it was
    if value and direction == "ago" and context.publication:
        value.deictic = True
    return value


def part_of_year(match: re.Match, context: Context) -> Optional[Value]:
    """Early/mid/late in a year, or its beginning/middle/end."""
    part = case_folded((match.group("part") or match.group("part_"))).rstrip("-")
    year = int(match.group("year"))
    first, last = PART_MONTHS[part]
    if first == last:
        return Value(_ymd(year, first), anchor=Anchor(year, first))
    return Value(f"{_ymd(year, first)}/{_ymd(year, last)}", anchor=Anchor(year, last))


def vague_offset(match: re.Match, context: Context) -> Optional[Value]:
    """some days earlier, many years later, decades before: days and weeks stay in the anchor's
    month (roughly); months, years and decades open an interval after (or before) the anchor.
    Nothing counts from them."""
    direction = case_folded(match.group("direction"))
    later = direction not in ("earlier", "before", "ago")
    anchor = context.publication_or_discourse() if direction == "ago" else context.story_or_publication()
    if anchor is None:
        return Value("XXXX", relative=True)
    unit = UNIT_SINGULARS.get(case_folded(match.group("unit")))
    if unit == "decade" and context.coarse:
        anchor = context.coarse
    if unit in ("day", "week"):
        return Value(_ymd(anchor.year, anchor.month) + "~", relative=True)
    if unit == "month" and anchor.month:
        year, month = _shift_months(anchor.year, anchor.month, 1 if later else -1)
        bound = _ymd(year, month)
    else:
        step = 10 if unit == "decade" else 1  # "decades later": at least one decade on
        bound = _ymd(anchor.year + (step if later else -step))
    return Value(f"{bound}/.." if later else f"../{bound}", relative=True)


# The unit and amount by which a vague quantity moves a bound ("decades before 1950": ten years)
VAGUE_STEPS = {"years": ("year", 1), "decades": ("year", 10), "months": ("month", 1), "weeks": ("week", 1),
               "days": ("day", 1)}
# The cues that close an interval on the date itself, or open one from it
UP_TO_CUES = ("by", "until", "till", "up to", "no later than")


def _precision_unit(anchor: Anchor) -> str:
    return "day" if anchor.day else "month" if anchor.month else "year"


def _moved(anchor: Anchor, unit: str, amount: int) -> Optional[str]:
    value = _shifted(anchor, unit, amount)
    return value.edtf if value else None


# How far (characters) either side of a cue its sentence is looked for: keeps the work linear
SENTENCE_REACH = 300
# A present (perfect) verb in the sentence: "since 1950" runs to the time of writing
PRESENT_TENSE = re.compile(r"\b(?:has|have|is|are|remains?)\b", re.I)


# A negation before "until" makes the date the moment something happened
NEGATION = re.compile(r"\b(?:not|never|nobody|no one|nothing)\b|n['’]t\b", re.I)


def _negated_clause(text: str, start: int) -> bool:
    clause = re.split(r"[,.;:!?]\s", text[max(0, start - CLAUSE_REACH):start])[-1]
    return bool(NEGATION.search(clause))


def _since_end(cue: re.Match, context: Context) -> Optional[Anchor]:
    """Where "since" ends: the publication date, but the story's date in a past narrative
    ("for the first time since 1887 the paper failed to appear")."""
    text, reach = cue.string, SENTENCE_REACH
    start = max(text.rfind(".", max(0, cue.start() - reach), cue.start()) + 1, cue.start() - reach, 0)
    end = text.find(".", cue.end(), cue.end() + reach)
    sentence = text[start: end + 1 if end >= 0 else cue.end() + reach]
    if context.discourse and not PRESENT_TENSE.search(sentence):
        return context.discourse
    return context.publication


def _since_bound(start: Anchor, cue: re.Match, context: Context) -> str:
    """The end of "since": the story's date or the publication date, whichever comes after
    the start; open when neither does."""
    for until in (_since_end(cue, context), context.publication):
        if until and (until.year, until.month or 0, until.day or 0) > (start.year, start.month or 0, start.day or 0):
            return _ymd(until.year, until.month, until.day)
    return ".."


def _point(edtf: str) -> Optional[Anchor]:
    """The date a plain EDTF point names (not a season, which EDTF writes as month 21-24)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", edtf)
    if not match or (match.group(2) and int(match.group(2)) > 12):
        return None
    return Anchor.from_iso(edtf)


def _edges(edtf: str) -> Optional[tuple[str, str]]:
    """The first and last points of a value: an interval's ends, a decade's first and last
    years (194X -> 1940, 1949), or the value itself; None for open or hedged values."""
    if ".." in edtf or re.search(r"[~?%]", edtf):
        return None
    if "/" in edtf:
        first, last = edtf.split("/")
        return first, last
    return edtf.replace("X", "0"), edtf.replace("X", "9")


def bounded(value: Value, cue: re.Match, context: Context) -> Optional[Value]:
    """A value turned into the open interval (or the shifted point) its cue says; see BOUND_CUE.
    Up to and since bound a span by its ends ("by the end of 1875" -> ../1875-12); before and
    after only step from a plain date."""
    edges = _edges(value.edtf)
    if edges is None:
        return value
    first, last = edges
    word = re.sub(r"\s+", " ", case_folded((cue.group("cue") or cue.group("quantified"))))
    if word in UP_TO_CUES:
        if word in ("until", "till") and _negated_clause(cue.string, cue.start()):
            return value  # "did not move again until March 2": it moved on March 2
        return Value(f"../{last}", value.relative, value.anchor)
    if word == "since":
        start = _point(first) or Anchor(int(first[:4]))
        return Value(f"{first}/{_since_bound(start, cue, context)}", value.relative, value.anchor)
    before = word in ("before", "earlier than", "prior to")
    sign = -1 if before else 1
    anchor = _point(first if before else last)
    if anchor is None:
        return value
    if cue.group("number"):
        amount = NUMBER_WORDS.get(case_folded(cue.group("number"))) or int(cue.group("number"))
        moved = _moved(anchor, case_folded(cue.group("unit")), sign * amount)
        return Value(moved, True, Anchor.from_iso(moved)) if moved else None
    if cue.group("vague"):
        unit, amount = VAGUE_STEPS[case_folded(cue.group("vague"))]
        bound = _moved(anchor, unit, sign * amount)
    else:
        bound = _moved(anchor, _precision_unit(anchor), sign)
    if bound is None or "/" in bound:
        return None
    return Value(f"../{bound}" if before else f"{bound}/..", value.relative, value.anchor)


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# A weekday named in the future tense ("will meet on Monday") is the next one, not the last
FUTURE_TENSE = re.compile(r"\b(?:will|shall|is to|are to|is due|are due|is expected|are expected)\b|['’]ll\b", re.I)
# A narrative that has reached a day this close to publication is the publication's week
SAME_WEEK_DAYS = 7


# A present-tense verb right before "on Tuesday" is a timetable ("the council meets on Tuesday"):
# a third-person -s form, not "was", "has" or a word ending in -ss
SCHEDULED_PRESENT = re.compile(r"\b(?!(?:was|has|as|is|its|his|this|us|thus)\b)[a-z]+[^s\W]s\s(?:on\s)?$")
# How far (characters) a weekday's clause is read for its tense
CLAUSE_REACH = 80


def _future_clause(text: str, start: int, end: int) -> bool:
    """Whether the clause of a weekday is in the future: its sentence up to the weekday and the
    rest of its clause after it ("The council will meet on Friday", "On Friday it will vote")."""
    before = text[max(0, start - CLAUSE_REACH):start]
    before = re.split(r"[.!?]\s", before)[-1]
    after = re.split(r"[,.;:!?]", text[end:end + CLAUSE_REACH])[0]
    return bool(FUTURE_TENSE.search(before + " " + after) or SCHEDULED_PRESENT.search(before))


def _weekday_from(when: date, weekday: int, direction: int) -> date:
    """The nearest such weekday strictly before (-1) or after (+1) a day, or in its week (0)."""
    if direction == 0:
        return when + timedelta(days=weekday - when.weekday())
    days = (weekday - when.weekday()) % 7 if direction > 0 else (when.weekday() - weekday) % 7
    return when + timedelta(days=direction * (days or 7))


def weekday(match: re.Match, context: Context) -> Optional[Value]:
    """last Saturday, next Monday, this Friday (from the publication date); "on Monday" in a story
    told day by day is the first such day from the story's date, else the last one before
    publication (the next one after it in the future tense)."""
    day = WEEKDAYS.index(case_folded(match.group("weekday")))
    modifier = case_folded((match.group("modifier") or ""))
    publication = context.publication.as_date() if context.publication else None
    story = context.discourse.as_date() if context.discourse else None
    if modifier in DIRECTIONS and modifier in DEICTIC_DIRECTIONS:
        when, direction = publication or story, DIRECTIONS[modifier]
    elif story and (publication is None or abs((publication - story).days) > SAME_WEEK_DAYS):
        return _dated(story + timedelta(days=(day - story.weekday()) % 7))
    else:
        when, direction = publication, 1 if _future_clause(match.string, match.start(), match.end()) else -1
    if when is None:
        return Value("XXXX", relative=True)
    value = _dated(_weekday_from(when, day, direction))
    value.deictic = when == publication
    return value


def day_around(match: re.Match, context: Context) -> Optional[Value]:
    """the day before, the night after, the week before: next to the date the story has reached."""
    anchor = context.discourse_or_publication()
    if anchor is None:
        return Value("XXXX", relative=True)
    sign = -1 if case_folded(match.group("direction")) in ("before", "earlier") else 1
    unit = case_folded(match.group("unit"))
    value = _week(anchor, sign) if unit == "week" else _shifted(
        anchor, "day" if unit in ("night", "evening", "morning") else unit, sign)
    if value is not None and sign < 0:
        value.anchor = None  # a look back: the story stays where it was ("The next day" follows on)
    return value


# --- rules -------------------------------------------------------------------------------

_YEAR_TAIL = rf"(?:,?\s{_year('year')})?"
_PART = r"(?P<part>(?i:early|mid-?|middle|late))"
# "two years later", "days before,": before and after only where a phrase ends ("years before the war" is no time)
_DIRECTION = r"(?i:later|earlier|ago|afterwards?|before(?=\s*[,.;:)—–])|after(?=\s*[,.;:)—–]))"
# Words every match of a rule contains (see Rule.needs)
_MONTH_WORDS = tuple(MONTHS)
_RANGE_WORDS = ("from", "between")
_DIRECTION_WORDS = ("later", "earlier", "ago", "after", "before")
_YEAR_DIGITS = ("1", "2")  # a year begins with one of these (see _year)

RULES = [
    Rule("day_range", re.compile(
        rf"(?:\b[Tt]he (?:night|evening|morning|afternoon|weekend) of )?{_month('month')}\s{_day('day')}"
        rf"{_DASH}(?:the )?{_day('day2')}{_YEAR_TAIL}"), day_range,
        needs=_MONTH_WORDS, reach=len("The afternoon of ")),
    Rule("night_of", re.compile(
        rf"\b[Tt]he (?:night|evening|morning|afternoon) of {_month('month')}\s{_day('day')}(?P<day2>){_YEAR_TAIL}"),
        day_range, needs=_MONTH_WORDS, reach=len("The afternoon of ")),
    Rule("date_mdy", re.compile(rf"{_month('month')}\s{_day('day')}(?!\s?(?:-|–)\s?\d){_YEAR_TAIL}"), full_date,
        needs=_MONTH_WORDS),
    Rule("date_dmy", re.compile(rf"(?<![\d$£.,])\b{_day('day')}\s(?:of\s)?{_month('month')}{_YEAR_TAIL}"), full_date,
        needs=_MONTH_WORDS, reach=len("31st of ")),
    Rule("month_range", re.compile(
        rf"\b(?:[Ff]rom|[Bb]etween) {_month('month')} (?:to|and|until|till|through) {_month('month2')},?\s{_year('year')}"),
        month_range, needs=_RANGE_WORDS),
    Rule("month_year_range", re.compile(
        rf"\b(?:[Ff]rom|[Bb]etween) {_month('month')},?\s{_year('year')} (?:to|and|until|till|through) "
        rf"{_month('month2')},?\s{_year('year2')}"), month_year_range, needs=_RANGE_WORDS),
    Rule("part_of_relative_year", re.compile(
        rf"(?:{_month('month')}|(?:\b[Tt]he )?(?P<season>(?i:{_SEASON_ALT})))\sof\s"
        rf"(?P<modifier>(?i:{'|'.join(RELATIVE_YEARS)}))\syear\b"), part_of_relative_year,
        needs=("year",), reach=len("The autumn of the following ")),
    Rule("month_year", re.compile(rf"{_month('month')},?\s(?:of\s)?{_year('year')}"), month_year, needs=_MONTH_WORDS),
    Rule("month_alone", re.compile(
        rf"\b(?i:in|by|until|till|since|during|through|from|to|before|after|of|early|late|each|every)\s"
        rf"(?:(?:early|late)\s|mid-)?(?P<span>{_month('month')})(?!\s?\d)(?!\s[A-Z])"), month_alone, "span",
        needs=_MONTH_WORDS, reach=len("through early ")),
    Rule("year_range", re.compile(
        rf"\b(?:[Bb]etween|[Ff]rom) (?:the years? )?{_year('year')} (?:and|to|until|till|through) (?P<year2>\d{{4}})\b"),
        year_range, needs=_RANGE_WORDS),
    Rule("year_dash", re.compile(rf"{_year('year')}\s?(?:-|–|—)\s?(?P<year2>\d{{4}}|\d{{2}})(?![\d\w])"), year_range,
        needs=_YEAR_DIGITS),
    Rule("decade", re.compile(
        rf"(?:\b[Tt]he )?(?:{_PART}[\s-]?)?(?<![\w$£])(?P<decade>1\d{{2}}0|20\d0)'?s\b"), decade,
        needs=("0s", "0's"), reach=len("The middle-189")),
    Rule("spelled_decade", re.compile(
        rf"\b[Tt]he (?:{_PART}[\s-]?)?(?P<decade>(?i:{'|'.join(DECADE_WORDS)}))\b"), spelled_decade,
        needs=("ties",), reach=len("The middle-seven")),  # every decade word ends in -ties
    Rule("century", re.compile(
        rf"(?:\b[Tt]he )?(?:{_PART}[\s-]?)?(?P<ordinal>(?i:{_ORDINAL_ALT}))[\s-](?i:century)"), century,
        needs=("century",), reach=len("The middle-twenty-first ")),
    Rule("century_part", re.compile(
        rf"\b[Tt]he (?P<part>{'|'.join(CENTURY_PARTS)}) of the century\b"), century_part,
        needs=("century",), reach=len("The beginning of the ")),
    Rule("season_year", re.compile(
        rf"(?:\b[Tt]he )?(?P<season>(?i:{_SEASON_ALT}))\s(?:of\s)?{_year('year')}"), season_year,
        needs=tuple(SEASONS), reach=len("The ")),
    Rule("part_of_year", re.compile(
        r"\b(?:(?P<part>(?i:early|late|mid-?))\s?(?:in\s)?|(?i:at\s)?[Tt]he (?P<part_>beginning|start|middle|end|close) of )"
        r"(?P<year>1\d{3}|20\d{2})(?!\d)"), part_of_year,
        needs=tuple(PART_MONTHS), reach=len("at the ")),
    Rule("hedged_year", re.compile(
        rf"\b(?P<hedge>(?i:{_APPROXIMATE_ALT}|{_UNCERTAIN_ALT}))\s(?:in\s)?{_year('year')}"), hedged_year,
        needs=APPROXIMATE_WORDS + UNCERTAIN_WORDS),
    Rule("relative_unit", re.compile(
        rf"\b(?P<modifier>(?i:{'|'.join(DIRECTIONS)}))\s"
        rf"(?P<unit>(?i:year|month|week|day|morning|evening|night|decade|century|{_SEASON_ALT})|{_MONTH_ALT})\b"
        rf"(?!\s(?:of|when|after|before)\b)"), relative_unit, needs=tuple(DIRECTIONS)),
    Rule("offset", re.compile(
        rf"\b(?:(?P<hedge>(?i:{_APPROXIMATE_ALT}|some|nearly|almost))\s)?"
        rf"(?P<number>(?i:{_NUMBER_ALT}))\s(?P<unit>(?i:years?|months?|weeks?|days?|decades?|centuries|century))\s"
        rf"(?P<direction>{_DIRECTION})"), offset,
        needs=_DIRECTION_WORDS, reach=len("some time around a hundred centuries ")),
    Rule("vague_offset", re.compile(
        rf"\b(?:(?i:some|several|many|a few|a number of)\s)?(?P<unit>(?i:years|months|weeks|days|decades))\s"
        rf"(?P<direction>{_DIRECTION})"), vague_offset,
        needs=_DIRECTION_WORDS, reach=len("a number of decades ")),
    # "in the autumn": the season of the year the story has reached (or of publication)
    Rule("season_alone", re.compile(
        rf"\b(?i:in|during|through|by|until|till|since|before|after)\s"
        rf"(?P<span>[Tt]he\s(?P<season>(?i:{_SEASON_ALT})))\b(?!\s(?:of\b|\d))"), season_alone, "span",
        needs=tuple(SEASONS), reach=len("through the ")),
    Rule("deictic_day", re.compile(r"\b(?i:yesterday|today|tonight|tomorrow)\b"), deictic_day,
        needs=("yesterday", "today", "tonight", "tomorrow")),
    # a weekday needs a cue before it; a plural ("on Saturdays") is a habit, and one followed by a
    # date ("Monday, May 3") leaves the date to the date rules
    Rule("weekday", re.compile(
        rf"\b(?:(?i:on|by|since|until|till|from|that)\s(?=[A-Z])|(?=(?i:last|next|this)\s))"
        rf"(?P<span>(?:(?P<modifier>(?i:last|next|this))\s)?(?P<weekday>(?i:{'|'.join(WEEKDAYS)})))\b(?!s\b)"
        rf"(?!,?\s(?:the\s)?(?:\d|{_MONTH_ALT}))"), weekday, "span",
        needs=("day",), reach=len("since Last Wednes")),  # every weekday ends in -day
    Rule("day_around", re.compile(
        r"\b[Tt]he (?P<unit>day|night|evening|morning|week|month|year) (?P<direction>before|after|earlier|later)"
        r"(?=\s*[,.;:)—–])"), day_around, needs=_DIRECTION_WORDS, reach=len("The evening ")),
    Rule("bare_year", re.compile(_year("year")), bare_year, needs=_YEAR_DIGITS),
]


# A year followed by one of these is a count or a measure, not a time ("1500 copies")
COUNT_NOUNS = re.compile(
    r"\s(?:pp\b|pages?|copies|people|men|women|soldiers|troops|delegates|members|words|dollars|pounds|"
    r"rubles|roubles|francs|marks|miles|kilometers|kilometres|feet|tons|votes|workers|prisoners|"
    r"deaths|dead|casualties|volumes|letters|items|titles|students|villages|acres|households)\b", re.I)
# ... and one preceded by these is a page, a price or a reference number
NUMBER_CUES = re.compile(r"(?:\bpp?\.|\bpages?|\bno\.|\bnos\.|\bvol\.|\bnumber|[$£€#]|\bsome|\bover|\bnearly)\s?$", re.I)


# The rules whose match is nothing but digits, so may be a count rather than a year
COUNTABLE_RULES = ("bare_year", "year_dash")


def is_count(text: str, start: int, end: int) -> bool:
    return bool(COUNT_NOUNS.match(text, end) or NUMBER_CUES.search(text[max(0, start - 12):start]))


# Words that turn a point into an open interval: "before 1921" -> ../1920, "after 1929" -> 1930/..,
# "by 1930" and "until 1945" -> ../1930, ../1945, "since 1950" -> 1950/<publication date>. A
# quantity may come first: exact ("two years before 1929" -> 1927) or vague ("years earlier
# than 1921" -> ../1920, "decades before 1950" -> ../1940). "not until 1945" is the date itself.
BOUND_CUE = re.compile(
    rf"(?<![\w-])(?:(?:(?P<number>{_NUMBER_ALT})\s(?P<unit>years?|months?|weeks?|days?|decades?)"
    r"|(?:(?:some|several|many|a few)\s)?(?P<vague>years|months|weeks|days|decades))\s"
    r"(?P<quantified>before|after|earlier than|later than|prior to)"
    r"|(?P<cue>before|after|earlier than|later than|prior to|by|until|till|up to|since|"
    r"no later than))\s$", re.I)
# The rules whose value (a point or a span) such a cue can bound
BOUNDABLE_RULES = ("bare_year", "month_year", "date_mdy", "date_dmy", "month_alone", "day_range", "night_of",
                   "part_of_year", "season_year", "part_of_relative_year", "decade", "spelled_decade",
                   "century", "century_part", "relative_unit", "month_range", "weekday", "season_alone")
# How far back (characters) a cue and its quantity may begin
CUE_REACH = 40


@dataclass
class Candidate:
    start: int
    end: int
    rule: Rule
    match: re.Match
    cue: Optional[re.Match] = None  # a bound before it: "before", "since", "two years after"


def bound_cue(text: str, rule: Rule, start: int) -> Optional[re.Match]:
    if rule.name not in BOUNDABLE_RULES:
        return None
    return BOUND_CUE.search(text, max(0, start - CUE_REACH), start)


def find_candidates(text: str) -> list[Candidate]:
    """Every rule's matches (with the bound before them), overlaps resolved longest first (then leftmost)."""
    found = []
    words = WordIndex(text)
    for rule in RULES:
        for match in rule.matches(text, words):
            start, end = match.span(rule.group)
            if rule.name in COUNTABLE_RULES and is_count(text, start, end):
                continue
            cue = bound_cue(text, rule, start)
            found.append(Candidate(cue.start() if cue else start, end, rule, match, cue))
    found.sort(key=lambda c: (-(c.end - c.start), c.start))
    starts: list[int] = []  # the taken spans, kept sorted and disjoint: a neighbour check is enough
    taken: list[Candidate] = []
    for candidate in found:
        index = bisect.bisect_left(starts, candidate.start)
        clear_before = index == 0 or taken[index - 1].end <= candidate.start
        clear_after = index == len(taken) or candidate.end <= taken[index].start
        if clear_before and clear_after:
            starts.insert(index, candidate.start)
            taken.insert(index, candidate)
    return taken


# The shapes this module writes most (dates, seasons, X-decades, and plain or open intervals
# of dates), which a check by hand settles in microseconds; edtf's parser (pyparsing, ~10 ms a
# call) stays the judge of everything else, so no value is ever written that edtf rejects.
PLAIN_EDTF_POINT = re.compile(r"(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2]|2[1-4])(?:-(?P<day>\d{2}))?)?|\d{3}X|\d{2}XX")


def _plain_point(value: str, in_interval: bool = False) -> bool:
    match = PLAIN_EDTF_POINT.fullmatch(value)
    if not match:
        return False
    if in_interval and (match["year"] is None or (match["month"] and int(match["month"]) > 12)):
        return False  # seasons and X-decades as interval ends: leave those to edtf
    if match["day"] is None:
        return True
    month = int(match["month"])
    if month > 12:  # a season has no day
        return False
    try:
        date(int(match["year"]), month, int(match["day"]))
    except ValueError:
        return False
    return True


def _plain_edtf(value: str) -> bool:
    """A value of the plain shapes above, valid as it stands (open ends "..")."""
    parts = value.split("/")
    if len(parts) == 1:
        return _plain_point(value)
    if len(parts) != 2 or parts == ["..", ".."]:
        return False
    return all(part == ".." or _plain_point(part, in_interval=True) for part in parts)


@lru_cache(maxsize=4096)  # edtf's parser is slow (pyparsing) and values repeat
def _parses(value: str) -> bool:
    if _plain_edtf(value):
        return True
    try:
        parse_edtf(value)
    except Exception:  # the edtf library raises its own and also bare errors on odd input
        return False
    return True


# Where a sentence (or a paragraph) begins: a date right after it sets the scene
SENTENCE_START = re.compile(r"(?:[.!?][\"”’)]?\s+|\n|^)(?=[^.!?\n]*$)")
# A date this many words or fewer into its sentence opens it ("In 1935", "As late as 1975")
OPENING_WORDS = 3


def opens_sentence(text: str, start: int) -> bool:
    before = text[max(0, start - 200):start]
    lead = before[SENTENCE_START.search(before).end():] if SENTENCE_START.search(before) else before
    return len(lead.split()) <= OPENING_WORDS


def moves_reference(value: Value, current: Optional[Anchor], text: str, candidate: "Candidate",
                    is_background: Callable[[int, int], bool]) -> bool:
    """Whether a date becomes the one later expressions count from.

    A date to the month or day always does. A bare year or a span of years given in passing
    ("founded in 1889", "mayor from 1901 to 1905") does not displace a finer date: only when it
    opens its sentence, or (a single year) moves the story forward.
    """
    if value.anchor is None:
        return False
    if value.anchor.month is not None or current is None:
        return True
    if is_background(candidate.start, candidate.end):
        return False
    if current.month is None or opens_sentence(text, candidate.start):
        return True
    return "/" not in value.edtf and value.anchor.year > current.year


# A date right after "the book" or "his novel" is the work's title ("her book June 22, 1941")
WORK_NOUN_BEFORE = re.compile(
    r"\b(?:book|novel|study|memoir|pamphlet|essay|poem|play|film|article|history|chronicle)[,:]?\s$")


def names_a_work(text: str, start: int) -> bool:
    return bool(WORK_NOUN_BEFORE.search(text[max(0, start - 20):start]))


# Rules whose span is too wide to count "two years later" from, but not "decades later"
COARSE_RULES = ("decade", "spelled_decade", "century")


def find_times(
    text: str,
    publication_date: Optional[str] = None,
    title_spans: Iterable[tuple[int, int]] = (),
    is_background: Callable[[int, int], bool] = lambda start, end: False,
) -> list[TimeExpr]:
    """Time expressions in reading order, each with an EDTF value that ``edtf`` parses.

    ``is_background(start, end)`` tells a date given in passing (see ``background_dates``); a
    year so given does not become the date that "two years later" counts from.
    """
    context = Context(publication_date)
    titles = list(title_spans)
    times = []
    for candidate in find_candidates(text):
        try:
            value = candidate.rule.handler(candidate.match, context)
        except (ValueError, OverflowError):  # arithmetic past year 1 or 9999: no value to give
            continue
        named = value  # what the expression names, before a cue bounds it
        if value is not None and candidate.cue:
            value = bounded(value, candidate.cue, context)
        if value is None or not _parses(value.edtf):
            continue
        in_title = any(s <= candidate.start and candidate.end <= e for s, e in titles) or names_a_work(
            text, candidate.start)
        if not in_title and moves_reference(value, context.discourse, text, candidate, is_background):
            context.discourse, context.coarse = value.anchor, None
            context.story = context.story if value.deictic else value.anchor
        elif not in_title and candidate.rule.name in COARSE_RULES:
            year = re.search(r"\d[\dX]{3}", named.edtf)
            context.coarse = Anchor(int(year.group(0).replace("X", "0"))) if year else context.coarse
        times.append(TimeExpr(text[candidate.start:candidate.end], candidate.start, candidate.end,
                              value.edtf, in_title=in_title, relative=value.relative))
    return times


def title_spans(doc: Doc) -> list[tuple[int, int]]:
    """Where the body names a work: the works' mentions and the quotes that are titles."""
    spans = [(m.start, m.end) for work in annotations(doc, "works") for m in work.mentions]
    spans += [(q.start, q.end) for q in annotations(doc, "quotes") if q.kind == "title"]
    return spans


# Dependencies that put a date in a clause about something else: "the union, founded in 1889,",
# "who edited it from 1919 to 1931"
BACKGROUND_DEPS = {"relcl", "acl", "appos"}


def background_dates(doc: Doc) -> Callable[[int, int], bool]:
    """Whether a span is a date given in passing: in a relative or participial clause, or naming
    an event ("the war of 1862"). Narratives count on from the dates of their main clauses."""

    def is_background(start: int, end: int) -> bool:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or not doc.has_annotation("DEP"):
            return False
        token = span.root
        if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ in ("NOUN", "PROPN"):
            return True
        while token.head.i != token.i:
            if token.dep_ in BACKGROUND_DEPS:
                return True
            token = token.head
        return False

    return is_background


class TimeExtractor:
    def __call__(self, doc: Doc) -> Doc:
        doc._.times = find_times(text_of(doc), doc._.publication_date, title_spans(doc), background_dates(doc))
        return doc


@Language.factory("historiograph_times", assigns=["doc._.times"], requires=["doc._.works"])
def make_times(nlp: Language, name: str) -> TimeExtractor:
    return TimeExtractor()


PIPELINE.append("historiograph_times")
