"""A real database for the web tests: the texts under texts/ through the pipeline, two
hand-annotated documents carrying hostile markup, linked; and the real server on a free port.
Every test runs on SQLite and on a throwaway PostgreSQL cluster (skipped where PostgreSQL is
not installed)."""
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from sqlalchemy import create_engine, text

from historiograph.pipeline import Report, Settings, extract, prepare_documents
from historiograph.store import Store, sqlite_url
from historiograph.store.links import link_new_documents
from historiograph.web.app import create_app

from ..store.conftest import postgres_server  # noqa: F401  (the throwaway cluster fixture)
from .hostile import earlier_attestation, hostile_document

TEXTS = Path(__file__).parent / "texts"
SERVER_START_SECONDS = 20


def build_corpus(store: Store, nlp) -> None:
    settings = Settings()
    sources, documents = prepare_documents([TEXTS], settings, Report())
    store.save_sources(sources)
    for document in extract(documents, settings, nlp):
        store.save(document)
    store.save(earlier_attestation())
    store.save(hostile_document())
    link_new_documents(store.engine, store.documents())


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path_factory.mktemp("web") / "historiograph.db")
    server = request.getfixturevalue("postgres_server")
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text('CREATE DATABASE "web"'))
    admin.dispose()
    return f"{server}/web"


@pytest.fixture(scope="session")
def store(store_url, nlp) -> Store:
    store = Store(store_url)
    build_corpus(store, nlp)
    yield store
    store.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def server(store) -> str:
    """The app served by uvicorn in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_SECONDS
    while not running.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=SERVER_START_SECONDS)
