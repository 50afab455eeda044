"""Search passages: Postgres full-text search (passages.search), or by meaning (embedding distance)."""
from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, defer, joinedload

from app.browse.views import ArticleRef, EventRef, PassageView, SearchHit
from app.db.models import Article, Passage
from app.db.vector_index import distance_sql, exact_distance_sql

LIMIT = 20
MAX_QUERY = 500  # characters of a search query; the page cuts longer ones at a word, the API refuses them
SIMILAR_DEPTH = 200  # ranking by meaning pages through at most this many closest passages
START, STOP = "\x02", "\x03"  # match markers from ts_headline, split off in Python (never rendered as HTML)


def _options():
    return (defer(Passage.embedding), joinedload(Passage.article).options(
        defer(Article.source_text), defer(Article.features), joinedload(Article.outlet)),
        joinedload(Passage.event))


def _segments(marked: str) -> list[tuple[str, bool]]:
    pieces: list[tuple[str, bool]] = []
    for i, chunk in enumerate(marked.split(START)):
        if i == 0:
            if chunk:
                pieces.append((chunk, False))
            continue
        matched, _, rest = chunk.partition(STOP)
        pieces.append((matched, True))
        if rest:
            pieces.append((rest, False))
    return pieces


def _hit(passage: Passage, segments: list[tuple[str, bool]], score: float) -> SearchHit:
    return SearchHit(passage=PassageView.of(passage), article=ArticleRef.of(passage.article),
                     event=EventRef.of(passage.event) if passage.event else None, segments=segments,
                     score=round(float(score), 4))


def tidy_query(q: str) -> tuple[str, bool]:
    """The query as searched, and whether it was cut: runs of spaces mean nothing, a NUL cannot reach
    Postgres, and past MAX_QUERY characters it is cut at a word."""
    q = " ".join(q.replace("\x00", " ").split())
    if len(q) <= MAX_QUERY:
        return q, False
    head = q[:MAX_QUERY]
    return (head.rsplit(" ", 1)[0] if " " in head else head), True


def only_common_words(*, session: Session, q: str) -> bool:
    """Whether full-text search ignores every word of the query ("the", "a": English stop words),
    so that it can match nothing whatever is stored."""
    return session.scalar(select(func.numnode(func.websearch_to_tsquery("english", q)))) == 0


def search_text(*, session: Session, q: str, limit: int = LIMIT, offset: int = 0) -> tuple[list[SearchHit], int]:
    """Passages matching a web-style query ("quoted phrase", -not, or), best first, a page at a
    time, and how many match in all."""
    query = func.websearch_to_tsquery("english", q)
    matches = Passage.search.op("@@")(query)
    rank = func.ts_rank(Passage.search, query)
    headline = func.ts_headline("english", Passage.text, query,
                                f"StartSel={START}, StopSel={STOP}, HighlightAll=true")
    # The total as a window over the matches, which the ranking reads anyway: one scan, where a
    # separate count read every match again (95,000 of 1.5M passages: about 0.3 s more).
    rows = session.execute(
        select(Passage, rank, headline, func.count().over()).where(matches)
        .options(*_options()).order_by(rank.desc(), Passage.id).limit(limit).offset(offset)
    ).unique().all()
    if rows:
        total = rows[0][3]
    else:  # past the last page, or nothing matches
        total = session.scalar(select(func.count()).select_from(Passage).where(matches)) if offset else 0
    return [_hit(p, _segments(marked), score) for p, score, marked, _ in rows], total or 0


def search_similar(*, session: Session, q: str, embedder, floor: float = 0.0, limit: int = LIMIT,
                   offset: int = 0) -> tuple[list[SearchHit], int]:
    """Passages close in meaning to the query, embedded with the app's model, a page at a time, and
    how many are ranked: of the SIMILAR_DEPTH closest (or every passage where there are fewer), those
    whose cosine similarity reaches `floor`, so that a query nothing stored is about finds nothing
    rather than the least unrelated passages. Only passages embedded with that same model are
    comparable (and the model's partial HNSW index serves the filter).

    Every page ranks the same SIMILAR_DEPTH closest (ids and distances only) and cuts its slice:
    the index search is approximate and its answer depends on ef_search, so pages ranked with
    different settings could repeat or skip a passage. The floor is applied to that ranking, not in
    the query: fewer rows than asked for would send every search to the exact scan."""
    vector = embedder.embed([q])[0]
    literal = "[" + ",".join(f"{x:.7g}" for x in vector) + "]"
    # The index keeps ef_search candidates (40 by default): as many as the ranking, for this request.
    session.execute(text("SELECT set_config('hnsw.ef_search', :n, true)"), {"n": str(SIMILAR_DEPTH)})
    ranked: list = []
    for sql in (distance_sql(embedder.dim), exact_distance_sql()):  # the index, then exact if it fell short
        distance = text(sql).bindparams(query=literal)
        ranked = session.execute(  # ORDER BY the distance alone, or the index is not used
            select(Passage.id, distance).where(Passage.embedding_model == embedder.name)
            .order_by(distance).limit(SIMILAR_DEPTH)
        ).all()
        if len(ranked) == SIMILAR_DEPTH:
            break
    ranked = [(i, d) for i, d in ranked if 1 - d >= floor]
    page = ranked[offset : offset + limit]
    if not page:
        return [], len(ranked)
    passages = {p.id: p for p in session.scalars(
        select(Passage).where(Passage.id.in_([i for i, _ in page])).options(*_options())
    ).unique()}
    return [_hit(passages[i], [(passages[i].text, False)], 1 - d) for i, d in page], len(ranked)
