"""Clean stage: Source -> Cleaned (body paragraphs, the review header and metadata apart).

HTML goes through trafilatura (boilerplate out; title, date and author from the page's metadata).
Plain text scraped from the web loses its residue lines here (captions and credits,
"Advertisement", share prompts, lines repeated across the corpus), but the facts residue carries
are read first: an issue date under "This Issue" becomes the publication date. The block of
reviewed works at the top of a review is kept as the structured header, out of the body.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from datetime import date as Date
from typing import Iterable, Optional

import numpy as np
import trafilatura
from lxml import etree

from .keyed_runs import stable_key
from .model import Cleaned, Paragraph, Source


class CleanError(Exception):
    """Nothing usable in a source (e.g. an HTML page with no article text)."""


# --- residue -------------------------------------------------------------------------------
# Lines a scraper carries in from the page around the article. Whole-line matches only, so the
# same words inside a sentence are never touched.
RESIDUE_LINES = re.compile(
    r"^(advertisement|this issue|share|share this( article| page)?|tweet|email|e-mail|print|"
    r"subscribe( now| today)?|sign in|log in|sign up|register|give a gift|gift|related|"
    r"read more|continue reading|more from this issue|in this issue|comments?|"
    r"facebook|twitter|linkedin|reddit|whatsapp|copy link|save|listen|"
    r"(click|tap) here.*|subscribe to .*|sign up for .*|follow us.*|share on .*|"
    r"(photo|photograph|image|illustration|credit)s?:.*)$",
    re.IGNORECASE,
)
# An image credit: "Some Name; drawing by Some Artist" (or photograph, illustration ...).
CREDIT_LINE = re.compile(
    r"^[^.!?;]{1,120}; (drawing|photograph|photo|illustration|painting|cartoon|portrait|"
    r"engraving|etching|woodcut|caricature)s? by [^;]{1,80}$",
    re.IGNORECASE,
)
# Residue headings after which the next line states the date.
DATE_HEADINGS = re.compile(r"^(this issue|in this issue|issue|published|issue date|dated)$", re.I)
# A short line is residue when it repeats in this many files of a corpus (and half of them):
# mastheads, footers, navigation. Prose never repeats verbatim across articles.
REPEAT_MIN_FILES = 3
REPEAT_MAX_LEN = 100

# --- dates ---------------------------------------------------------------------------------
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"]
    )
}
MONTHS.update({m[:3]: n for m, n in list(MONTHS.items())})
MONTHS["sept"] = 9
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
# A line that is nothing but a date (optionally after "Published"), in the shapes journals print.
DATE_LINE = re.compile(
    r"^(?:(?:published|dated|issue date|posted)[:\s]+)?(?:"
    rf"{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})\s+{_MONTH.replace('month', 'month2')}\s+(?P<year2>\d{{4}})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2})"
    rf"|{_MONTH.replace('month', 'month3')}\s+(?P<year3>\d{{4}})"
    r")\.?$",
    re.IGNORECASE,
)

# --- the review header ---------------------------------------------------------------------
# Lines of a reviewed-work block after its title: contributors, then the imprint.
CONTRIBUTOR_LINE = re.compile(
    r"^(by|edited|translated|compiled|selected|introduced|with an? (introduction|foreword|"
    r"preface|afterword)|introduction by|foreword by|illustrated by|photographs by)\b",
    re.IGNORECASE,
)
IMPRINT_LINE = re.compile(
    r"(?i:\b\d+\s*pp\b|[$£€]\s?\d|\bISBN\b|\((paper|cloth|paperback|hardcover)\))"
    # a publisher alone on its line ("Yale University Press", "Harbor Books, 1979"); capitalised,
    # so prose that merely mentions books is not taken for one
    r"|^(\(?[A-Z][\w.'’]*:\s*)?[A-Z][\w&.'’ ]{0,60}\b(Press|Publishers|Books|Editions|Verlag)\b[,.]?(\s*\d{4}\.?)?\)?$"
)
# A header line is short; a long line that mentions "books" or a price is prose.
HEADER_LINE_MAX = 160
# Body prose: a block this long, or a full sentence of this many words, ends the header.
PROSE_MIN_CHARS = 200
PROSE_MIN_WORDS = 14
SENTENCE_END = re.compile(r"[.!?…\"”’)]$")


@dataclass
class Block:
    """A paragraph-sized run of lines in the source, with its character range."""

    lines: list[str]
    start: int
    end: int
    markup: list[tuple[int, int, str]] = field(default_factory=list)  # relative to the text
    quoted: bool = False  # a block quotation (<blockquote>, or indented in plain text)

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines if line.strip())


def repeated_lines(sources: Iterable[Source]) -> RepeatedLines:
    """Short lines found in many files of the corpus: mastheads, footers, navigation."""
    counts, files = LineCounts(), 0
    for source in sources:
        files += 1
        counts.add(source)
    return counts.repeated(files)


class RepeatedLines:
    """The repeated lines of a corpus, as their keys: ``line in repeated`` for a stripped line."""

    def __init__(self, keys: Iterable[int] = ()) -> None:
        self._keys = frozenset(keys)

    def __contains__(self, line: str) -> bool:
        return len(line) <= REPEAT_MAX_LEN and stable_key(line) in self._keys

    def __len__(self) -> int:
        return len(self._keys)


class LineCounts:
    """How many sources have each short line, counted by the line's 64-bit key: 16 bytes a
    distinct line, where a Counter of the lines took 2-4 KB a scraped file (titles, bylines and
    the markup of HTML are short lines, and nearly all of them distinct)."""

    # Keys gathered before they are summed into the sorted arrays.
    PENDING_ENTRIES = 1 << 20

    def __init__(self) -> None:
        self.keys, self.counts = np.empty(0, np.uint64), np.empty(0, np.int64)
        self._seen = array("Q")  # keys of lines seen once each, since the last sum
        self._parts: list[tuple[np.ndarray, np.ndarray]] = []  # other partitions' counts
        self._parts_entries = 0

    def add(self, source: Source) -> None:
        """The short lines of one source, each counted once."""
        lines = {line.strip() for line in source.text.split("\n") if 0 < len(line.strip()) <= REPEAT_MAX_LEN}
        self._seen.extend(map(stable_key, lines))
        self._sum_if_due()

    def update(self, other: LineCounts) -> None:
        """Add another partition's counts."""
        other._sum()
        self._parts.append((other.keys, other.counts))
        self._parts_entries += len(other.keys)
        self._sum_if_due()

    def repeated(self, sources: int) -> RepeatedLines:
        """The lines in REPEAT_MIN_FILES sources or more and in half of them."""
        if sources < REPEAT_MIN_FILES:
            return RepeatedLines()
        self._sum()
        return RepeatedLines(self.keys[(self.counts >= REPEAT_MIN_FILES) & (self.counts * 2 >= sources)].tolist())

    def __getstate__(self) -> tuple[np.ndarray, np.ndarray]:
        self._sum()  # sent from a Dask worker as two arrays
        return self.keys, self.counts

    def __setstate__(self, state: tuple[np.ndarray, np.ndarray]) -> None:
        self.__init__()
        self.keys, self.counts = state

    def _sum_if_due(self) -> None:
        if len(self._seen) + self._parts_entries >= max(self.PENDING_ENTRIES, len(self.keys)):  # a sum costs the whole: not too often
            self._sum()

    def _sum(self) -> None:
        if self._seen or self._parts:
            seen = np.frombuffer(self._seen, np.uint64) if self._seen else np.empty(0, np.uint64)
            keys, where = np.unique(np.concatenate([self.keys, seen, *(k for k, _ in self._parts)]), return_inverse=True)
            counts = np.concatenate([self.counts, np.ones(len(seen), np.int64), *(c for _, c in self._parts)])
            self.keys, self.counts = keys, np.bincount(where, counts, len(keys)).astype(np.int64)
            self._seen, self._parts, self._parts_entries = array("Q"), [], 0


def clean_source(source: Source, repeated: RepeatedLines = RepeatedLines()) -> Cleaned:
    """Body, header and metadata of one source; raises CleanError when no text is left."""
    meta: dict = {}
    if source.media_type == "text/html":
        blocks, meta = html_blocks(source)
    else:
        blocks = text_blocks(source.text)
    blocks, dropped, residue_date = drop_residue(blocks, repeated)
    header, body = split_header(blocks)
    if not body:
        raise CleanError("no article text found")
    title = header.get("title") or meta.get("title")
    return Cleaned(
        source=source,
        paragraphs=[Paragraph(text=b.text, start=b.start, end=b.end, markup=b.markup, quoted=b.quoted) for b in body],
        title=title,
        date=residue_date or meta.get("date") or None,
        author=meta.get("author"),
        header=header,
        residue_dropped=dropped,
    )


# --- plain text ------------------------------------------------------------------------------
BLANK_LINES = re.compile(r"\n[ \t]*\n+")
INDENTED = re.compile(r"^(?: {4,}|\t|> ?)")


def text_blocks(text: str) -> list[Block]:
    blocks = []
    start = 0
    for gap in [*BLANK_LINES.finditer(text), None]:
        end = gap.start() if gap else len(text)
        lines = text[start:end].split("\n")
        if any(line.strip() for line in lines):
            quoted = all(INDENTED.match(line) for line in lines if line.strip())
            lines = [INDENTED.sub("", line) for line in lines] if quoted else lines
            blocks.append(Block(lines=lines, start=start, end=end, quoted=quoted))
        start = gap.end() if gap else end
    return blocks


# --- HTML ------------------------------------------------------------------------------------
TRAFILATURA_DATE_PARAMS = {
    "original_date": True,
    "extensive_search": False,  # a copyright year in the footer is not the publication date
    "min_date": "1000-01-01",  # historical documents: any date is plausible
    "max_date": "2999-12-31",
}
BLOCK_TAGS = {"p", "head", "quote", "item", "cell"}


def html_blocks(source: Source) -> tuple[list[Block], dict]:
    xml = trafilatura.extract(
        source.text,
        output_format="xml",
        with_metadata=True,
        include_formatting=True,
        include_comments=False,
        favor_recall=True,
        date_extraction_params=TRAFILATURA_DATE_PARAMS,
    )
    if not xml:
        raise CleanError("no article text found in the HTML")
    root = etree.fromstring(xml.encode("utf-8"))
    meta = {key: root.get(key) for key in ("title", "author", "date") if root.get(key)}
    if not meta.get("date") and source.captured:
        meta["date"] = source.captured
    blocks = []
    for element in root.iter(*BLOCK_TAGS):
        if element.getparent() is not None and element.getparent().tag in BLOCK_TAGS:
            continue  # nested blocks are read with their parent
        text, markup = element_text(element)
        if text.strip():
            # HTML has no character offsets worth keeping: provenance points at the block number
            blocks.append(Block(lines=[text], start=len(blocks), end=len(blocks) + 1,
                                markup=markup, quoted=element.tag == "quote"))
    return blocks, meta


def element_text(element) -> tuple[str, list[tuple[int, int, str]]]:
    """The text of an element with its italic spans (titles of works in most house styles)."""
    parts: list[str] = [element.text or ""]
    markup = []
    for child in element:
        start = len("".join(parts))
        parts.append("".join(child.itertext()))
        if child.tag == "hi" and "#i" in (child.get("rend") or ""):
            markup.append((start, len("".join(parts)), "i"))
        parts.append(child.tail or "")
    raw = "".join(parts)
    text = " ".join(raw.split())
    if text != raw:  # whitespace folded: re-find the spans in the folded text
        markup = [(m[0], m[1], m[2]) for m in _refind(raw, text, markup)]
    return text, markup


def _refind(raw: str, text: str, markup):
    for start, end, tag in markup:
        words = " ".join(raw[start:end].split())
        at = text.find(words)
        if words and at >= 0:
            yield at, at + len(words), tag


# --- residue -----------------------------------------------------------------------------
def drop_residue(blocks: list[Block], repeated: RepeatedLines) -> tuple[list[Block], int, Optional[str]]:
    """Blocks without residue lines, how many lines were dropped, and the date residue carried."""
    lines = [line.strip() for block in blocks for line in block.lines if line.strip()]
    residue = residue_lines(lines, repeated)
    found_date = residue_date(lines, residue)
    kept, dropped = [], 0
    for block in blocks:
        keep = [line for line in block.lines if line.strip() and line.strip() not in residue]
        dropped += sum(1 for line in block.lines if line.strip()) - len(keep)
        if keep == [line for line in block.lines if line.strip()]:
            kept.append(block)
        elif keep:
            kept.append(Block(lines=keep, start=block.start, end=block.end, quoted=block.quoted))
    return kept, dropped, found_date


def residue_lines(lines: list[str], repeated: RepeatedLines) -> set[str]:
    residue = {line for line in lines if RESIDUE_LINES.match(line) or CREDIT_LINE.match(line) or line in repeated}
    for i, line in enumerate(lines):
        # a caption: the pictured name alone, right before its credit line
        if i + 1 < len(lines) and CREDIT_LINE.match(lines[i + 1]) and lines[i + 1].startswith(line + ";"):
            residue.add(line)
        # the date under a "This Issue" heading
        if i > 0 and DATE_HEADINGS.match(lines[i - 1]) and lines[i - 1] in residue and DATE_LINE.match(line):
            residue.add(line)
    return residue


def residue_date(lines: list[str], residue: set[str]) -> Optional[str]:
    for line in lines:
        if line in residue and DATE_LINE.match(line):
            return parse_date_line(line)
    return None


def parse_date_line(line: str) -> Optional[str]:
    """'April 17, 1980', '17 April 1980', '1980-04-17' -> ISO; 'April 1980' -> '1980-04'."""
    match = DATE_LINE.match(line.strip())
    if not match:
        return None
    groups = match.groupdict()
    if groups["iso"]:
        return groups["iso"]
    month_name = groups["month"] or groups["month2"] or groups["month3"]
    month = MONTHS.get(month_name.lower().rstrip("."))
    year = int(groups["year"] or groups["year2"] or groups["year3"])
    day = groups["day"] or groups["day2"]
    if month is None:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return Date(year, month, int(day)).isoformat()
    except ValueError:
        return None


# --- header ------------------------------------------------------------------------------
def split_header(blocks: list[Block]) -> tuple[dict, list[Block]]:
    """The review header ({"title", "reviewed": [{"title", "lines"}]}) and the body blocks."""
    first_prose = next((i for i, b in enumerate(blocks) if is_prose(b)), len(blocks))
    head_lines = [line.strip() for b in blocks[:first_prose] for line in b.lines if line.strip()]
    items = header_items(head_lines)
    reviewed = [item for item in items if item["lines"]]
    if not reviewed:
        # no reviewed works: a lone short first line is still the article's title
        if len(head_lines) == 1:
            return {"title": head_lines[0], "reviewed": []}, blocks[first_prose:]
        return {}, blocks
    title_items = items[: items.index(reviewed[0])]
    header = {"title": " ".join(i["title"] for i in title_items) or None, "reviewed": reviewed}
    return header, blocks[first_prose:]


def header_items(lines: list[str]) -> list[dict]:
    """Group header lines: a title line, then its contributor and imprint lines."""
    items: list[dict] = []
    for line in lines:
        if items and (CONTRIBUTOR_LINE.match(line) or IMPRINT_LINE.search(line)):
            items[-1]["lines"].append(line)
        else:
            items.append({"title": line, "lines": []})
    return items


def is_header_block(block: Block) -> bool:
    """Contributor and imprint lines of a reviewed work, however many words they run to."""
    lines = [line.strip() for line in block.lines if line.strip()]
    return all(
        len(line) <= HEADER_LINE_MAX and (CONTRIBUTOR_LINE.match(line) or IMPRINT_LINE.search(line)) for line in lines
    )


def is_prose(block: Block) -> bool:
    text = block.text
    if is_header_block(block):
        return False
    if len(text) >= PROSE_MIN_CHARS or block.quoted:
        return True
    return len(text.split()) >= PROSE_MIN_WORDS and bool(SENTENCE_END.search(text))
