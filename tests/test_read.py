import gzip

import pytest

from historiograph.read import ReadError, corpus_files, decode_source, read_path


def read_one(path):
    results = list(read_path(path))
    assert len(results) == 1
    return results[0]


def test_utf8_text_with_crlf_and_bom(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeff“Quoted,” she said.\r\nNext line.\r\n".encode("utf-8"))
    source = read_one(path)
    assert source.text == "“Quoted,” she said.\nNext line.\n"
    assert source.encoding == "utf-8"
    assert len(source.sha256) == 64 and source.size == path.stat().st_size


def test_legacy_encoding_is_detected(tmp_path):
    path = tmp_path / "latin.txt"
    text = "Le président a déclaré que la réforme était nécessaire à l'économie française. " * 5
    path.write_bytes(text.encode("cp1252"))
    source = read_one(path)
    assert "président" in source.text and "économie" in source.text


def test_gzip_text(tmp_path):
    path = tmp_path / "b.txt.gz"
    path.write_bytes(gzip.compress("Compressed essay text.".encode()))
    assert read_one(path).text == "Compressed essay text."


@pytest.mark.parametrize(
    "name, data, reason",
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n ", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("broken.txt.gz", b"\x1f\x8b\x08\x00garbage", "gzip"),
    ],
)
def test_bad_files_become_errors_naming_the_file(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    error = read_one(path)
    assert isinstance(error, ReadError)
    assert error.path == str(path) and reason in error.reason


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:
        stream.truncate(100_000_001)  # sparse: 100 MB on paper, nothing on disk
    error = read_one(path)
    assert isinstance(error, ReadError) and "too large" in error.reason


def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("text")
    path.chmod(0)
    try:
        result = read_one(path)
    finally:
        path.chmod(0o644)
    if isinstance(result, ReadError):  # root reads anything: only then is there no error
        assert "permission denied" in result.reason


def test_directories_are_walked_recursively_and_missing_paths_reported(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("one")
    (tmp_path / "a" / "b" / "two.html.gz").write_bytes(gzip.compress(b"<p>two</p>"))
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG")
    found = list(corpus_files([tmp_path / "a", tmp_path / "nowhere.txt"]))
    assert sorted(p.name for p in found[:-1]) == ["one.txt", "two.html.gz"]
    assert isinstance(found[-1], ReadError) and "no such file" in found[-1].reason


def test_a_directory_is_read_in_the_order_of_its_sorted_paths(tmp_path):
    for name in ["a/b.txt", "a.txt", "a-b.txt", "B.txt", "a/c/d.txt", "ab/e.txt", "a b.txt", ".hidden.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)  # not followed, as rglob does not
    found = list(corpus_files([tmp_path]))
    assert found == sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert [p.relative_to(tmp_path).as_posix() for p in found][:4] == [".hidden.txt", "B.txt", "a/b.txt", "a/c/d.txt"]


def test_decode_source_marks_html():
    source = decode_source("page.html", b"<html><body><p>x</p></body></html>", "text/html")
    assert source.media_type == "text/html"
