"""Passages of one story -> events: the same happening, statement or claim told by two or more
articles. Pure: features in, groups of passage ids out.

Inside one story every passage is about the same war, election or storm, so embedding cosine
alone rates most pairs alike (MiniLM puts "peace must begin with a full ceasefire" and "must
rest on verifiable ceasefires" at 0.4, below many unrelated pairs of the story). What marks
"the same happening" is a sentence of each passage sharing words that the rest of the story does
not use: "ceasefire" in two of thirty passages says more than "Ukraine" in all of them. So
passage similarity is embedding cosine plus the best sentence-pair overlap of nouns and names
weighted by idf computed inside the story itself, plus bonuses for a shared quote or number.

News opens with the main happening (the inverted pyramid), so two ledes that are alike
(cosine >= LEDE_COSINE) get a bonus (W_LEDE): the story's main happening becomes one row with
every outlet's opening, instead of ledes scattered over small rows where each matched a detail
of another article better. On ECB+'s gold event coreference (bench/event_quality.py) this took
within-event pairwise F1 from 0.51 to 0.67 (the app's stories, offline), recall from 0.39 to
0.61 at the same precision; W_LEDE chosen on the other topics gives the same. The cosine floor
keeps opinion ledes that open on different things apart (the seed story's three ledes are at
0.49-0.57).

An event holds at most one passage per article: it is one row of the comparison, each outlet's
version side by side. Passages without a counterpart in another article stay unassigned.

The other weights and thresholds were set by reading the events of the seed story and of dev-set
stories; they are tuned to all-MiniLM-L6-v2 cosines.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from itertools import chain

import numpy as np
import scipy.sparse as sp

from app.cluster.features import ArticleFeatures, PassageFacts
from app.cluster.labels import standalone
from app.ingest.passages import sentence_spans

W_LEXICAL = 1.0  # best sentence-pair overlap of story-local idf-weighted nouns and names
W_QUOTE = 0.2  # the passages quote the same words
W_NUMBER = 0.05  # the passages share a number
W_LEDE = 0.6  # both passages open their articles (and are alike: LEDE_COSINE)
LEDE_COSINE = 0.6  # embedding cosine from which two ledes count as the story's main happening
EVENT_THRESHOLD = 0.7  # similarity at which two passages of different articles report one happening
GROUP_FLOOR = 0.55  # ...and two groups join only if their passages are on average this alike
MIN_CHARS = 60  # shorter passages are captions or fragments, not reports
LABEL_CHARS = 90
_CANNOT = -10.0
_WORD = re.compile(r"[a-z][a-z'’-]{2,}")


_DENSE_CELLS = 4_000_000  # a story's sentence-by-term matrix up to this size is built dense (no scipy overhead)


def _gram(rows: list[int], cols: list[int], vals: list[float], shape: tuple[int, int]) -> np.ndarray:
    """m @ m.T as a dense array, for the matrix m given by its non-zero entries (no duplicates):
    dense arithmetic for the usual small story, sparse for a huge one."""
    if shape[0] * shape[1] <= _DENSE_CELLS:
        m = np.zeros(shape)
        m[rows, cols] = vals
        return m @ m.T
    m = sp.csr_matrix((vals, (rows, cols)), shape=shape)
    return (m @ m.T).toarray()


def _lexical_matrix(passages: list[PassageFacts]) -> np.ndarray:
    """For each pair of passages, the best overlap between one sentence of each: the idf-weighted
    share of the smaller sentence's nouns and names found in the other. idf = log(N/df) over this
    story's passages, so a word found in every passage weighs nothing. Overlap rather than
    cosine, because a claim is often one clause inside a longer sentence. The smaller sentence's
    weight counts as at least that of one term only two passages use: otherwise a sentence whose
    only content is a name common in the story ("this was untrue, since Russia had invaded first")
    overlapped fully with every passage naming Russia."""
    n = len(passages)
    df = Counter(t for p in passages for t in {t for s in p.sentences for t in s})
    vocab = {term: k for k, term in enumerate(sorted(df))}
    idf = {term: math.log(n / count) for term, count in df.items()}
    rows, cols, vals, owner = [], [], [], []
    for i, p in enumerate(passages):
        for sentence in p.sentences:
            weights = {vocab[t]: w for t, c in Counter(sentence).items() if (w := (1 + math.log(c)) * idf[t]) > 0}
            if weights:
                r = len(owner)
                owner.append(i)
                rows.extend([r] * len(weights))
                cols.extend(weights)
                vals.extend(weights.values())
    best = np.zeros((n, n))
    if not owner:
        return best
    dots = _gram(rows, cols, vals, (len(owner), max(1, len(vocab))))
    sq = np.diag(dots).copy()
    floor = math.log(n / 2) ** 2 if n > 2 else 0.0
    overlap = np.clip(dots / np.maximum(np.minimum(sq[:, None], sq[None, :]), floor), 0.0, 1.0)
    # Sentences come passage by passage: the best of each block of rows, then of each block of columns.
    owner_arr = np.array(owner)
    starts = np.flatnonzero(np.r_[True, owner_arr[1:] != owner_arr[:-1]])
    blocks = np.maximum.reduceat(np.maximum.reduceat(overlap, starts, axis=0), starts, axis=1)
    present = owner_arr[starts]
    best[np.ix_(present, present)] = blocks
    return np.maximum(best, best.T)


def _shared(items: list) -> np.ndarray:
    """1.0 where two passages have an item (a quote, a number) in common, else 0.0."""
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, found in enumerate(items):
        for item in set(found):
            rows.append(i)
            cols.append(vocab.setdefault(item, len(vocab)))
    return (_gram(rows, cols, [1.0] * len(rows), (len(items), max(1, len(vocab)))) > 0).astype(np.float64)


def passage_similarity_matrix(articles: list[ArticleFeatures]) -> tuple[list[int], list[int], np.ndarray]:
    """(passage ids, owning article index, similarity matrix) over the story's usable passages."""
    ids, owner, facts, vecs, lede = [], [], [], [], []
    for k, article in enumerate(articles):
        for j, pid in enumerate(article.passage_ids):
            if len(article.passage_texts[j]) < MIN_CHARS:
                continue
            lede.append(not owner or owner[-1] != k)  # the article's first usable passage
            ids.append(pid)
            owner.append(k)
            facts.append(article.passages[j] if j < len(article.passages) else PassageFacts())
            vecs.append(article.passage_vectors[j])
    if not ids:
        return [], [], np.zeros((0, 0))
    v = np.stack(vecs)
    cosine = v @ v.T
    sim = cosine + W_LEXICAL * _lexical_matrix(facts)
    bonus = W_QUOTE * _shared([f.quotes for f in facts]) + W_NUMBER * _shared([f.numbers for f in facts])
    ledes = np.array(lede)
    bonus += W_LEDE * (np.logical_and.outer(ledes, ledes) & (cosine >= LEDE_COSINE))
    np.fill_diagonal(bonus, 0.0)
    sim += bonus
    same = np.equal.outer(owner, owner)
    np.fill_diagonal(same, False)
    sim[same] = _CANNOT
    return ids, owner, sim


def cluster_events(articles: list[ArticleFeatures], threshold: float = EVENT_THRESHOLD) -> list[list[int]]:
    """Groups of passage ids, each from >= 2 articles with at most one passage per article;
    sorted, independent of input order.

    Best-first linking: cross-article pairs are taken from the most to the least similar down to
    the threshold, and the two groups they belong to are joined unless that would put two
    passages of one article together, or the two groups are on average less alike than
    GROUP_FLOOR (which stops long chains). Every link in an event is a strong pairwise match,
    while the tellings of one event need not all match each other closely: "the military
    operation" matches "the full-scale invasion" better than it matches a third outlet's words.
    Ties in similarity are broken by passage id, so the result does not depend on input order."""
    articles = sorted(articles, key=lambda a: a.id)
    ids, owner, sim = passage_similarity_matrix(articles)
    n = len(ids)
    upper_i, upper_j = np.triu_indices(n, 1)
    owners, id_arr = np.array(owner, dtype=np.int64), np.array(ids, dtype=np.int64)
    candidate = (owners[upper_i] != owners[upper_j]) & (sim[upper_i, upper_j] >= threshold)
    upper_i, upper_j = upper_i[candidate], upper_j[candidate]
    order = np.lexsort((id_arr[upper_j], id_arr[upper_i], -sim[upper_i, upper_j]))  # most similar first
    group = list(range(n))
    members = {i: {i} for i in range(n)}
    articles_of = {i: {owner[i]} for i in range(n)}
    row_sums: dict[int, np.ndarray] = {}  # a group's summed similarity rows (a singleton's is its row)
    for i, j in zip(upper_i[order].tolist(), upper_j[order].tolist(), strict=True):
        gi, gj = group[i], group[j]
        if gi == gj or articles_of[gi] & articles_of[gj]:
            continue
        mean = row_sums.get(gi, sim[gi])[sorted(members[gj])].sum() / (len(members[gi]) * len(members[gj]))
        if mean < GROUP_FLOOR:
            continue
        keep, drop = min(gi, gj), max(gi, gj)
        for m in members[drop]:
            group[m] = keep
        members[keep] |= members.pop(drop)
        articles_of[keep] |= articles_of.pop(drop)
        row_sums[keep] = row_sums.pop(keep, sim[keep]) + row_sums.pop(drop, sim[drop])
    events = [sorted(ids[m] for m in ms) for g, ms in members.items() if len(articles_of[g]) >= 2]
    return sorted(events)


def _trim(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:—–- ")
    return cut + "…"


def _sentences(text: str) -> list[str]:
    text = " ".join(text.split())
    return [text[s.start : s.end] for s in sentence_spans(text)]


def _split_at(text: str, breaks: list[int]) -> list[str]:
    """The sentences of a passage from its stored sentence breaks (features.PassageFacts.breaks)."""
    bounds = [0, *breaks, len(text)]
    pieces = (" ".join(text[a:b].split()) for a, b in zip(bounds, bounds[1:], strict=False))
    return [p for p in pieces if p]


def _by_centrality(vectors: np.ndarray) -> list[int]:
    """Indices from the vector with the highest mean cosine to the others down (ties: the first);
    with two or fewer, as given."""
    if len(vectors) <= 2:
        return list(range(len(vectors)))
    sums = (vectors @ vectors.T).sum(axis=1)
    return sorted(range(len(vectors)), key=lambda k: (-float(sums[k]), k))


def event_label(texts: list[str], vectors: np.ndarray, breaks: list[list[int]] | None = None) -> str:
    """A sentence that reads on its own and shares most words with the event's other passages: what
    every outlet reported, in one outlet's words, trimmed to ~90 characters. The most central
    passage's best sentence, unless it leans on one before it ("He also referenced…": labels.
    standalone); then the best that stands alone in any passage of the event (the central one
    first on a tie), a leading "But"/"However," dropped; with none, the central best as it is.
    `breaks`: each passage's stored sentence breaks, when known (else split here, much slower)."""
    if not texts:
        return ""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    order = _by_centrality(vectors)
    # Counted in C (chain + Counter): a recluster labels 100k's of events.
    words = [set(_WORD.findall(t.lower())) for t in texts]
    everywhere = Counter(chain.from_iterable(words))

    def sentences_of(k: int) -> list[str]:
        return (_sentences(texts[k]) if breaks is None else _split_at(texts[k], breaks[k])) or [texts[k]]

    def shared(k: int, sentence: str) -> float:  # with the passages other than k
        found = set(_WORD.findall(sentence.lower()))
        return sum(everywhere[w] - (w in words[k]) for w in found) / math.sqrt(len(found) + 1)

    centre = order[0]
    ranked = sorted(enumerate(sentences_of(centre)), key=lambda ks: (-shared(centre, ks[1]), ks[0]))
    label = standalone(ranked[0][1])
    if label is None:
        candidates = [(shared(k, s), rank, pos, own) for rank, k in enumerate(order)
                      for pos, s in (ranked if k == centre else enumerate(sentences_of(k)))
                      if (own := standalone(s)) is not None]
        label = min(candidates, key=lambda c: (-c[0], c[1], c[2]))[3] if candidates else ranked[0][1]
    return _trim(label)


def story_title(titles: list[str | None], texts: list[str], vectors: np.ndarray) -> str:
    """Title for a story from its articles' titles and lede passages (one text and vector per
    article, aligned with titles): the title of the most central article that has one; with no
    titles at all, the first sentence of the most central lede, marked as derived."""
    if not texts:
        return next((t for t in titles if t), "Untitled story")
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    sims = vectors @ vectors.T
    order = sorted(range(len(texts)), key=lambda k: (-float(sims[k].sum()), k))
    for k in order:
        if k < len(titles) and titles[k] and titles[k].strip():
            return " ".join(titles[k].split())
    sentences = _sentences(texts[order[0]]) or [texts[order[0]]]
    return "From the lede: " + _trim(sentences[0], LABEL_CHARS - 15)
