"""The command line: a thin Click shell over the library's functions."""
from __future__ import annotations

import sys
from datetime import date as Date
from pathlib import Path
from typing import Optional

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy.exc import ArgumentError, OperationalError

from . import __version__
from .export import DIRECTORY_FORMATS, FORMAT_NAMES, export
from .parse import DEFAULT_MODEL, ModelNotFound
from .pipeline import Report, Settings, run
from .store import Store, sqlite_url
from .store.links import attach_clusters

console = Console(stderr=True)


def fail(message: str) -> None:
    """A user's error: one line, no traceback, exit code 1."""
    click.echo(f"historiograph: error: {message}", err=True)
    sys.exit(1)


def open_store(url: str) -> Store:
    try:
        return Store(url)
    except (ArgumentError, OperationalError) as error:
        fail(f"cannot open database {url!r}: {str(error).splitlines()[0]}")
    except ModuleNotFoundError as error:
        fail(f"cannot open database {url!r}: driver not installed ({error.name})")


def validate_date(ctx, param, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        return Date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date of the form YYYY-MM-DD") from None


# What a bare `--dask` stands for: start a LocalCluster for the run.
LOCAL_CLUSTER = "local"


def validate_scheduler(ctx, param, value: Optional[str]) -> Optional[str]:
    """A bare `--dask` before PATHS would swallow the first path as an address: say so."""
    if value is None or value == LOCAL_CLUSTER or "://" in value or ":" in value:
        return value
    raise click.BadParameter(f"{value!r} is not a scheduler address (tcp://host:port); put a bare --dask after the paths")


@click.group()
@click.version_option(__version__, prog_name="historiograph")
def cli() -> None:
    """Who said what, when, in which work, on what evidence: a ledger of a corpus."""


@cli.command(name="run")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="out", show_default=True, type=click.Path(path_type=Path),
              help="Directory for historiograph.db and documents.jsonl.")
@click.option("--db", "db_url", help="SQLAlchemy database URL (default: OUT/historiograph.db).")
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Any installed spaCy pipeline.")
@click.option("--date", callback=validate_date, help="Publication date (YYYY-MM-DD) for every document.")
@click.option("--merge-threshold", type=click.FloatRange(0.05, 1.0), default=Settings.merge_threshold,
              show_default=True, help="Share of a copy's shingles another must contain to be the same article.")
@click.option("--dask", "dask_address", is_flag=False, flag_value=LOCAL_CLUSTER, callback=validate_scheduler,
              metavar="[ADDRESS]", help="Run on Dask: a local cluster, or the scheduler at ADDRESS (tcp://host:8786).")
def run_command(paths, out_dir: Path, db_url, model, date, merge_threshold, dask_address) -> None:
    """Read PATHS (files or directories), merge copies, extract, store and write JSONL."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"cannot create {out_dir}: {error.strerror or error}")
    store = open_store(db_url or sqlite_url(out_dir / "historiograph.db"))
    settings = Settings(model=model, date=date, merge_threshold=merge_threshold)
    jsonl_path = out_dir / "documents.jsonl"
    with jsonl_path.open("w", encoding="utf-8") as jsonl, progress_bar() as bar:
        task = bar.add_task("extracting", total=None)
        try:
            update = lambda stage, done, total: bar.update(task, completed=done, total=total)  # noqa: E731
            if dask_address:
                from .distributed import SchedulerUnreachable, run_distributed

                address = None if dask_address == LOCAL_CLUSTER else dask_address
                try:
                    report = run_distributed(paths, store, jsonl, settings, address, update)
                except SchedulerUnreachable as error:
                    fail(str(error))
            else:
                report = run(paths, store, jsonl, settings, update)
        except ModelNotFound as error:
            fail(str(error))
    for warning in report.warnings:
        click.echo(f"historiograph: warning: {warning}", err=True)
    for error in report.errors:
        click.echo(f"historiograph: error: {error}", err=True)
    print_summary(report, store.url, jsonl_path)
    sys.exit(1 if report.errors else 0)


def progress_bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console, transient=True)


def print_summary(report: Report, db_url: str, jsonl_path: Path) -> None:
    table = Table(title="historiograph run", show_header=False)
    for label, value in (
        ("files read", report.files_read),
        ("documents", report.documents),
        ("copies merged", report.copies_merged),
        ("residue lines dropped", report.residue_dropped),
        ("errors", len(report.errors)),
        ("database", db_url),
        ("JSONL", str(jsonl_path)),
    ):
        table.add_row(label, str(value))
    Console().print(table)


@cli.command(name="export")
@click.option("--db", "db_url", default=sqlite_url(Path("out/historiograph.db")), show_default=True,
              help="SQLAlchemy database URL.")
@click.option("--format", "format_name", type=click.Choice(FORMAT_NAMES), default="jsonl", show_default=True,
              help="jsonl: documents; tei: one TEI file per document; wadm: W3C Web Annotations (JSON-LD); "
                   "bibtex, csl-json, ris: one entry per work.")
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="Output file (default: standard output); for tei, a directory (default: out/tei).")
def export_command(db_url, format_name, output: Optional[Path]) -> None:
    """Write the stored documents in an exchange format."""
    if format_name in DIRECTORY_FORMATS and output is None:
        output = Path("out/tei")
    store = open_store(db_url)
    try:
        message = export(attach_clusters(store.engine, store.documents()), format_name, output)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}")
    click.echo(message, err=True)


@cli.command(name="evaluate")
@click.argument("gold", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("predictions", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--model", default=DEFAULT_MODEL, show_default=True, help="Any installed spaCy pipeline.")
def evaluate_command(gold: Path, predictions: Optional[Path], model: str) -> None:
    """Score extraction against GOLD (a directory of texts and gold.jsonl).

    Runs the pipeline on GOLD's texts, or reads PREDICTIONS (a documents.jsonl) instead.
    """
    from .evaluate import GoldError, evaluate, render

    try:
        rows = evaluate(gold, predictions, Settings(model=model))
    except (GoldError, ModelNotFound) as error:
        fail(str(error))
    # wide enough that field names are never cut when the output goes to a file or a pipe
    Console(width=None if sys.stdout.isatty() else 160).print(render(rows, str(gold)))


@cli.command(name="trace")
@click.argument("words")
@click.option("--db", "db_url", default=sqlite_url(Path("out/historiograph.db")), show_default=True,
              help="SQLAlchemy database URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the cluster as JSON.")
def trace_command(words: str, db_url: str, as_json: bool) -> None:
    """Trace WORDS of a quotation or claim to every attestation, the earliest first."""
    import json

    from .link import cluster_notes, cluster_table
    from .store.links import trace

    cluster = trace(open_store(db_url).engine, words)
    if cluster is None:
        fail(f"no stored quotation or claim matches {words!r}")
    if as_json:
        click.echo(json.dumps(cluster, ensure_ascii=False, indent=2))
        return
    Console().print(cluster_table(cluster))
    for line in cluster_notes(cluster):
        Console().print(line, highlight=False)


@cli.command(name="conflicts")
@click.option("--db", "db_url", default=sqlite_url(Path("out/historiograph.db")), show_default=True,
              help="SQLAlchemy database URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the conflicts as JSON lines.")
def conflicts_command(db_url: str, as_json: bool) -> None:
    """List conflicting attributions and dates across documents, worst first."""
    import json

    from .link import conflicts_table
    from .store.links import stored_conflicts

    found = stored_conflicts(open_store(db_url).engine)
    if as_json:
        for conflict in found:
            click.echo(json.dumps(conflict, ensure_ascii=False))
        return
    Console().print(conflicts_table(found))


@cli.command(name="serve")
@click.option("--db", "db_url", default=sqlite_url(Path("out/historiograph.db")), show_default=True,
              help="SQLAlchemy database URL.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (this machine only by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve_command(db_url: str, host: str, port: int) -> None:
    """Serve the ledger as web pages and a read-only JSON API (/api)."""
    import uvicorn

    from .web.app import create_app

    uvicorn.run(create_app(open_store(db_url)), host=host, port=port)


if __name__ == "__main__":
    cli()
