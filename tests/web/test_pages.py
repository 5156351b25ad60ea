"""Every page and API route against the real server over a database the pipeline built."""
import re
from urllib.parse import quote

import httpx
import pytest
from click.testing import CliRunner
from markupsafe import escape
from sqlalchemy import select

from historiograph import cli as cli_module
from historiograph.model import Document
from historiograph.store import schema
from historiograph.web import queries, render
from historiograph.web.search import SearchFilters, ensure_search_index, match_expression, search

from .hostile import HOSTILE_ID, IMG, LINK, NAME, SCRIPT

HOSTILE_STRINGS = (SCRIPT, IMG, LINK, NAME)


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def documents(store) -> list[Document]:
    return list(store.documents())


def get_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def page_urls(documents) -> list[str]:
    urls = ["/", "/search?q=bread", "/api"]
    for document in documents:
        urls.append(render.document_url(document.id))
        urls += [render.quote_url(document.id, q.id) for q in document.quotes]
        urls += [render.person_url(e.name) for e in document.entities if e.type == "PERSON"]
    return urls


def test_the_corpus_was_built_by_the_pipeline(documents):
    merged = [d for d in documents if len(d.sources) == 2]
    assert len(documents) == 5 and len(merged) == 1
    assert {d.title for d in documents} >= {"The Granary Accounts", "Hunger and the Magistrates"}


def test_corpus_page_shows_counts_documents_and_timeline(client, documents, store):
    page = get_page(client, "/")
    counts = store.counts()
    assert f'<span class="number">{counts["documents"]:,}</span> documents' in page
    for document in documents:
        assert f'href="{render.document_url(document.id)}"' in page
    if counts["times"]:
        assert re.search(r'<svg viewBox="0 0 \d+ \d+"', page) and 'class="bar"' in page
    for row in queries.most_quoted(store.engine):
        assert escape(row["name"]) in page


def test_document_list_pages_and_sorts(store):
    first = queries.document_list(store.engine, page=1, sort="title", per_page=2)
    second = queries.document_list(store.engine, page=2, sort="title", per_page=2)
    titles = [i["title"] for i in first["items"] + second["items"]]
    assert first["pages"] == 3 and titles == sorted(titles)
    newest = queries.document_list(store.engine, sort="date", order="desc")["items"]
    assert [i["date"] for i in newest] == sorted((i["date"] for i in newest), reverse=True)


def test_sorting_and_paging_links_on_the_corpus_page(client):
    page = get_page(client, "/?sort=title&order=desc&page=1")
    assert 'class="sorted desc"' in page
    assert get_page(client, "/?page=999")  # past the end: the last page, not an error


def test_document_page_shows_every_annotation(client, documents):
    for document in documents:
        page = get_page(client, render.document_url(document.id))
        for item in document.quotes:
            assert f'<mark class="quote kind-{item.kind}" id="{item.id}"' in page
            assert f'href="{render.quote_url(document.id, item.id)}"' in page
            if item.speaker_name:
                assert f'href="{render.person_url(item.speaker_name)}"' in page
        for claim in document.claims:
            assert f'<span class="claim stance-{claim.stance}" id="{claim.id}"' in page
            assert f'<span class="badge stance-{claim.stance}"' in page
        for entity in document.entities:
            url = render.person_url(entity.name) if entity.type == "PERSON" else render.name_search_url(entity.name)
            assert f'href="{escape(url)}"' in page
        for time in document.times:
            assert f'title="EDTF {escape(time.value)}"' in page
        for work in document.works:
            assert f"<cite>{escape(work.title)}</cite>" in page


def test_each_paragraph_names_the_copy_it_came_from(client, documents):
    merged = next(d for d in documents if len(d.sources) == 2)
    page = get_page(client, render.document_url(merged.id))
    labels = re.findall(r'<div class="provenance">\s*<span title="([^"]+)">([^<]+)</span>', page)
    assert len(labels) == merged.text.count("\n\n") + 1
    assert {label for _, label in labels} <= {"copy A", "copy B"}
    assert all(title.split(",")[0] in {s["path"] for s in merged.sources} for title, _ in labels)


def test_person_page_lists_quotations_claims_and_works(client, store):
    page = get_page(client, render.person_url(NAME))
    assert f"<h1>{escape(NAME)}</h1>" in page
    assert "Also called" in page and escape(f"Brack {IMG}") in page
    assert render.quote_url(HOSTILE_ID, "q1") in page
    assert '<span class="badge stance-disagrees"' in page
    assert f"<cite>{escape('Ashes ' + SCRIPT)}</cite>" in page
    speakers = store.engine.connect().execute(select(schema.quotes.c.speaker_name).distinct()).scalars().all()
    for speaker in filter(None, speakers):
        assert get_page(client, render.person_url(speaker))


def test_claims_about_a_person_are_others_claims_that_mention_them(store):
    found = queries.person(store.engine, NAME)
    about = [(row["document_id"], row["id"], row["holder_name"]) for row in found["claims_about"]["items"]]
    assert about == [("earlier00000001", "c1", "Hedda Vorn")]
    assert [row["id"] for row in found["claims"]["items"]] == ["c1"]  # their own claim, not "about"
    assert found["documents"] == 2


def test_an_unknown_person_is_a_404_page(client):
    response = client.get("/people/Nobody%20At%20All")
    assert response.status_code == 404 and "No one called" in response.text


def test_trace_page_lists_the_cluster_earliest_first_and_marks_the_conflict(client):
    page = get_page(client, render.quote_url(HOSTILE_ID, "q1"))
    dates = re.findall(r'<p class="when">(\d{4}-\d\d-\d\d)', page)
    assert dates == ["1961-02-01", "1983-05-01"]
    assert '<span class="badge conflict">attribution</span>' in page
    assert page.count('<li class="conflicting">') == 1 and page.count('<li class="earliest">') == 1


def test_trace_of_a_big_cluster_lists_its_earliest_attestations_and_counts_them_all(store, monkeypatch):
    monkeypatch.setattr(queries, "SECTION_LIMIT", 1)
    found = queries.quotation_trace(store.engine, HOSTILE_ID, "q1")
    assert found["size"] == 2 and [row["document_date"] for row in found["attestations"]] == ["1961-02-01"]
    assert [value["count"] for value in found["conflicts"][0]["values"]] == [1, 1]


def test_trace_of_an_unlinked_quotation_is_its_single_attestation(store):
    found = queries.quotation_trace(store.engine, "earlier00000001", "q1")
    assert found["attestations"][0]["document_id"] == "earlier00000001"
    assert queries.quotation_trace(store.engine, "earlier00000001", "q99") is None


def test_search_finds_documents_quotations_and_claims(client, store):
    found = search(store.engine, "newspaper")
    kinds = {row["kind"] for row in found["results"]}
    assert "document" in kinds and found["total"] >= 2
    assert all("\ue000" in row["snippet"] for row in found["results"])
    page = get_page(client, "/search?q=newspaper")
    assert "<mark>newspaper</mark>" in page


def test_search_filters_by_kind_speaker_stance_and_date(store):
    engine = store.engine
    claims = search(engine, "archive", SearchFilters(kind="claim", stance="disagrees"))["results"]
    assert [(r["document_id"], r["item_id"]) for r in claims] == [(HOSTILE_ID, "c1")]
    by_speaker = search(engine, "burned", SearchFilters(speaker="Hedda Vorn"))["results"]
    assert [r["document_id"] for r in by_speaker] == ["earlier00000001"]
    in_range = search(engine, "archive", SearchFilters(date_from="1980", date_to="1983"))["results"]
    assert in_range and {r["date"][:4] for r in in_range} == {"1983"}
    before = search(engine, "archive", SearchFilters(date_to="1970"))["results"]
    assert {(r["kind"], r["date"]) for r in before} == {("document", "1961-02-01"), ("quotation", "1961-02-01")}
    assert search(engine, "", SearchFilters(kind="claim", stance="disagrees"))["total"] >= 1


@pytest.mark.parametrize("words", ['"', 'bread AND OR', "NEAR(", "col:umn", "*", "'); DROP TABLE documents; --"])
def test_search_never_reads_a_user_query_as_syntax(client, words):
    response = client.get("/search", params={"q": words})
    assert response.status_code == 200
    assert client.get("/api/search", params={"q": words}).status_code == 200


def test_match_expression_quotes_every_term():
    assert match_expression('bread "the poor" AND') == '"bread" "the poor" "AND"'


def test_search_index_follows_the_store(store):
    engine = store.engine
    assert ensure_search_index(engine) is False
    extra = Document(id="extra0000000001", text="A zeppelin over the granary.", title="Extra", date="1990-01-01")
    store.save(extra)
    try:
        assert search(engine, "zeppelin")["total"] == 1
    finally:
        with engine.begin() as connection:
            connection.execute(schema.documents.delete().where(schema.documents.c.id == extra.id))
    assert search(engine, "zeppelin")["total"] == 0


def test_api_serves_the_same_data(client, documents):
    listing = client.get("/api/documents", params={"sort": "title"}).json()
    assert listing["total"] == len(documents)
    document = documents[0]
    assert client.get(f"/api/documents/{document.id}").json() == document.to_dict()
    assert client.get("/api/documents/nope").status_code == 404
    assert client.get("/api/people/" + quote(NAME, safe="")).json()["quotes"]["total"] == 1
    trace = client.get(f"/api/quotes/{HOSTILE_ID}/q1").json()
    assert len(trace["attestations"]) == 2
    assert client.get("/api/search", params={"q": "bread", "kind": "document"}).json()["total"] >= 1
    assert client.get("/api/search", params={"kind": "poem"}).status_code == 422
    corpus = client.get("/api/corpus").json()
    assert corpus["counts"]["documents"] == len(documents)


def test_openapi_page_describes_every_api_route(client):
    schema_json = client.get("/api/openapi.json").json()
    page = get_page(client, "/api")
    for path in schema_json["paths"]:
        assert path.startswith("/api/")
        assert escape(path) in page
    assert "cdn" not in page.lower()


def test_no_route_writes(client, server):
    schema_json = client.get("/api/openapi.json").json()
    assert {method for methods in schema_json["paths"].values() for method in methods} == {"get"}
    for url in ("/", "/api/documents", f"/api/documents/{HOSTILE_ID}"):
        assert client.post(url).status_code == 405
        assert client.delete(url).status_code == 405


def test_every_page_escapes_document_text(client, documents):
    for url in page_urls(documents):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers
        text = response.text
        assert "<script" not in text.lower(), url
        assert "<img" not in text.lower(), url
        assert 'href="javascript:' not in text.lower(), url


def test_crossing_annotations_stay_well_formed():
    spans = [render.Span(0, 10, "quote", render.Markup('<mark id="q1">'), render.Markup("</mark>"), render.Markup("<mark>")),
             render.Span(5, 15, "claim", render.Markup('<span id="c1">'), render.Markup("</span>"), render.Markup("<span>"))]
    out = render.annotated_html("abcde<ghijklmnop", 0, 16, spans)
    assert out == ('<mark id="q1">abcde</mark><span id="c1"><mark>&lt;ghij</mark>klmno</span>p')


def test_citation_formats_a_work():
    from historiograph.model import Work

    work = Work(title="Bread and Order", authors=["Ann Lee", "Bo Kim"], translators=["Cy Dunn"],
                publisher="Fenwick", place="Leeds", year=1979, pages=284, price="$17.50", binding="paper")
    assert str(render.citation(work)) == ("Ann Lee and Bo Kim. <cite>Bread and Order</cite>. Translated by Cy Dunn. "
                                          "Leeds: Fenwick, 1979. 284 pp. $17.50 (paper)")


def test_serve_binds_this_machine_by_default(monkeypatch, store_url, store):
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda app, host, port: calls.append((app, host, port)))
    result = CliRunner().invoke(cli_module.cli, ["serve", "--db", store_url])
    assert result.exit_code == 0, result.output
    (app, host, port), = calls
    assert (host, port) == ("127.0.0.1", 8000) and app.title == "historiograph"
