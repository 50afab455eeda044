"""Drafts -> stored articles with embedded passages. Each article is stored in its own
transaction: an error anywhere leaves nothing of that article."""
from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.config import Settings
from app.db.models import Article, Outlet, Passage
from app.embed.model import Embedder
from app.ingest.clean import clean, drop_leading_title
from app.ingest.drafts import ArticleDraft, IngestError, Rejection
from app.ingest.passages import Span, split_passages

log = logging.getLogger(__name__)

OnStore = Callable[[Session, Article], None]
# The same for a chunk's articles at once (a bulk import): they are stored, each in a savepoint of
# one transaction, then handed over together, then committed together.
OnStoreMany = Callable[[Session, list[Article]], None]
# Per-chunk work done before storing, one dict per article (stored as Article.features): spaCy
# runs much faster over a whole chunk than once per article inside each article's transaction.
Annotate = Callable[[list["PreparedArticle"]], list[dict]]


@dataclass
class PreparedArticle:
    draft: ArticleDraft
    clean_text: str
    title: str | None
    byline: str | None
    language: str | None
    content_hash: str
    spans: list[Span] = field(default_factory=list)

    @property
    def passage_texts(self) -> list[str]:
        return [self.clean_text[s.start : s.end] for s in self.spans]

    @property
    def texts_to_embed(self) -> list[str]:
        """The passages, then the title when there is one: one model call covers both."""
        return self.passage_texts + ([self.title] if self.title else [])


# Reasons of a refusal that trying again later may cure (the model or the database failing).
TRANSIENT_REASONS = ("embedding failed", "could not be stored")


@dataclass
class IngestResult:
    source_name: str
    status: str  # ingested | duplicate | rejected
    article_id: int | None = None
    reason: str | None = None
    title: str | None = None

    def __str__(self) -> str:
        if self.status == "ingested":
            return f"{self.source_name}: ingested as article {self.article_id}"
        if self.status == "duplicate":
            return f"{self.source_name}: duplicate of article {self.article_id}"
        return f"{self.source_name}: rejected: {self.reason}"


def content_hash(clean_text: str) -> str:
    canonical = " ".join(clean_text.casefold().split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def detect_language(text: str) -> str | None:
    import py3langid

    lang, _score = py3langid.classify(text[:3000])
    return lang if len(text) >= 40 else None


def prepare(draft: ArticleDraft, settings: Settings) -> PreparedArticle:
    """Clean, check and split one draft. Raises IngestError with the reason it is refused."""
    body = draft.text or ""
    if not body.strip():
        raise IngestError("text is empty" if not body else "text contains only whitespace")
    cleaned = clean(body, detect_title=draft.title is None and draft.source_format in ("text", "jsonl"))
    text = drop_leading_title(cleaned.text, draft.title)
    if len(text) < settings.min_article_chars:
        raise IngestError(
            f"text is only {len(text)} characters after cleaning; at least {settings.min_article_chars} needed"
        )
    spans = split_passages(text, max_chars=settings.passage_max_chars, min_chars=settings.passage_min_chars)
    return PreparedArticle(
        draft=draft,
        clean_text=text,
        title=draft.title or cleaned.title,
        byline=draft.byline or cleaned.byline,
        language=draft.language or detect_language(text),
        content_hash=content_hash(text),
        spans=spans,
    )


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:  # not a URL urllib can split: no domain to name the outlet by
        return None
    return host.removeprefix("www.") or None


def get_or_create_outlet(session: Session, name: str | None, url: str | None) -> Outlet | None:
    """The outlet by name, whatever its case ("new york times" is the stored "New York Times": the
    first spelling stored stays the shown one); without a name, the URL's host names it. Unknown
    stays None."""
    domain = _domain(url)
    name = name or domain
    if not name:
        return None
    known = session.scalars(select(Outlet).where(func.lower(Outlet.name) == name.lower()).order_by(Outlet.id)
                            .limit(1)).first()
    if known is not None:
        return known
    session.execute(insert(Outlet).values(name=name, domain=domain).on_conflict_do_nothing(index_elements=["name"]))
    return session.scalars(select(Outlet).where(Outlet.name == name)).one()


def find_duplicates(session: Session, hashes: list[str]) -> dict[str, int]:
    if not hashes:
        return {}
    rows = session.execute(select(Article.content_hash, Article.id).where(Article.content_hash.in_(hashes)))
    return {h: i for h, i in rows}


def store_article(session: Session, prepared: PreparedArticle, vectors, model_name: str,
                  features: dict | None = None) -> Article:
    """Insert the article and its passages; `vectors` as from `texts_to_embed`."""
    draft = prepared.draft
    passage_vectors = vectors[: len(prepared.spans)]
    title_vector = vectors[len(prepared.spans)] if prepared.title else None
    article = Article(
        outlet=get_or_create_outlet(session, draft.outlet, draft.url),
        title=prepared.title,
        url=draft.url,
        byline=prepared.byline,
        published=draft.published,
        language=prepared.language,
        source_format=draft.source_format,
        source_name=draft.source_name,
        source_text=draft.raw,
        clean_text=prepared.clean_text,
        content_hash=prepared.content_hash,
        title_embedding=title_vector,
        features=features,
    )
    article.passages = [
        Passage(
            position=i,
            start=span.start,
            end=span.end,
            text=prepared.clean_text[span.start : span.end],
            embedding=vector,
            embedding_model=model_name,
        )
        for i, (span, vector) in enumerate(zip(prepared.spans, passage_vectors, strict=True))
    ]
    session.add(article)
    session.flush()
    return article


def _batched(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass
class _Chunk:
    """One chunk on its way through ingest: results so far, prepared articles, and the model's
    work (vectors and annotations) running in the background."""

    items: list
    results: dict[int, IngestResult]
    prepared: dict[int, PreparedArticle]
    to_embed: list[int]
    model_work: Future | None = None


def _stage(session: Session, chunk: list, settings: Settings, known: dict[str, int]) -> _Chunk:
    """Prepare a chunk and find the articles already stored (they are not embedded again)."""
    results: dict[int, IngestResult] = {}
    prepared: dict[int, PreparedArticle] = {}
    for i, item in enumerate(chunk):
        if isinstance(item, Rejection):
            results[i] = IngestResult(item.source_name, "rejected", reason=item.reason)
            continue
        try:
            prepared[i] = prepare(item, settings)
        except IngestError as exc:
            results[i] = IngestResult(item.source_name, "rejected", reason=str(exc))
    known.update(find_duplicates(session, [p.content_hash for p in prepared.values() if p.content_hash not in known]))
    session.rollback()  # end the read-only transaction before the model runs
    to_embed = [i for i, p in prepared.items() if p.content_hash not in known]
    return _Chunk(chunk, results, prepared, to_embed)


def _model_work(chunk: _Chunk, embedder: Embedder, annotate: Annotate | None):
    """Vectors and annotations of the chunk's new articles: no database, so it can run in a
    thread while the previous chunk is stored. Returns (vectors or the model's exception, annotations)."""
    articles = [chunk.prepared[i] for i in chunk.to_embed]
    try:
        vectors = embedder.embed([t for p in articles for t in p.texts_to_embed])
    except Exception as exc:  # the model failing must not store anything
        log.exception("embedding failed")
        return exc, {}
    return vectors, _annotate(annotate, articles)


def ingest_drafts(
    *,
    session: Session,
    items: Iterable[ArticleDraft | Rejection],
    embedder: Embedder,
    settings: Settings,
    on_store: OnStore | None = None,
    annotate: Annotate | None = None,
    chunk_size: int = 64,
    on_store_many: OnStoreMany | None = None,
) -> Iterator[IngestResult]:
    """Ingest a stream of drafts, embedding the passages of many articles per model call (and
    annotating them per chunk with `annotate`), storing each article in its own transaction.
    Yields one result per input, in input order.

    With `on_store_many`, a chunk of two or more new articles is stored in one transaction
    instead, each article in a savepoint of it (one that fails to store leaves nothing and the
    others go on), grouped by one on_store_many call and committed together. If that call fails,
    the transaction is rolled back and the chunk's articles are stored one at a time as above:
    either way each article is stored with its grouping, or not at all.

    Pipelined: while one chunk's articles are stored and clustered here (Python and database
    round trips), the next chunk is embedded and annotated in a worker thread (torch and spaCy's
    inner loops release the GIL), so the model is rarely idle."""
    known: dict[str, int] = {}  # content hash -> article id: stored before or during this run
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-model") as pool:
        pending: _Chunk | None = None
        for items_ in _batched(items, chunk_size):
            staged = _stage(session, items_, settings, known)
            staged.model_work = pool.submit(_model_work, staged, embedder, annotate)
            if pending is not None:
                yield from _finish(session, pending, embedder.name, on_store, known, on_store_many)
            pending = staged
        if pending is not None:
            yield from _finish(session, pending, embedder.name, on_store, known, on_store_many)


def _finish(session: Session, chunk: _Chunk, model_name: str, on_store: OnStore | None,
            known: dict[str, int], on_store_many: OnStoreMany | None = None) -> Iterator[IngestResult]:
    """Store the chunk's articles, each in its own transaction, once its model work is done."""
    vectors, annotations = chunk.model_work.result()
    results, prepared = chunk.results, chunk.prepared
    if isinstance(vectors, Exception):
        for i in chunk.to_embed:
            results[i] = IngestResult(prepared[i].draft.source_name, "rejected",
                                      reason=f"embedding failed ({vectors})")
        vectors = []
    offsets: dict[int, int] = {}
    offset = 0
    for i in chunk.to_embed:
        offsets[i] = offset
        offset += len(prepared[i].texts_to_embed)
    todo = [i for i in sorted(prepared) if i not in results]
    fresh = {prepared[i].content_hash for i in todo if prepared[i].content_hash not in known}
    if on_store_many is not None and len(fresh) >= 2:
        results.update(_store_batch(session, [(i, prepared[i], vectors[offsets[i] : offsets[i] + len(
            prepared[i].texts_to_embed)] if i in offsets else None, annotations.get(id(prepared[i]))) for i in todo],
            model_name, on_store, on_store_many, known))
    for i in todo:
        p = prepared[i]
        if i in results:
            continue
        if p.content_hash in known:  # stored before, earlier in this run, or earlier in this chunk
            results[i] = IngestResult(p.draft.source_name, "duplicate", article_id=known[p.content_hash],
                                      title=p.title)
            continue
        own = vectors[offsets[i] : offsets[i] + len(p.texts_to_embed)]
        results[i] = _store_one(session, p, own, model_name, on_store, known, annotations.get(id(p)))
    for i in range(len(chunk.items)):
        yield results[i]


def _store_batch(session: Session, items: list[tuple[int, PreparedArticle, object, dict | None]], model_name: str,
                 on_store: OnStore | None, on_store_many: OnStoreMany,
                 known: dict[str, int]) -> dict[int, IngestResult]:
    """A chunk's new articles in one transaction (ingest_drafts, `on_store_many`): results of
    those stored or refused here; duplicates of one another are left to the caller, which finds
    them in `known` once the batch is committed."""
    results: dict[int, IngestResult] = {}
    stored: list[tuple[int, PreparedArticle, object, dict | None, Article]] = []
    hashes: set[str] = set()
    for i, p, own, features in items:
        if p.content_hash in known or p.content_hash in hashes:
            continue
        try:
            with session.begin_nested():  # a savepoint: an article that fails leaves nothing of itself
                article = store_article(session, p, own, model_name, features)
        except IntegrityError:  # stored meanwhile by another writer
            existing = find_duplicates(session, [p.content_hash]).get(p.content_hash)
            results[i] = IngestResult(p.draft.source_name, "duplicate", article_id=existing, title=p.title) \
                if existing is not None else IngestResult(p.draft.source_name, "rejected",
                                                          reason="could not be stored (a conflicting row)")
            continue
        except OperationalError:  # a deadlock with another writer's batch: stored alone after this commit
            log.warning("storing %s in a batch failed; it is stored on its own", p.draft.source_name, exc_info=True)
            continue
        except Exception as exc:
            log.exception("storing %s failed", p.draft.source_name)
            results[i] = IngestResult(p.draft.source_name, "rejected",
                                      reason=f"could not be stored ({type(exc).__name__}: {exc})")
            continue
        hashes.add(p.content_hash)
        stored.append((i, p, own, features, article))
    try:
        on_store_many(session, [article for *_, article in stored])
        ids = [article.id for *_, article in stored]
        session.commit()
        session.expunge_all()
    except Exception:
        session.rollback()
        log.exception("grouping a batch of %d articles failed; storing them one at a time", len(stored))
        for i, p, own, features, _ in stored:
            results[i] = _store_one(session, p, own, model_name, on_store, known, features)
        return results
    for (i, p, *_), article_id in zip(stored, ids, strict=True):
        known[p.content_hash] = article_id
        results[i] = IngestResult(p.draft.source_name, "ingested", article_id=article_id, title=p.title)
    return results


def _annotate(annotate: Annotate | None, articles: list[PreparedArticle]) -> dict[int, dict]:
    """The chunk's annotations by id(prepared); none when it fails (on_store computes what it needs)."""
    if annotate is None or not articles:
        return {}
    try:
        return {id(p): a for p, a in zip(articles, annotate(articles), strict=True)}
    except Exception:
        log.exception("annotating a chunk failed; each article is annotated as it is stored")
        return {}


def _store_one(session, prepared, vectors, model_name, on_store, known, features=None) -> IngestResult:
    name = prepared.draft.source_name
    try:
        article = store_article(session, prepared, vectors, model_name, features)
        if on_store is not None:
            on_store(session, article)
        article_id = article.id
        session.commit()
        session.expunge_all()  # a long batch must not keep every article in memory
    except IntegrityError:
        session.rollback()
        existing = find_duplicates(session, [prepared.content_hash]).get(prepared.content_hash)
        session.rollback()
        if existing is None:
            raise
        return IngestResult(name, "duplicate", article_id=existing, title=prepared.title)
    except Exception as exc:
        session.rollback()
        log.exception("storing %s failed", name)
        return IngestResult(name, "rejected", reason=f"could not be stored ({type(exc).__name__}: {exc})")
    known[prepared.content_hash] = article_id
    return IngestResult(name, "ingested", article_id=article_id, title=prepared.title)


def ingest_one(*, session: Session, draft: ArticleDraft, embedder: Embedder, settings: Settings,
               on_store: OnStore | None = None, annotate: Annotate | None = None) -> IngestResult:
    return next(ingest_drafts(session=session, items=[draft], embedder=embedder, settings=settings,
                              on_store=on_store, annotate=annotate))


def count_articles(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Article)) or 0
