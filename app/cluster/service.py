"""Stories and events in the database: assign a new article as it is ingested (its nearest
articles through the HNSW index over article vectors, never a scan), or recompute everything
from the stored vectors (`parallax recluster`). Ids stay stable across both (app/cluster/identity.py)."""
from __future__ import annotations

import logging
from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass

import numpy as np
from psycopg.adapt import Loader
from psycopg.pq import Format
from sqlalchemy import Integer, Text, any_, bindparam, delete, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from app.cluster.events import cluster_events, event_label, story_title
from app.cluster.features import ArticleFeatures, article_vector, facts_of_many
from app.cluster.identity import match_groups
from app.cluster.stories import NEIGHBOURS, cluster_stories, regroup_neighbourhood
from app.cluster.vocabulary import DocumentFrequencies
from app.db.models import (
    Article,
    ArticleVector,
    ClusterRedirect,
    Event,
    PassageEvent,
    Story,
    TermFrequency,
)
from app.db.vector_index import distance_sql, exact_distance_sql

log = logging.getLogger(__name__)


# One Postgres advisory lock between stories' writers: an ingest's regroup takes it shared, a full
# recluster exclusive (for its whole transaction). A recluster works from the corpus it read at its
# start: an ingest committing meanwhile could see its new story deleted (its article left with none)
# or delete a story the recluster still writes to.
CLUSTER_LOCK = 0x70617278  # "parx"
# And one between ingests' regroups, held from the nearest-article search to commit: each regroup
# reads the neighbours and their stories as the previous one committed them. Without it, two
# articles of one new story ingested at once could not see each other (each is uncommitted while
# the other searches) and started two stories, and a neighbour that a concurrent regroup moved to a
# new story was read in its old one. The regroup is a fraction of an ingest (embedding and spaCy
# run before it), and the term-frequency row locks already queued most concurrent ingests.
REGROUP_LOCK = 0x70617279  # "pary"


def _lock_stories(session: Session, *, exclusive: bool) -> None:
    kind = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    session.execute(text(f"SELECT {kind}(:key)"), {"key": CLUSTER_LOCK})


def _lock_regroups(session: Session) -> None:
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REGROUP_LOCK})


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

def _inputs(article: Article) -> dict:
    """What the features are computed from: the article as stored (passages, vectors, title)."""
    passages = article.passages
    return dict(
        id=article.id,
        title=article.title,
        published=article.published,
        outlet=article.outlet.name if article.outlet else None,
        passage_ids=[p.id for p in passages],
        passage_texts=[p.text for p in passages],
        passage_vectors=np.array([np.asarray(p.embedding, dtype=np.float32) for p in passages]),
        title_vector=None if article.title_embedding is None else np.asarray(article.title_embedding, np.float32),
    )


def features_of(article: Article) -> ArticleFeatures:
    """The article's clustering features: from its stored JSON, or computed (and stored) anew."""
    [features] = features_of_many([article])
    return features


STALE_BATCH = 64  # articles whose features are recomputed per spaCy call


def features_of_many(articles: list[Article]) -> list[ArticleFeatures]:
    """Clustering features of many articles: from their stored JSON, or, where it is missing or
    stale (an older FEATURES_VERSION), computed anew in batches (one nlp.pipe per STALE_BATCH
    articles: a recluster after an upgrade recomputes every article) and stored."""
    inputs = [_inputs(article) for article in articles]
    out: list[ArticleFeatures | None] = []
    stale: list[int] = []
    for article, given in zip(articles, inputs, strict=True):
        try:
            if not article.features:
                raise ValueError("no stored features")
            out.append(ArticleFeatures.from_json(article.features, **given))
        except (ValueError, KeyError, TypeError):
            out.append(None)
            stale.append(len(out) - 1)
    for start in range(0, len(stale), STALE_BATCH):
        batch = stale[start : start + STALE_BATCH]
        log.info("recomputing the stale features of %d articles", len(batch))
        computed = facts_of_many([(inputs[k]["title"], inputs[k]["passage_texts"]) for k in batch])
        for k, (title_facts, passage_facts) in zip(batch, computed, strict=True):
            features = ArticleFeatures(**inputs[k], passages=passage_facts, title_facts=title_facts)
            articles[k].features = features.to_json()
            out[k] = features
    return out  # type: ignore[return-value]


class FeatureCache:
    """Features of stored articles by id, bounded (least recently used out). What an ingest run
    compares each new article with is mostly the same stories again; their passages, vectors and
    features never change once stored, so one run loads and parses each article once. Only the
    story an article is in changes, and that is always read from the database."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[int, ArticleFeatures] = OrderedDict()

    def get(self, article_id: int) -> ArticleFeatures | None:
        found = self._items.get(article_id)
        if found is not None:
            self._items.move_to_end(article_id)
        return found

    def put(self, features: ArticleFeatures) -> None:
        self._items[features.id] = features
        self._items.move_to_end(features.id)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


def _features_by_id(session: Session, ids, cache: FeatureCache | None) -> dict[int, ArticleFeatures]:
    """Features of the given articles: cached ones as they are, the others loaded in two queries."""
    found = {i: f for i in ids if cache is not None and (f := cache.get(i)) is not None}
    missing = set(ids) - set(found)
    if missing:
        for features in _load_features(session, sorted(missing))[0]:
            found[features.id] = features
            if cache is not None:
                cache.put(features)
    return found


# -- incremental ------------------------------------------------------------------------------

def _vector_literal(vector) -> str:
    return "[" + ",".join(f"{x:.7g}" for x in np.asarray(vector, dtype=np.float32)) + "]"


def _article_model(article: Article) -> str | None:
    return next((p.embedding_model for p in article.passages if p.embedding is not None), None)


def store_article_vector(session: Session, article: Article, features: ArticleFeatures) -> None:
    """The article's own vector (features.vector) and its passages' model, which the
    article_vectors HNSW index covers; none for an article with no embedded passage."""
    model = _article_model(article)
    if model is not None:
        session.execute(insert(ArticleVector).values(article_id=article.id, embedding=features.vector,
                                                     embedding_model=model)
                        .on_conflict_do_update(index_elements=["article_id"],
                                               set_={"embedding": features.vector, "embedding_model": model}))


def neighbour_article_ids(session: Session, article_id: int, k: int = NEIGHBOURS) -> list[int]:
    """The k articles nearest to this one by article vector, among those of the same model: one
    search in the model's HNSW index over article_vectors. The same vector and neighbour count a
    full recluster compares each article with (cluster/stories.py:candidate_pairs)."""
    own = session.get(ArticleVector, article_id)
    if own is None:
        return []
    vector = np.asarray(own.embedding, dtype=np.float32)
    params = {"model": own.embedding_model, "article": article_id, "k": k, "q": _vector_literal(vector)}
    ids: list[int] = []
    # The index first; an exact scan when it returned fewer than k: the corpus is small (then
    # the scan is cheap) or dead index entries hid live rows.
    for order in (distance_sql(len(vector), ":q", "article_vectors"), exact_distance_sql(":q", "article_vectors")):
        ids = list(session.scalars(text(
            "SELECT article_vectors.article_id FROM article_vectors WHERE article_vectors.embedding_model = :model "
            f"AND article_vectors.article_id <> :article ORDER BY {order} LIMIT :k"
        ), params))
        if len(ids) == k:
            break
    return ids


FILL_BATCH = 2000  # articles per transaction when filling in article vectors


def fill_article_vectors(session: Session) -> int:
    """Give each article that has embedded passages but no vector of its own one (articles stored
    before article_vectors existed); commits every FILL_BATCH articles, so an interrupted fill
    resumes where it stopped. Returns how many were filled."""
    filled = 0
    while ids := list(session.scalars(text(
        "SELECT a.id FROM articles a WHERE NOT EXISTS (SELECT 1 FROM article_vectors v WHERE v.article_id = a.id) "
        "AND EXISTS (SELECT 1 FROM passages p WHERE p.article_id = a.id AND p.embedding IS NOT NULL) "
        "ORDER BY a.id LIMIT :n"), {"n": FILL_BATCH})):
        titles = dict(_binary_rows(session, "SELECT id, title_embedding FROM articles WHERE id = ANY(%(ids)s)",
                                   {"ids": ids}))
        passages: dict[int, list] = defaultdict(list)
        for article_id, vector, model in _binary_rows(
                session, "SELECT article_id, embedding, embedding_model FROM passages WHERE article_id = ANY(%(ids)s) "
                         "AND embedding IS NOT NULL ORDER BY article_id, position", {"ids": ids}):
            passages[article_id].append((vector, model))
        session.execute(insert(ArticleVector), [
            {"article_id": i, "embedding_model": passages[i][0][1],
             "embedding": article_vector(np.array([v for v, _ in passages[i]], dtype=np.float32), titles.get(i))}
            for i in ids
        ])
        session.commit()
        filled += len(ids)
        log.info("filled in the vectors of %d articles", filled)
    return filled


def count_terms(session: Session, *articles: ArticleFeatures) -> None:
    """Add the articles' terms to the stored document frequencies, one statement for all (sorted:
    concurrent writers lock rows in the same order and cannot deadlock)."""
    counts = Counter(t for features in articles for t in features.terms)
    terms = sorted(counts)
    if terms:  # arrays as parameters: compiling a VALUES row per term cost more than the upsert
        session.execute(
            text("INSERT INTO term_frequencies (term, df) SELECT * FROM unnest(CAST(:terms AS text[]), "
                 "CAST(:dfs AS integer[])) ON CONFLICT (term) DO UPDATE SET df = term_frequencies.df + excluded.df"),
            {"terms": terms, "dfs": [counts[t] for t in terms]},
        )


def stored_frequencies(session: Session, articles: list[ArticleFeatures]) -> DocumentFrequencies:
    """The stored corpus's document frequencies of the terms these articles use."""
    terms = sorted({t for a in articles for t in a.terms})
    rows = session.execute(select(TermFrequency.term, TermFrequency.df).where(
        TermFrequency.term == any_(bindparam("terms", terms, type_=ARRAY(Text)))))
    n_docs = session.scalar(select(func.count()).select_from(Article)) or 0
    return DocumentFrequencies(n_docs=n_docs, df=dict(rows.all()))


def rebuild_frequencies(session: Session, articles: list[ArticleFeatures]) -> DocumentFrequencies:
    """Replace the stored document frequencies with those of these articles; returns them."""
    frequencies = DocumentFrequencies.from_articles(articles)
    session.execute(delete(TermFrequency))
    if frequencies.df:  # one statement, the terms as two arrays
        terms = sorted(frequencies.df)
        session.execute(text("INSERT INTO term_frequencies (term, df) SELECT * FROM unnest(CAST(:terms AS text[]), "
                             "CAST(:dfs AS integer[]))"), {"terms": terms, "dfs": [frequencies.df[t] for t in terms]})
    return frequencies


def assign_article(session: Session, article: Article, *, cache: FeatureCache | None = None) -> int:
    """Put a freshly stored article into a story and regroup its neighbourhood: the stories of its
    nearest articles are clustered again with it (stories.regroup_neighbourhood), so it joins a
    story, or starts one, and a neighbouring story it shows to be two (two it shows to be one) is
    split (merged) as a recluster would. Ids are kept by overlap and a vanished id redirects to
    its successor, as in a recluster; events are regrouped in every story whose members changed.
    Runs inside the article's transaction. Returns the article's story id.
    `cache`: features of stored articles kept across the articles of one ingest run."""
    [new] = _index_new(session, [article])
    return _regroup_around(session, new, cache)


def _index_new(session: Session, articles: list[Article]) -> list[ArticleFeatures]:
    """The first steps of assigning freshly stored articles: their features, their article vectors
    (which the nearest-article search reads) and their terms counted, under the locks, which are
    taken in this order by every writer (see CLUSTER_LOCK and REGROUP_LOCK)."""
    _lock_stories(session, exclusive=False)  # first: before count_terms locks rows a recluster deletes
    new = features_of_many(articles)
    for article, features in zip(articles, new, strict=True):
        store_article_vector(session, article, features)
    count_terms(session, *new)
    _lock_regroups(session)  # after the row locks of count_terms, which queue in term order: no cycle
    return new


def _stories_of(session: Session, article_ids) -> dict[int, int]:
    """Article id -> story id, for those of the given articles that are in a story."""
    if not article_ids:
        return {}
    return dict(session.execute(select(Article.id, Article.story_id).where(
        Article.id.in_(article_ids), Article.story_id.is_not(None))).all())


def _members(session: Session, story_ids, cache: FeatureCache | None) -> dict[int, list[ArticleFeatures]]:
    """The given stories with the features of all their members (in article id order)."""
    if not story_ids:
        return {}
    members = session.execute(select(Article.id, Article.story_id).where(Article.story_id.in_(story_ids))
                              .order_by(Article.id)).all()
    loaded = _features_by_id(session, [i for i, _ in members], cache)
    out: dict[int, list[ArticleFeatures]] = defaultdict(list)
    for article_id, story_id in members:
        out[story_id].append(loaded[article_id])
    return dict(out)


def _regroup_around(session: Session, new: ArticleFeatures, cache: FeatureCache | None) -> int:
    """One indexed article into a story: its neighbourhood regrouped (assign_article)."""
    candidates = _members(session, sorted(set(_stories_of(session, neighbour_article_ids(session, new.id)).values())),
                          cache)
    pool = [new] + [f for group in candidates.values() for f in group]
    groups = regroup_neighbourhood(new, candidates, df=stored_frequencies(session, pool))
    story_id = _apply_stories(session, {sid: {f.id for f in group} for sid, group in candidates.items()}, groups,
                              {f.id: f for f in pool})[new.id]
    session.expire_all()  # bulk updates bypass the identity map
    if cache is not None:
        cache.put(new)
    return story_id


BATCH_UP_TO = 3000  # articles in one pool that assign_articles clusters at once (cluster_stories scales)


def assign_articles(session: Session, articles: list[Article], *, cache: FeatureCache | None = None) -> dict[int, int]:
    """assign_article for a batch of freshly stored articles (a bulk import's chunk), in one
    transaction: one nearest-article search per article, then each neighbourhood regrouped once
    for all the new articles in it, and events regrouped once per story that changed (article by
    article, a story that gains ten articles had its events clustered ten times).

    Neighbourhoods: a new article links to the stories of its nearest stored articles and to the
    new articles among its nearest; each connected set of new articles and stories is clustered
    again as one pool (cluster_stories), as a recluster would leave it. The neighbourhoods of a
    chunk's articles overlap much more than one article's stories do (on allsides-dev most of a
    chunk is one connected pool of several hundred articles), so a pool may hold up to
    BATCH_UP_TO articles; a larger one has its new articles assigned one at a time, as
    assign_article does. Returns each article's story id."""
    if not articles:
        return {}
    new = _index_new(session, articles)
    new_ids = {f.id for f in new}
    near = {f.id: neighbour_article_ids(session, f.id) for f in new}
    story_of = _stories_of(session, {n for ns in near.values() for n in ns} - new_ids)
    # Connected neighbourhoods: union-find over new articles ("a", id) and stories ("s", id).
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(node: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for f in new:
        for n in near[f.id]:
            other = ("a", n) if n in new_ids else ("s", story_of[n]) if n in story_of else None
            if other is not None:
                parent[root(other)] = root(("a", f.id))
        root(("a", f.id))
    candidates = _members(session, sorted(set(story_of.values())), cache)
    by_id = {f.id: f for f in new} | {f.id: f for group in candidates.values() for f in group}
    components: dict[tuple[str, int], tuple[list[ArticleFeatures], list[int]]] = defaultdict(lambda: ([], []))
    for node in sorted(parent):
        kind, key = node
        component = components[root(node)]
        if kind == "a":
            component[0].append(by_id[key])
        else:
            component[1].append(key)
    df = stored_frequencies(session, list(by_id.values()))
    old: dict[int, set[int]] = {}
    groups: list[list[int]] = []
    one_at_a_time: list[ArticleFeatures] = []
    for arrivals, stories in components.values():
        pool = arrivals + [f for sid in stories for f in candidates[sid]]
        if len(pool) > BATCH_UP_TO:
            one_at_a_time.extend(arrivals)
            continue
        old.update({sid: {f.id for f in candidates[sid]} for sid in stories})
        groups.extend(cluster_stories(pool, df=df))
    assigned = _apply_stories(session, old, groups, by_id) if groups else {}
    session.expire_all()  # bulk updates bypass the identity map
    if cache is not None:
        for f in new:
            cache.put(f)
    for f in sorted(one_at_a_time, key=lambda f: f.id):
        assigned[f.id] = _regroup_around(session, f, cache)
    return {f.id: assigned[f.id] for f in new}


def _store_stories(session: Session, old: dict[int, set[int]], groups: list[list[int]]) -> tuple[list[int], int, int]:
    """Give each group of article ids a story id: the id of the old story it essentially is
    (identity.match_groups), else a new story's. Moves the articles whose story changes (one
    statement, in article id order) and redirects vanished ids to their successors. Returns
    (story id per group, how many groups kept an old id, redirects recorded)."""
    matching = match_groups(old, [set(g) for g in groups])
    fresh = iter(_insert_ids(session, Story, [{"title": ""} for i in range(len(groups)) if i not in matching.kept]))
    story_ids = [matching.kept[i] if i in matching.kept else next(fresh) for i in range(len(groups))]
    was = {a: sid for sid, members in old.items() for a in members}
    _set_column(session, "articles", "story_id", sorted((a, story_ids[i]) for i, group in enumerate(groups)
                                                        for a in group if was.get(a) != story_ids[i]))
    redirects = _record_redirects(session, "story", {o: story_ids[i] for o, i in matching.successors.items()})
    return story_ids, len(matching.kept), redirects


def _apply_stories(session: Session, old: dict[int, set[int]], groups: list[list[int]],
                   feats: dict[int, ArticleFeatures]) -> dict[int, int]:
    """Store a regrouping of some articles (`old`: the stories they were in, given whole; articles
    of `groups` in none of them are new): ids kept by overlap, new stories for the other groups,
    redirects from vanished ids, events regrouped where members changed, vanished stories deleted.
    Returns each article's story id."""
    story_ids, _, _ = _store_stories(session, old, groups)
    story_of = {a: story_ids[i] for i, group in enumerate(groups) for a in group}
    changed = {sid: [feats[a] for a in groups[i]] for i, sid in enumerate(story_ids) if set(groups[i]) != old.get(sid)}
    vanished = set(old) - set(story_ids)
    if changed:
        passages = [p for f in changed.values() for a in f for p in a.passage_ids]
        current = dict.fromkeys(passages) | dict(session.execute(
            select(PassageEvent.passage_id, PassageEvent.event_id).where(
                PassageEvent.passage_id == any_(bindparam("passages", passages, type_=ARRAY(Integer))))).all())
        _apply_events(session, changed, _event_members(session, Event.story_id.in_(set(changed) | vanished)), current)
    if vanished:
        session.execute(delete(Story).where(Story.id.in_(vanished)))
    session.flush()
    return story_of


# -- full recluster ---------------------------------------------------------------------------

def recluster(session: Session) -> ReclusterSummary:
    """Recompute every story and event from the stored vectors and features; the caller commits.
    Ingests wait for it (and it for ingests under way): see CLUSTER_LOCK."""
    _lock_stories(session, exclusive=True)
    feats, old_story_of = _load_features(session)
    if not feats:
        raise NothingToCluster("nothing to recluster: the database holds no articles")
    by_id = {f.id: f for f in feats}
    groups = cluster_stories(feats, df=rebuild_frequencies(session, feats))
    old_stories: dict[int, set[int]] = defaultdict(set)
    for article_id, story_id in old_story_of.items():
        if story_id is not None:
            old_stories[story_id].add(article_id)
    old_events = _event_members(session, True)
    story_ids, stories_kept, redirects = _store_stories(session, old_stories, groups)
    per_story = {story_ids[i]: [by_id[a] for a in group] for i, group in enumerate(groups)}
    # Write only the memberships that change.
    was = {p: e for e, members in old_events.items() for p in members}
    current = {p: was.get(p) for f in feats for p in f.passage_ids}
    events_kept, event_redirects, n_events = _apply_events(session, per_story, old_events, current)
    gone = set(old_stories) - set(story_ids)
    existing = set(session.scalars(select(Story.id)))
    gone |= existing - set(story_ids)
    if gone:
        session.execute(delete(Story).where(Story.id.in_(gone)))
    session.flush()
    session.expire_all()  # bulk updates bypass the identity map
    return ReclusterSummary(len(feats), len(groups), n_events, stories_kept, events_kept,
                            redirects + event_redirects)


class _VectorLoader(Loader):
    """pgvector's binary format (uint16 dim, uint16 unused, big-endian float32s) straight into
    numpy: parsing 1.5M vectors from text took longer than the clustering."""

    format = Format.BINARY

    def load(self, data) -> np.ndarray:
        return np.frombuffer(data, dtype=">f4", offset=4).astype(np.float32)


def _binary_rows(session: Session, sql: str, params: dict | None = None) -> list[tuple]:
    """Rows of a query on the session's connection in binary format, vectors as numpy arrays."""
    conn = session.connection().connection.driver_connection
    with conn.cursor(binary=True) as cur:
        cur.execute("SELECT oid FROM pg_type WHERE typname = 'vector'")
        cur.adapters.register_loader(cur.fetchone()[0], _VectorLoader)
        cur.execute(sql, params)
        return cur.fetchall()


def _load_features(session: Session, ids: list[int] | None = None) -> tuple[list[ArticleFeatures],
                                                                            dict[int, int | None]]:
    """Features of the given articles (None: all) by id, read column-wise with vectors in binary
    (no ORM objects: at 1.5M passages those took gigabytes, and parsing vectors from text took
    longer than the clustering), and each article's current story. Articles whose stored
    features are stale are recomputed (and stored) through features_of."""
    session.flush()
    params = None if ids is None else {"ids": list(ids)}
    of_articles, of_passages = ("", "") if ids is None else ("WHERE a.id = ANY(%(ids)s) ",
                                                             "WHERE p.article_id = ANY(%(ids)s) ")
    articles = _binary_rows(session, "SELECT a.id, a.title, a.published, o.name, a.features, a.story_id, "
                                     "a.title_embedding FROM articles a LEFT JOIN outlets o ON o.id = a.outlet_id "
                                     f"{of_articles}ORDER BY a.id", params)
    passages: dict[int, list[tuple]] = defaultdict(list)
    for article_id, *row in _binary_rows(session, "SELECT p.article_id, p.id, p.text, p.embedding FROM passages p "
                                                  f"{of_passages}ORDER BY p.article_id, p.position", params):
        passages[article_id].append(row)
    feats: list[ArticleFeatures | None] = []
    story_of, stale = {}, {}
    for article_id, title, published, outlet, stored, story_id, title_vector in articles:
        story_of[article_id] = story_id
        rows = passages.pop(article_id, [])
        try:
            if not stored:
                raise ValueError("no stored features")
            feats.append(ArticleFeatures.from_json(
                stored, id=article_id, title=title, published=published, outlet=outlet,
                passage_ids=[r[0] for r in rows], passage_texts=[r[1] for r in rows],
                passage_vectors=np.array([r[2] for r in rows], dtype=np.float32),
                title_vector=title_vector))
        except (ValueError, KeyError, TypeError):
            stale[article_id] = len(feats)
            feats.append(None)
    stale_ids = list(stale)
    for start in range(0, len(stale_ids), STALE_BATCH):
        chunk = session.scalars(select(Article).where(Article.id.in_(stale_ids[start : start + STALE_BATCH]))
                                .order_by(Article.id)).all()
        for article, features in zip(chunk, features_of_many(list(chunk)), strict=True):
            feats[stale[article.id]] = features
    if None in feats:  # deleted meanwhile (delete_article takes no cluster lock): not grouped
        feats = [f for f in feats if f is not None]
        story_of = {f.id: story_of[f.id] for f in feats}
    return feats, story_of  # type: ignore[return-value]


def _insert_ids(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert many rows in one statement; their new ids in the order of `rows`. The ids are
    drawn from the table's sequence first, so each row's id is known without relying on the
    order of RETURNING (the ORM's ordered executemany cost 18 s for 340k events)."""
    if not rows:
        return []
    table = model.__table__
    ids = sorted(session.scalars(text(f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                                      "FROM generate_series(1, :n)"), {"n": len(rows)}))
    columns = sorted(rows[0])
    arrays = ", ".join(f"CAST(:{c} AS {table.c[c].type.compile(session.get_bind().dialect)}[])" for c in columns)
    session.execute(
        text(f"INSERT INTO {table.name} (id, {', '.join(columns)}) SELECT * FROM unnest(CAST(:id AS integer[]), "
             f"{arrays})"),
        {"id": ids} | {c: [r[c] for r in rows] for c in columns},
    )
    return ids


# -- events -----------------------------------------------------------------------------------

def _event_members(session: Session, where) -> dict[int, set[int]]:
    rows = session.execute(
        select(PassageEvent.event_id, PassageEvent.passage_id).join(Event, Event.id == PassageEvent.event_id)
        .where(where)
    )
    members: dict[int, set[int]] = defaultdict(set)
    for event_id, passage_id in rows:
        members[event_id].add(passage_id)
    return dict(members)


def _apply_events(session: Session, stories: dict[int, list[ArticleFeatures]], old: dict[int, set[int]],
                  current: dict[int, int | None] | None = None) -> tuple[int, int, int]:
    """Regroup the events of the given stories, keeping old event ids where the group is
    essentially the same, and relabel events and stories. `current`: the passages' event ids as
    stored, when known, so only passages that move are written. Returns (kept, redirects, events).
    Every write is a statement per table, not per row (a recluster writes 100k's of events)."""
    new = _regroup(stories)
    new_groups, labels = new.groups, new.labels
    _set_story_titles(session, new.titles)
    matching = match_groups(old, [set(g) for _, g in new_groups])
    fresh = iter(_insert_ids(session, Event, [{"story_id": story_id, "label": labels[i]}
                                              for i, (story_id, _) in enumerate(new_groups) if i not in matching.kept]))
    event_ids = [matching.kept[i] if i in matching.kept else next(fresh) for i in range(len(new_groups))]
    kept = sorted(matching.kept)
    _set_column(session, "events", "story_id", [(event_ids[i], new_groups[i][0]) for i in kept])
    _set_column(session, "events", "label", [(event_ids[i], labels[i]) for i in kept], "text")
    assignment: dict[int, int | None] = {p: None for p in new.passages}
    for index, (_, group) in enumerate(new_groups):
        for p in group:
            assignment[p] = event_ids[index]
    changed = [(p, e) for p, e in sorted(assignment.items())
               if current is None or p not in current or current[p] != e]
    _set_memberships(session, changed)
    redirects = _record_redirects(session, "event", {o: event_ids[i] for o, i in matching.successors.items()})
    vanished = set(old) - set(event_ids)
    if vanished:  # their remaining memberships go with them (ON DELETE CASCADE)
        session.execute(delete(Event).where(Event.id.in_(vanished)))
    session.flush()
    return len(matching.kept), redirects, len(new_groups)


@dataclass
class _Regrouped:
    groups: list[tuple[int, list[int]]]  # (story id, passage ids) per event
    labels: list[str]  # per event
    titles: list[tuple[int, str]]  # (story id, title)
    passages: list[int]  # every passage of the stories


def _regroup(stories: dict[int, list[ArticleFeatures]]) -> _Regrouped:
    """Each story's events, event labels and title; no database. One BLAS thread: the matrices
    are small and many, and BLAS threads only waited on each other (4x slower on 2 busy cores)."""
    text: dict[int, str] = {}
    vector: dict[int, np.ndarray] = {}
    breaks: dict[int, list[int]] = {}
    groups: list[tuple[int, list[int]]] = []
    titles: list[tuple[int, str]] = []
    with threadpool_limits(1, user_api="blas"):
        for story_id in sorted(stories):
            feats = stories[story_id]
            for f in feats:
                text.update(zip(f.passage_ids, f.passage_texts, strict=True))
                vector.update(zip(f.passage_ids, f.passage_vectors, strict=True))
                if len(f.passages) == len(f.passage_ids):  # features from spaCy (tests may build bare ones)
                    breaks.update(zip(f.passage_ids, (p.breaks for p in f.passages), strict=True))
            groups.extend((story_id, sorted(group)) for group in cluster_events(feats))
            titles.append((story_id, story_title(
                [f.title for f in feats], [f.passage_texts[0] if f.passage_texts else "" for f in feats],
                np.array([f.vector for f in feats]),
            )))
        labels = [event_label([text[p] for p in group], np.array([vector[p] for p in group]),
                              [breaks[p] for p in group] if breaks.keys() >= set(group) else None)
                  for _, group in groups]
    return _Regrouped(groups, labels, titles, list(text))


def _set_column(session: Session, table: str, column: str, pairs: list[tuple[int, object]],
                sql_type: str = "integer") -> None:
    """Set one column of many rows by id in a single statement (arrays unnested server-side):
    an executemany of 100k single-row UPDATEs took minutes."""
    if not pairs:
        return
    session.execute(
        text(
            f"UPDATE {table} SET {column} = v.value FROM unnest(CAST(:ids AS integer[]), "
            f"CAST(:vals AS {sql_type}[])) AS v(id, value) WHERE {table}.id = v.id"
        ),
        {"ids": [i for i, _ in pairs], "vals": [v for _, v in pairs]},
    )


def _set_memberships(session: Session, pairs: list[tuple[int, int | None]]) -> None:
    """Move passages to the given events (None: to no event), a statement for all the rows removed
    and one for all those added. Membership is a table of its own so that this never rewrites a
    passages row (each of which cost inserts into its HNSW, full-text and other indexes)."""
    if not pairs:
        return
    session.execute(text("DELETE FROM passage_events WHERE passage_id = ANY(CAST(:ids AS integer[]))"),
                    {"ids": [p for p, _ in pairs]})
    added = [(p, e) for p, e in pairs if e is not None]
    if added:
        session.execute(
            text("INSERT INTO passage_events (passage_id, event_id) "
                 "SELECT * FROM unnest(CAST(:ids AS integer[]), CAST(:events AS integer[]))"),
            {"ids": [p for p, _ in added], "events": [e for _, e in added]},
        )


def _set_story_titles(session: Session, titles: list[tuple[int, str]]) -> None:
    """As the ORM update this replaced did, move updated_at (what the home page orders by) only
    where the title changes."""
    if titles:
        session.execute(
            text("UPDATE stories SET title = v.title, updated_at = now() FROM unnest(CAST(:ids AS integer[]), "
                 "CAST(:titles AS text[])) AS v(id, title) WHERE stories.id = v.id AND stories.title <> v.title"),
            {"ids": [i for i, _ in titles], "titles": [t for _, t in titles]},
        )


def _record_redirects(session: Session, kind: str, successors: dict[int, int]) -> int:
    rows = [{"kind": kind, "old_id": old_id, "new_id": new_id}
            for old_id, new_id in sorted(successors.items()) if old_id != new_id]
    for start in range(0, len(rows), 5000):
        stmt = insert(ClusterRedirect).values(rows[start : start + 5000])
        session.execute(stmt.on_conflict_do_update(index_elements=["kind", "old_id"],
                                                   set_={"new_id": stmt.excluded.new_id}))
    return len(successors)
