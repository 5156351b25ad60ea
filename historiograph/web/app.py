"""The web app: server-rendered pages to read the ledger, and the JSON API they share queries with.

``create_app(store)`` builds the app for a Store; ``historiograph serve`` runs it with uvicorn.
Every route reads; there are no write endpoints. Templates autoescape, and the
Content-Security-Policy allows only the app's own static files, so a script that reached a page
through a document's text would still not run.
"""
from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Literal, Optional

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup, escape

from .. import __version__
from ..model import QUOTE_KINDS, STANCES, Work
from ..store import Store
from . import queries, render
from .search import MARK_END, MARK_START, SEARCH_KINDS, SearchFilters, ensure_search_index

HERE = Path(__file__).parent
WORK_FIELDS = {f.name for f in fields(Work)} - {"mentions"}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def highlight(snippet: Optional[str]) -> Markup:
    """A search snippet escaped, then its hit markers turned into <mark>."""
    escaped = str(escape(snippet or ""))
    return Markup(escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def work_citation(work) -> Markup:
    """A Work, or a work's stored JSON record (whose keys may be newer than this code), as a citation."""
    if not isinstance(work, Work):
        work = Work(**{key: value for key, value in work.items() if key in WORK_FIELDS})
    return render.citation(work)


def template_environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                              trim_blocks=True, lstrip_blocks=True)
    environment.filters.update(person_url=render.person_url, document_url=render.document_url,
                               name_search_url=render.name_search_url,
                               highlight=highlight, citation=work_citation)
    environment.globals.update(quote_url=render.quote_url, version=__version__, QUOTE_KINDS=QUOTE_KINDS,
                               STANCES=STANCES, SEARCH_KINDS=SEARCH_KINDS)
    return environment


def create_app(store: Store) -> FastAPI:
    """The app for one store: pages at /, /documents, /people, /quotes, /search; JSON under /api."""
    engine = store.engine
    ensure_search_index(engine)
    app = FastAPI(title="historiograph", version=__version__, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Read-only JSON API over a historiograph ledger; the HTML pages use the same queries.")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(env=template_environment())

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    def show(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def document_or_404(document_id: str):
        document = store.document(document_id)
        if document is None:
            raise HTTPException(404, f"no document {document_id!r}")
        return document

    # --- JSON API ------------------------------------------------------------------------------

    @app.get("/api/corpus", tags=["corpus"], summary="Counts, timeline, most quoted people, conflicts")
    def api_corpus() -> dict:
        return queries.corpus_summary(engine)

    @app.get("/api/documents", tags=["documents"], summary="One page of documents")
    def api_documents(page: int = 1, sort: Literal[tuple(queries.DOCUMENT_SORTS)] = "date",
                      order: Literal["asc", "desc"] = "asc") -> dict:
        return queries.document_list(engine, page, sort, order)

    @app.get("/api/documents/{document_id}", tags=["documents"], summary="A document with all its annotations")
    def api_document(document_id: str) -> dict:
        return document_or_404(document_id).to_dict()

    @app.get("/api/people/{name:path}", tags=["people"], summary="Quotations, claims and works by or about a person")
    def api_person(name: str) -> dict:
        found = queries.person(engine, name)
        if found is None:
            raise HTTPException(404, f"no one called {name!r}")
        return found

    @app.get("/api/quotes/{document_id}/{quote_id}", tags=["quotations"], summary="A quotation's trace across documents")
    def api_trace(document_id: str, quote_id: str) -> dict:
        found = queries.quotation_trace(engine, document_id, quote_id)
        if found is None:
            raise HTTPException(404, f"no quotation {quote_id!r} in {document_id!r}")
        return found

    @app.get("/api/search", tags=["search"], summary="Full-text search over documents, quotations and claims")
    def api_search(q: str = "", kind: Optional[Literal[SEARCH_KINDS]] = None, speaker: Optional[str] = None,
                   stance: Optional[Literal[STANCES]] = None, date_from: Optional[str] = None,
                   date_to: Optional[str] = None, offset: int = 0) -> dict:
        filters = SearchFilters(kind or None, speaker or None, stance or None, date_from or None, date_to or None)
        return queries.search_results(engine, q, filters, max(0, offset))

    # --- pages ---------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def corpus_page(request: Request, page: int = 1, sort: str = "date", order: str = "asc"):
        summary = queries.corpus_summary(engine)
        return show(request, "corpus.html", summary=summary, chart=render.timeline_chart(summary["timeline"]),
                             listing=queries.document_list(engine, page, sort, order))

    @app.get("/documents/{document_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(request: Request, document_id: str):
        document = document_or_404(document_id)
        return show(request, "document.html", document=document, paragraphs=render.paragraphs(document),
                             reviewed=[w for w in document.works if w.reviewed],
                             mentioned=[w for w in document.works if not w.reviewed],
                             entities=sorted(document.entities, key=lambda e: (e.type != "PERSON", e.type, e.name)))

    @app.get("/people/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def person_page(request: Request, name: str):
        found = queries.person(engine, name)
        if found is None:
            return show(request, "missing.html", 404, what=f"No one called “{name}” in this corpus.")
        return show(request, "person.html", person=found)

    @app.get("/quotes/{document_id}/{quote_id}", response_class=HTMLResponse, include_in_schema=False)
    def trace_page(request: Request, document_id: str, quote_id: str):
        found = queries.quotation_trace(engine, document_id, quote_id)
        if found is None:
            return show(request, "missing.html", 404, what="No such quotation.")
        return show(request, "trace.html", trace=found)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, q: str = "", kind: str = "", speaker: str = "", stance: str = "",
                    date_from: str = "", date_to: str = "", offset: int = 0):
        filters = SearchFilters(kind if kind in SEARCH_KINDS else None, speaker or None,
                                stance if stance in STANCES else None, date_from or None, date_to or None)
        asked = bool(q.strip() or any(vars(filters).values()))
        found = queries.search_results(engine, q, filters, max(0, offset)) if asked else None
        return show(request, "search.html", q=q, filters=filters, found=found)

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page(request: Request):
        return show(request, "api.html", schema=app.openapi())

    @app.exception_handler(404)
    async def not_found(request: Request, error):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": getattr(error, "detail", "Not Found")}, status_code=404)
        return show(request, "missing.html", 404, what="Nothing here.")

    return app
