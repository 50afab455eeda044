"""Search passages: Postgres full-text search (passages.search), or by meaning (embedding distance)."""
from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, defer, joinedload

from app.browse.views import ArticleRef, EventRef, PassageView, SearchHit
from app.db.models import Article, Passage
from app.db.vector_index import distance_sql, exact_distance_sql

LIMIT = 20
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


def search_text(*, session: Session, q: str, limit: int = LIMIT) -> list[SearchHit]:
    """Passages matching a web-style query ("quoted phrase", -not, or), best first."""
    query = func.websearch_to_tsquery("english", q)
    rank = func.ts_rank(Passage.search, query)
    headline = func.ts_headline("english", Passage.text, query,
                                f"StartSel={START}, StopSel={STOP}, HighlightAll=true")
    rows = session.execute(
        select(Passage, rank, headline).where(Passage.search.op("@@")(query))
        .options(*_options()).order_by(rank.desc(), Passage.id).limit(limit)
    ).unique()
    return [_hit(p, _segments(marked), score) for p, score, marked in rows]


def search_similar(*, session: Session, q: str, embedder, limit: int = LIMIT) -> list[SearchHit]:
    """Passages closest in meaning to the query, embedded with the app's model; only passages embedded
    with that same model are comparable (and the model's partial HNSW index serves the filter)."""
    vector = embedder.embed([q])[0]
    literal = "[" + ",".join(f"{x:.7g}" for x in vector) + "]"
    ids_and_distance: list = []
    for sql in (distance_sql(embedder.dim), exact_distance_sql()):  # the index, then exact if it fell short
        distance = text(sql).bindparams(query=literal)
        ids_and_distance = session.execute(  # ORDER BY the distance alone, or the index is not used
            select(Passage.id, distance).where(Passage.embedding_model == embedder.name)
            .order_by(distance).limit(limit)
        ).all()
        if len(ids_and_distance) == limit:
            break
    if not ids_and_distance:
        return []
    passages = {p.id: p for p in session.scalars(
        select(Passage).where(Passage.id.in_([i for i, _ in ids_and_distance])).options(*_options())
    ).unique()}
    return [_hit(passages[i], [(passages[i].text, False)], 1 - d) for i, d in ids_and_distance]
