"""The `parallax` command: ingest, export, serve, worker, db upgrade/check."""
from __future__ import annotations

import gc
import json
import logging
import signal
import sys
from collections import Counter
from pathlib import Path

import click

from app.config import get_settings


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
def cli(verbose: bool) -> None:
    """Parallax: see how news outlets frame the same event."""
    from app.logs import configure_logging

    configure_logging(fmt=get_settings().log_format, level=logging.INFO if verbose else logging.WARNING)


def _service_logging() -> None:
    """Long-running commands log at PARALLAX_LOG_LEVEL in PARALLAX_LOG_FORMAT."""
    from app.logs import configure_logging

    settings = get_settings()
    configure_logging(fmt=settings.log_format, level=settings.log_level)


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations."""
    from app.pipeline import prepare_database

    prepare_database()
    click.echo("database is at the latest migration")


@db.command("check")
def db_check() -> None:
    """Fail when the models and the migrations disagree."""
    from app.db.base import get_engine
    from app.db.migrate import check

    with get_engine().connect() as conn:
        check(conn)
    click.echo("no drift between models and migrations")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def ingest(paths: tuple[Path, ...]) -> None:
    """Ingest article files, folders and JSONL files (.txt .md .html .jsonl). The framing of the
    stories they joined is queued for a worker (`parallax serve` runs one; PARALLAX_FRAME_ON_INGEST)."""
    from tqdm import tqdm

    from app.db.base import session_scope
    from app.embed.model import get_embedder
    from app.ingest.readers import read_paths
    from app.pipeline import ingest_items, prepare_database

    settings = get_settings()
    embedder = get_embedder()
    prepare_database(embedder)
    counts: Counter[str] = Counter()
    problems: list[str] = []
    items = read_paths(list(paths), max_bytes=settings.max_article_bytes)
    with session_scope() as session, tqdm(unit=" articles", desc="ingest", file=sys.stderr) as bar:
        for result in ingest_items(session=session, items=items, embedder=embedder, settings=settings):
            counts[result.status] += 1
            bar.update(1)
            if result.status != "ingested":
                problems.append(str(result))
    for line in problems:
        click.echo(line)
    click.echo(
        f"{counts['ingested']} ingested, {counts['duplicate']} duplicates, {counts['rejected']} rejected"
    )
    if counts["ingested"] and settings.frame_on_ingest:
        click.echo("the framing of the stories they joined is queued: a worker (parallax serve, parallax worker) "
                   "keeps it", err=True)
    if counts["rejected"] and not counts["ingested"] and not counts["duplicate"]:
        sys.exit(1)


@cli.command()
def seed() -> None:
    """Load seeds/ through the ingest pipeline when the database holds no articles."""
    from app.db.base import session_scope
    from app.embed.model import get_embedder
    from app.pipeline import prepare_database, seed_if_empty

    prepare_database(get_embedder())
    with session_scope() as session:
        results = seed_if_empty(session)
    for r in results:
        click.echo(str(r))
    if not results:
        click.echo("database already holds articles; seeds not loaded")


@cli.command()
@click.option("--story", "story_ids", type=int, multiple=True, help="Only this story (repeat for several).")
def frame(story_ids: tuple[int, ...]) -> None:
    """Queue the framing of every story (or of the given ones) for the workers, which keep it so the
    first reader of each finds it made: after an upgrade that changed the analysis, for example.
    For every story, the kept parses made by another spaCy model (never read again) go too."""
    from sqlalchemy import select

    from app.browse.framing_store import forget_other_parsers
    from app.db.base import session_scope
    from app.db.models import Story
    from app.pipeline import prepare_database, queue_story_framing

    prepare_database()
    with session_scope() as session:
        chosen = select(Story.id).where(Story.id.in_(story_ids)) if story_ids else select(Story.id)
        found = list(session.scalars(chosen.order_by(Story.id)))
        if missing := sorted(set(story_ids) - set(found)):
            raise click.ClickException(f"no such story: {', '.join(map(str, missing))}")
        if not story_ids and (stale := forget_other_parsers(session)):
            click.echo(f"{stale} parses made by another spaCy model deleted")
        queued = queue_story_framing(session, found)
    click.echo(f"{queued} stories queued for framing: a worker keeps them (parallax serve, parallax worker)")


@cli.command()
def recluster() -> None:
    """Recompute every story and event from the stored vectors; ids stay where groups stay."""
    from app.cluster.service import NothingToCluster
    from app.cluster.service import recluster as run_recluster
    from app.db.base import session_scope
    from app.db.warm import warm_vector_indexes
    from app.pipeline import prepare_database

    prepare_database()
    with session_scope() as session:
        try:
            summary = run_recluster(session)
        except NothingToCluster as exc:
            raise click.ClickException(str(exc)) from None
        session.commit()
        warm_vector_indexes(session)  # the recluster's memory pushed them out; ingest reads them next
    click.echo(str(summary))


@cli.command()
@click.option("--indent", default=2, show_default=True)
@click.option("--framing", is_flag=True,
              help="Print the framing rows instead: one per event, outlet, signal and item, with passage spans.")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), help="With --framing: json (default) or csv.")
@click.option("--story", "story_id", type=int, help="With --framing: this story only.")
def export(indent: int, framing: bool, fmt: str | None, story_id: int | None) -> None:
    """Print every article with its passages as JSON on stdout (with --framing: the framing rows)."""
    from app.db.base import session_scope
    from app.export import export_corpus
    from app.pipeline import prepare_database

    if not framing and (fmt or story_id is not None):
        raise click.UsageError("--format and --story go with --framing")
    prepare_database()
    if framing:
        _export_framing(fmt or "json", story_id)
        return
    with session_scope() as session:
        corpus = export_corpus(session)
    if not corpus["articles"]:
        click.echo("note: the database holds no articles", err=True)
    json.dump(corpus, sys.stdout, ensure_ascii=False, indent=indent or None)
    sys.stdout.write("\n")


def _export_framing(fmt: str, story_id: int | None) -> None:
    from tqdm import tqdm

    from app.db.base import session_scope
    from app.db.models import Story
    from app.export import export_framing, story_ids
    from app.framing.table import csv_lines, json_lines

    with session_scope() as session:
        if story_id is not None and session.get(Story, story_id) is None:
            raise click.ClickException(f"there is no story {story_id}")
        ids = [story_id] if story_id is not None else story_ids(session)
        if not ids:
            click.echo("note: the database holds no stories", err=True)
        bar = tqdm(ids, unit=" stories", desc="framing", file=sys.stderr, disable=len(ids) < 2)
        for piece in (csv_lines if fmt == "csv" else json_lines)(export_framing(session, bar)):
            sys.stdout.write(piece)


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) only listens on this machine."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


@cli.command()
@click.option("--host", default=None, help="Default: PARALLAX_HOST (127.0.0.1).")
@click.option("--port", default=None, type=int, help="Default: PARALLAX_PORT (8000).")
@click.option("--seed/--no-seed", default=False, help="Load seeds/ first when the database is empty.")
def serve(host: str | None, port: int | None, seed: bool) -> None:
    """Migrate, optionally seed, and serve the web app."""
    import uvicorn

    from app.db.base import session_scope
    from app.embed.model import get_embedder
    from app.framing.analysis import warm_up as warm_up_framing
    from app.pipeline import prepare_database, seed_if_empty
    from app.web.templating import compile_templates

    settings = get_settings()
    listen = host or settings.host
    if not settings.admin_token and not settings.allow_anonymous_writes and not is_loopback(listen):
        raise click.UsageError(
            f"refusing to serve on {listen} without PARALLAX_ADMIN_TOKEN: anyone who reaches the server could add "
            "and delete articles. Set PARALLAX_ADMIN_TOKEN (writes then need it, reading stays public), serve on "
            "127.0.0.1, or set PARALLAX_ALLOW_ANONYMOUS_WRITES=true to open writes on purpose.")
    _service_logging()
    if not settings.admin_token:
        logging.getLogger("parallax").warning(
            "PARALLAX_ADMIN_TOKEN is not set: anyone who reaches %s can add and delete articles", listen)
    embedder = get_embedder()
    prepare_database(embedder)
    warm_up_framing()  # its models loaded now rather than by the first reader of a page with framing
    compile_templates()
    if seed:
        with session_scope() as session:
            for r in seed_if_empty(session):
                click.echo(str(r))
    # uvicorn re-raises SIGTERM/SIGINT after its graceful shutdown; turning that into a normal
    # exit lets atexit stop the embedded Postgres instead of leaving it running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    # What is loaded by now (the model, spaCy: millions of objects that live as long as the process)
    # goes out of the garbage collector's sight: a full collection over it paused every request for
    # 350-560 ms; after gc.freeze() 15-20 ms (bench/pages.py's p99).
    gc.collect()
    gc.freeze()
    uvicorn.run("app.main:create_app", factory=True, host=listen, port=port or settings.port,
                log_config=None, access_log=False)  # our middleware logs each request with its id


@cli.group()
def sources() -> None:
    """Outlets' feeds and sitemaps that Parallax polls by itself."""


@sources.command("add")
@click.argument("url")
@click.option("--outlet", default=None, help="Name the outlet its articles are from (default: the feed's title).")
@click.option("--interval", "interval_s", default=None, type=int, help="Seconds between polls (default 900).")
def sources_add(url: str, outlet: str | None, interval_s: int | None) -> None:
    """Add an RSS, Atom or JSON feed, or a (news) sitemap."""
    from app.db.base import session_scope
    from app.ingest.fetch import FetchError
    from app.pipeline import prepare_database
    from app.sources.polling import add_source

    prepare_database()
    with session_scope() as session:
        try:
            source = add_source(session, url, outlet=outlet, interval_s=interval_s, settings=get_settings())
        except FetchError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"source {source.id}: {source.url} (every {source.interval_s} s)")


@sources.command("list")
def sources_list() -> None:
    """Every source with its health: last poll, HTTP status, items, articles, last error."""
    from sqlalchemy import select

    from app.db.base import session_scope
    from app.pipeline import prepare_database
    from app.sources.models import Source

    prepare_database()
    with session_scope() as session:
        rows = session.scalars(select(Source).order_by(Source.id)).all()
        if not rows:
            click.echo("no sources; add one with `parallax sources add URL`")
        for s in rows:
            state = "paused" if s.paused else f"next poll {s.next_poll_at:%Y-%m-%d %H:%M:%S %Z}"
            last = f"{s.last_polled_at:%Y-%m-%d %H:%M:%S %Z}" if s.last_polled_at else "never"
            click.echo(f"{s.id}\t{s.url}\t{s.outlet or s.title or ''}\tlast poll {last} ({s.last_status or '-'})\t"
                       f"{state}\t{s.items_seen} items, {s.articles_added} articles, {s.duplicates} duplicates"
                       + (f"\terror: {s.last_error}" if s.last_error else ""))


@sources.command("import")
@click.argument("opml", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def sources_import(opml: Path) -> None:
    """Add every feed of an OPML file (as feed readers export them)."""
    from app.db.base import session_scope
    from app.ingest.fetch import FetchError
    from app.pipeline import prepare_database
    from app.sources.feeds import NotAFeed, read_opml
    from app.sources.polling import add_source

    try:
        feeds = read_opml(opml.read_bytes())
    except NotAFeed as exc:
        raise click.ClickException(f"{opml}: {exc}") from None
    prepare_database()
    added = 0
    with session_scope() as session:
        for url, title in feeds:
            try:
                add_source(session, url, outlet=title, settings=get_settings())
                added += 1
            except FetchError as exc:
                click.echo(f"{url}: {exc}")
    click.echo(f"{added} of {len(feeds)} feeds added")


@sources.command("export")
def sources_export() -> None:
    """Print every source as OPML on stdout."""
    from sqlalchemy import select

    from app.db.base import session_scope
    from app.pipeline import prepare_database
    from app.sources.feeds import write_opml
    from app.sources.models import Source

    prepare_database()
    with session_scope() as session:
        rows = [(s.url, s.outlet or s.title) for s in session.scalars(select(Source).order_by(Source.id))]
    sys.stdout.write(write_opml(rows))


@sources.command("poll")
@click.option("--once", is_flag=True, help="Poll the sources due now, then exit.")
def sources_poll(once: bool) -> None:
    """Poll due sources until stopped (workers do this too, when they have no job)."""
    import threading

    from app.db.base import session_scope
    from app.embed.model import get_embedder
    from app.pipeline import poll_sources, prepare_database

    embedder = get_embedder()
    prepare_database(embedder)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.is_set():
        with session_scope() as session:
            reports = poll_sources(session, embedder=embedder)
        for report in reports:
            click.echo(str(report))
        if once:
            if not reports:
                click.echo("no source is due")
            return
        stop.wait(5.0)


@cli.command()
@click.option("--once", is_flag=True, help="Run the jobs due now, then exit.")
def worker(once: bool) -> None:
    """Run background jobs (ingest, fetch by URL, recluster, framing) until stopped; start as many as you like."""
    import threading

    from app.embed.model import get_embedder
    from app.framing.analysis import warm_up as warm_up_framing
    from app.jobs.worker import Worker
    from app.pipeline import prepare_database

    _service_logging()
    embedder = get_embedder()  # once per process
    prepare_database(embedder)
    warm_up_framing()  # its models loaded now rather than by the first upload
    runner = Worker(embedder=embedder)
    if once:
        count = 0
        while runner.run_once() is not None:
            count += 1
        click.echo(f"{count} job(s) run")
        return
    stop = threading.Event()
    # SIGTERM/SIGINT: finish the job in hand, then exit (atexit stops an embedded Postgres).
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    runner.run_forever(stop)


if __name__ == "__main__":
    cli()
