"""Read stage: paths -> Sources (decoded text with provenance), or a ReadError naming the file.

Nothing here raises on a user's bad file: each problem becomes a ``ReadError`` that the caller
reports in one line and skips, so the rest of the corpus is still read.
"""
from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Union

from charset_normalizer import from_bytes

from .model import Source

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
WARC_SUFFIXES = {".warc"}
# An article is kilobytes; a file this large is a dump or a mistake, and one spaCy parse of it
# would take the machine's memory. Users with real long texts raise the limit.
MAX_BYTES = 20_000_000
# Bytes that never occur in text: their presence in the first block marks a binary file.
BINARY_SAMPLE = 8192
BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


@dataclass
class ReadError:
    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


Read = Union[Source, ReadError]


def corpus_files(paths: Iterable[Union[str, Path]]) -> Iterator[Union[Path, ReadError]]:
    """The readable files under each path (directories recursively, sorted), or why a path fails."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in walked(path):
                if isinstance(child, ReadError) or media_kind(child):
                    yield child
        elif path.is_file():
            yield path if media_kind(path) else ReadError(str(path), "unsupported file type")
        elif path.exists():
            yield ReadError(str(path), "not a regular file")
        else:
            yield ReadError(str(path), "no such file or directory")


def walked(directory: Path) -> Iterator[Union[Path, ReadError]]:
    """The files under a directory in the order of their sorted paths (name by name, as Paths
    compare), listed one directory at a time: a corpus of a million files is never one list.
    Links to directories are not followed; a directory that cannot be listed is a ReadError."""
    try:
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        yield ReadError(str(directory), f"cannot be listed ({error.strerror or error})")
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from walked(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path)


def media_kind(path: Path) -> str | None:
    """'text', 'html' or 'warc' by the file's suffix (a trailing .gz is looked through)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in TEXT_SUFFIXES:
        return "text"
    if last in HTML_SUFFIXES:
        return "html"
    if last in WARC_SUFFIXES:
        return "warc"
    return None


def read_path(path: Path, max_bytes: int = MAX_BYTES, root: Optional[Path] = None) -> Iterator[Read]:
    """The sources in one file: one for a text or HTML file, one per HTML response in a WARC.
    A relative path is read below ``root`` if given (where the run was started, for a Dask
    worker started elsewhere) and names its sources as given either way."""
    kind, opened = media_kind(path), root / path if root else path
    if kind == "warc":
        from .warc import read_warc  # warcio only when a WARC is read

        yield from read_warc(opened, name=str(path))
        return
    try:
        data = load_bytes(opened, max_bytes)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        yield ReadError(str(path), f"cannot read: {describe_os_error(error)}")
        return
    yield decode_source(str(path), data, "text/html" if kind == "html" else "text/plain")


def load_bytes(path: Path, max_bytes: int) -> bytes:
    size = os.stat(path).st_size
    if size > max_bytes:
        raise OSError(f"too large ({size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB)")
    if path.suffix.lower() == ".gz":
        with gzip.open(path, "rb") as stream:
            data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise OSError(f"too large once decompressed (the limit is {max_bytes / 1e6:.0f} MB)")
        return data
    return path.read_bytes()


def describe_os_error(error: BaseException) -> str:
    if isinstance(error, PermissionError):
        return "permission denied"
    if isinstance(error, (EOFError, gzip.BadGzipFile)):
        return f"damaged gzip data ({error})"
    return getattr(error, "strerror", None) or str(error)


def decode_source(path: str, data: bytes, media_type: str, **provenance) -> Read:
    """Bytes -> Source with the detected encoding and normalised line ends, or a ReadError."""
    if not data.strip():
        return ReadError(path, "empty file")
    encoding, text = decode_bytes(data)
    if text is None:
        return ReadError(path, "binary or undecodable content (no text encoding fits)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return Source(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        text=text,
        encoding=encoding,
        media_type=media_type,
        **provenance,
    )


def decode_bytes(data: bytes) -> tuple[str, str | None]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, data[len(bom):].decode(encoding, errors="replace")
    if b"\x00" in data[:BINARY_SAMPLE]:
        return "binary", None
    try:
        return "utf-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return "binary", None
    return best.encoding, str(best)
