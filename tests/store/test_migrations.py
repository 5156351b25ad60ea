"""The schema comes from Alembic revisions, on SQLite and PostgreSQL alike, and matches the tables
the code declares; databases made before migrations existed are adopted, not recreated."""
import hashlib

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select

import historiograph.store.links  # noqa: F401  (registers the link tables on the metadata)
from historiograph.model import Source
from historiograph.store import Store, schema
from historiograph.store.schema import metadata

HEAD = "0002"


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("postgres_url")


def source(path, text="text"):
    return Source(path=path, sha256=hashlib.sha256(text.encode()).hexdigest(), size=len(text), text=text)


def test_migrated_schema_is_the_declared_schema(url):
    store = Store(url)
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    store.close()
    assert differences == []
    assert version == HEAD


def test_opening_twice_migrates_once(url):
    Store(url).close()
    store = Store(url)
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar_one() == 1
    store.close()


def test_database_made_before_migrations_is_adopted(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    metadata.create_all(engine, tables=[schema.sources, schema.documents])
    with engine.begin() as connection:
        connection.execute(schema.sources.insert(), [{"sha256": "a" * 64, "path": "kept.txt", "size": 1}])
    engine.dispose()
    store = Store(url)
    assert {"alembic_version", "quotes", "link_clusters"} <= set(inspect(store.engine).get_table_names())
    assert store.counts()["sources"] == 1
    store.close()


def test_saving_sources_again_adds_nothing(url):
    store = Store(url)
    sources = [source("a.txt", "one"), source("b.txt", "two")]
    store.save_sources(sources)
    store.save_sources(sources + [source("c.txt", "three")])
    with store.engine.connect() as connection:
        paths = sorted(connection.execute(select(schema.sources.c.path)).scalars())
    store.close()
    assert paths == ["a.txt", "b.txt", "c.txt"]
