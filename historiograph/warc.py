"""Web archives in: each HTML response record of a WARC becomes a Source with its URL and
capture date. A damaged record is reported and skipped; the rest of the archive is still read."""
from __future__ import annotations

import io
from contextlib import redirect_stderr
from pathlib import Path
from typing import Iterator, Optional

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from .read import ReadError, Read, decode_source

HTML_TYPES = ("text/html", "application/xhtml+xml")


def read_warc(path: Path, name: Optional[str] = None) -> Iterator[Read]:
    """The HTML responses of an archive, their sources named after ``name`` (the path as given)."""
    name = name or str(path)
    # warcio prints its complaints about malformed records to stderr; we report them as errors
    complaints = io.StringIO()
    found = 0
    try:
        with open(path, "rb") as stream, redirect_stderr(complaints):
            records = list(_records(name, ArchiveIterator(stream)))
    except (OSError, ArchiveLoadFailed) as error:
        yield ReadError(name, f"cannot read WARC: {error}")
        return
    for result in records:
        found += 1
        yield result
    warning = next((line.strip() for line in complaints.getvalue().splitlines() if line.strip()), None)
    if warning:
        yield ReadError(name, f"malformed WARC data ({warning}); readable records were kept")
    elif not found:
        yield ReadError(name, "no HTML responses in this WARC")


def _records(name: str, records) -> Iterator[Read]:
    index = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except Exception as error:  # warcio raises assorted errors on a torn record
            yield ReadError(f"{name}#{index}", f"damaged WARC record ({error}); the rest of the archive is skipped")
            return
        index += 1
        if record.rec_type != "response" or not _is_html(record):
            continue
        url = record.rec_headers.get_header("WARC-Target-URI")
        where = f"{name}#{url}"
        try:
            data = record.content_stream().read()
        except Exception as error:  # a truncated or badly encoded payload
            yield ReadError(where, f"damaged WARC record ({error})")
            continue
        captured = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
        yield decode_source(where, data, "text/html", url=url, captured=captured)


def _is_html(record) -> bool:
    content_type = (record.http_headers.get_header("Content-Type") or "") if record.http_headers else ""
    return content_type.split(";")[0].strip().lower() in HTML_TYPES
