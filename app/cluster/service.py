"""Stories and events in the database: assign a new article as it is ingested (nearest
neighbours through the HNSW index, never a scan), or recompute everything from the stored
vectors (`parallax recluster`). Ids stay stable across both (app/cluster/identity.py)."""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, selectinload

from app.cluster.events import cluster_events, event_label, story_title
from app.cluster.features import ArticleFeatures, article_features
from app.cluster.identity import match_groups
from app.cluster.stories import choose_story, cluster_stories
from app.cluster.vocabulary import DocumentFrequencies, article_terms
from app.db.models import Article, ClusterRedirect, Event, Passage, Story, TermFrequency
from app.db.vector_index import distance_sql

log = logging.getLogger(__name__)

NEIGHBOURS_PER_PASSAGE = 10


class NothingToCluster(RuntimeError):
    """Raised when asked to recluster an empty database."""


@dataclass
class ReclusterSummary:
    articles: int
    stories: int
    events: int
    stories_kept: int
    events_kept: int
    redirects: int

    def __str__(self) -> str:
        return (
            f"{self.articles} articles in {self.stories} stories ({self.stories_kept} kept their id), "
            f"{self.events} events ({self.events_kept} kept their id), {self.redirects} new redirects"
        )


# -- features ---------------------------------------------------------------------------------

def features_of(article: Article) -> ArticleFeatures:
    """The article's clustering features: from its stored JSON, or computed (and stored) anew."""
    passages = article.passages
    inputs = dict(
        id=article.id,
        title=article.title,
        published=article.published,
        outlet=article.outlet.name if article.outlet else None,
        passage_ids=[p.id for p in passages],
        passage_texts=[p.text for p in passages],
        passage_vectors=np.array([np.asarray(p.embedding, dtype=np.float32) for p in passages]),
        title_vector=None if article.title_embedding is None else np.asarray(article.title_embedding, np.float32),
    )
    if article.features:
        try:
            return ArticleFeatures.from_json(article.features, **inputs)
        except (ValueError, KeyError, TypeError):
            log.info("recomputing stale features of article %s", article.id)
    features = article_features(**inputs)
    article.features = features.to_json()
    return features


def _load_articles(session: Session, where) -> list[Article]:
    stmt = (
        select(Article)
        .where(where)
        .options(selectinload(Article.passages), selectinload(Article.outlet))
        .order_by(Article.id)
    )
    return list(session.scalars(stmt))


# -- incremental ------------------------------------------------------------------------------

def neighbour_article_ids(session: Session, article: Article, k: int = NEIGHBOURS_PER_PASSAGE) -> set[int]:
    """Articles owning the k nearest passages of each of this article's passages (HNSW)."""
    found: set[int] = set()
    for passage in article.passages:
        vector = np.asarray(passage.embedding, dtype=np.float32)
        rows = session.execute(
            text(
                "SELECT passages.article_id FROM passages "
                "WHERE passages.embedding_model = :model AND passages.article_id <> :article "
                f"ORDER BY {distance_sql(len(vector))} LIMIT :k"
            ),
            {"model": passage.embedding_model, "article": article.id, "k": k,
             "query": "[" + ",".join(f"{x:.7g}" for x in vector) + "]"},
        )
        found.update(rows.scalars())
    return found


def count_terms(session: Session, features: ArticleFeatures) -> None:
    """Add one article's terms to the stored document frequencies (sorted: concurrent writers
    lock rows in the same order and cannot deadlock)."""
    terms = sorted(article_terms(features))
    if terms:
        stmt = insert(TermFrequency).values([{"term": t, "df": 1} for t in terms])
        session.execute(stmt.on_conflict_do_update(index_elements=["term"], set_={"df": TermFrequency.df + 1}))


def stored_frequencies(session: Session, articles: list[ArticleFeatures]) -> DocumentFrequencies:
    """The stored corpus's document frequencies of the terms these articles use."""
    terms = sorted({t for a in articles for t in article_terms(a)})
    rows = session.execute(select(TermFrequency.term, TermFrequency.df).where(TermFrequency.term.in_(terms)))
    n_docs = session.scalar(select(func.count()).select_from(Article)) or 0
    return DocumentFrequencies(n_docs=n_docs, df=dict(rows.all()))


def rebuild_frequencies(session: Session, articles: list[ArticleFeatures]) -> None:
    counts = DocumentFrequencies.from_articles(articles).df
    session.execute(delete(TermFrequency))
    rows = [{"term": t, "df": n} for t, n in sorted(counts.items())]
    for start in range(0, len(rows), 5000):
        session.execute(insert(TermFrequency), rows[start : start + 5000])


def assign_article(session: Session, article: Article) -> int:
    """Put a freshly stored article into a story (an existing one or a new one) and regroup
    that story's events. Runs inside the article's transaction. Returns the story id."""
    new = features_of(article)
    count_terms(session, new)
    neighbours = neighbour_article_ids(session, article)
    story_ids = set(
        session.scalars(select(Article.story_id).where(Article.id.in_(neighbours), Article.story_id.is_not(None)))
    ) if neighbours else set()
    candidates: dict[int, list[ArticleFeatures]] = defaultdict(list)
    if story_ids:
        for member in _load_articles(session, Article.story_id.in_(story_ids)):
            candidates[member.story_id].append(features_of(member))
    pool = [new] + [f for members in candidates.values() for f in members]
    story_id = choose_story(new, dict(candidates), df=stored_frequencies(session, pool))
    if story_id is None:
        story = Story(title="")
        session.add(story)
        session.flush()
        story_id = story.id
    # Serialise concurrent writers on the same story.
    session.execute(select(Story.id).where(Story.id == story_id).with_for_update())
    article.story_id = story_id
    session.flush()
    members = _load_articles(session, Article.story_id == story_id)
    feats = [features_of(m) for m in members]
    old = _event_members(session, Event.story_id == story_id)
    _apply_events(session, {story_id: (members, feats)}, old)
    session.expire_all()  # bulk updates bypass the identity map
    return story_id


# -- full recluster ---------------------------------------------------------------------------

def recluster(session: Session) -> ReclusterSummary:
    """Recompute every story and event from the stored vectors and features; the caller commits."""
    articles = _load_articles(session, True)
    if not articles:
        raise NothingToCluster("nothing to recluster: the database holds no articles")
    feats = [features_of(a) for a in articles]
    by_id = {a.id: (a, f) for a, f in zip(articles, feats, strict=True)}
    rebuild_frequencies(session, feats)
    groups = cluster_stories(feats)
    old_stories: dict[int, set[int]] = defaultdict(set)
    for a in articles:
        if a.story_id is not None:
            old_stories[a.story_id].add(a.id)
    old_events = _event_members(session, True)
    matching = match_groups(old_stories, [set(g) for g in groups])
    story_ids: list[int] = []
    for index in range(len(groups)):
        if index in matching.kept:
            story_ids.append(matching.kept[index])
        else:
            story = Story(title="")
            session.add(story)
            session.flush()
            story_ids.append(story.id)
    session.execute(update(Article), [
        {"id": article_id, "story_id": story_ids[index]} for index, group in enumerate(groups) for article_id in group
    ])
    redirects = _record_redirects(session, "story", {old: story_ids[i] for old, i in matching.successors.items()})
    per_story = {
        story_ids[i]: ([by_id[a][0] for a in group], [by_id[a][1] for a in group]) for i, group in enumerate(groups)
    }
    events_kept, event_redirects, n_events = _apply_events(session, per_story, old_events)
    gone = set(old_stories) - set(story_ids)
    existing = set(session.scalars(select(Story.id)))
    gone |= existing - set(story_ids)
    if gone:
        session.execute(delete(Story).where(Story.id.in_(gone)))
    session.flush()
    session.expire_all()  # bulk updates bypass the identity map
    return ReclusterSummary(len(articles), len(groups), n_events, len(matching.kept), events_kept,
                            redirects + event_redirects)


# -- events -----------------------------------------------------------------------------------

def _event_members(session: Session, where) -> dict[int, set[int]]:
    rows = session.execute(
        select(Passage.event_id, Passage.id).join(Event, Event.id == Passage.event_id).where(where)
    )
    members: dict[int, set[int]] = defaultdict(set)
    for event_id, passage_id in rows:
        members[event_id].add(passage_id)
    return dict(members)


def _apply_events(session: Session, stories: dict[int, tuple[list[Article], list[ArticleFeatures]]],
                  old: dict[int, set[int]]) -> tuple[int, int, int]:
    """Regroup the events of the given stories, keeping old event ids where the group is
    essentially the same, and relabel events and stories. Returns (kept, redirects, events)."""
    new_groups: list[tuple[int, list[int]]] = []
    passage_text: dict[int, str] = {}
    passage_vec: dict[int, np.ndarray] = {}
    for story_id in sorted(stories):
        members, feats = stories[story_id]
        for f in feats:
            passage_text.update(zip(f.passage_ids, f.passage_texts, strict=True))
            passage_vec.update(zip(f.passage_ids, f.passage_vectors, strict=True))
        for group in cluster_events(feats):
            new_groups.append((story_id, sorted(group)))
        story = session.get(Story, story_id)
        story.title = story_title(
            [m.title for m in members], [f.passage_texts[0] if f.passage_texts else "" for f in feats],
            np.array([f.vector for f in feats]),
        )
    matching = match_groups(old, [set(g) for _, g in new_groups])
    event_ids: list[int] = []
    for index, (story_id, group) in enumerate(new_groups):
        label = event_label([passage_text[p] for p in group], np.array([passage_vec[p] for p in group]))
        if index in matching.kept:
            event = session.get(Event, matching.kept[index])
            event.story_id, event.label = story_id, label
        else:
            event = Event(story_id=story_id, label=label)
            session.add(event)
            session.flush()
        event_ids.append(event.id)
    assignment = {p: None for p in passage_text}
    for index, (_, group) in enumerate(new_groups):
        for p in group:
            assignment[p] = event_ids[index]
    if assignment:
        session.execute(update(Passage), [{"id": p, "event_id": e} for p, e in sorted(assignment.items())])
    redirects = _record_redirects(session, "event", {o: event_ids[i] for o, i in matching.successors.items()})
    vanished = set(old) - set(event_ids)
    if vanished:
        session.execute(update(Passage).where(Passage.event_id.in_(vanished)).values(event_id=None))
        session.execute(delete(Event).where(Event.id.in_(vanished)))
    session.flush()
    return len(matching.kept), redirects, len(new_groups)


def _record_redirects(session: Session, kind: str, successors: dict[int, int]) -> int:
    for old_id, new_id in successors.items():
        if old_id == new_id:
            continue
        session.execute(
            insert(ClusterRedirect).values(kind=kind, old_id=old_id, new_id=new_id)
            .on_conflict_do_update(index_elements=["kind", "old_id"], set_={"new_id": new_id})
        )
    return len(successors)
