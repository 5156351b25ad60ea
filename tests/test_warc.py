from io import BytesIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from historiograph.clean import clean_source
from historiograph.read import ReadError, read_path

PAGE = """<html><head><title>{title}</title></head><body><nav>Home | Subscribe</nav><article>
<h1>{title}</h1><p>{body}</p></article><footer>Share this page</footer></body></html>"""
BODY = ("“The ferry ran every hour until the bridge opened,” the harbourmaster told the council in "
        "the spring of 1931, and the minutes of that meeting survive in the county archive.")


def write_record(writer, url, payload: bytes, content_type="text/html; charset=utf-8", date="2019-05-04T10:00:00Z"):
    headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=BytesIO(payload), http_headers=headers,
                                       warc_headers_dict={"WARC-Date": date})
    writer.write_record(record)


def build_warc(path, damaged_tail=False):
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        write_record(writer, "https://example.org/ferry", PAGE.format(title="The Last Ferry", body=BODY).encode())
        write_record(writer, "https://example.org/logo.png", b"\x89PNG....", content_type="image/png")
        write_record(writer, "https://example.org/empty", b"")
    if damaged_tail:
        with open(path, "ab") as stream:
            stream.write(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 9999\r\n\r\n<html>cut")


def test_each_html_response_is_a_source_with_url_and_capture_date(tmp_path):
    path = tmp_path / "crawl.warc"
    build_warc(path)
    results = list(read_path(path))
    sources = [r for r in results if not isinstance(r, ReadError)]
    assert len(sources) == 1  # the image is skipped; the empty page is an error
    source = sources[0]
    assert source.url == "https://example.org/ferry" and source.captured == "2019-05-04"
    assert source.path == f"{path}#https://example.org/ferry"
    cleaned = clean_source(source)
    assert cleaned.paragraphs[0].text == BODY
    assert cleaned.date == "2019-05-04"  # no date on the page: the capture date bounds it
    errors = [r for r in results if isinstance(r, ReadError)]
    assert [e.path for e in errors] == [f"{path}#https://example.org/empty"]


def test_damaged_record_is_reported_and_the_good_ones_kept(tmp_path):
    path = tmp_path / "torn.warc"
    build_warc(path, damaged_tail=True)
    results = list(read_path(path))
    assert any(not isinstance(r, ReadError) for r in results)
    assert any(isinstance(r, ReadError) and "torn.warc" in r.path for r in results)


def test_not_a_warc_at_all(tmp_path):
    path = tmp_path / "fake.warc"
    path.write_bytes(b"this is not an archive\n" * 10)
    results = list(read_path(path))
    assert len(results) == 1 and isinstance(results[0], ReadError)
