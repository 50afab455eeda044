"""Corpus statistics for story similarity: document frequencies of article terms, and TF-IDF
vectors weighted by them.

Why: embeddings and even entity overlap rate two earthquakes, two coach firings or two votes of
one parliament alike. What separates look-alike events is the *rare* words they share: the town
that was hit, the coach's name, the bill's number. How rare a word is depends on the corpus being
clustered, so IDF comes from the stored articles (DocumentFrequencies), not from a fixed list.
A full recluster builds it from the articles it clusters; incremental assignment should use the
stored corpus's frequencies (serialisable with to_json) so one new article is judged against the
same statistics as the recluster would use.

Terms of an article: the noun lemmas and name tokens ("@reid") of each sentence that spaCy saw
(PassageFacts.sentences), numbers ("#6.4") and dates ("%2012"). Title and lede count double.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

LEDE_TERM_WEIGHT = 2.0
TITLE_TERM_WEIGHT = 2.0


def article_terms(article) -> Counter:
    """Term -> weighted count for one ArticleFeatures (title and lede counted double)."""
    terms: Counter[str] = Counter()

    def add(facts, weight: float) -> None:
        for sentence in facts.sentences:
            for term in sentence:
                terms[term] += weight
        for number in facts.numbers:
            terms["#" + number] += weight
        for date in facts.dates:
            terms["%" + date] += weight

    add(article.title_facts, TITLE_TERM_WEIGHT)
    for i, p in enumerate(article.passages):
        add(p, LEDE_TERM_WEIGHT if i == 0 else 1.0)
    return terms


def terms_of(article) -> Counter:
    """article_terms, or the article's own cached copy (ArticleFeatures.terms) where it has one."""
    cached = getattr(article, "terms", None)
    return cached if isinstance(cached, Counter) else article_terms(article)


@dataclass
class DocumentFrequencies:
    """How many articles of the corpus use each term. idf(term) = log((n + 1) / (df + 1)) + 1, so an
    unseen term (a new article's own rare word) weighs most and a term in every article weighs 1."""

    n_docs: int = 0
    df: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_articles(cls, articles: Iterable) -> DocumentFrequencies:
        out = cls()
        out.add(articles)
        return out

    def add(self, articles: Iterable) -> None:
        """Count more articles in (the service can keep one object up to date as articles arrive)."""
        for a in articles:
            self.n_docs += 1
            for term in terms_of(a):
                self.df[term] = self.df.get(term, 0) + 1

    def idf(self, term: str) -> float:
        return math.log((self.n_docs + 1) / (self.df.get(term, 0) + 1)) + 1.0

    def to_json(self) -> dict:
        return {"n_docs": self.n_docs, "df": self.df}

    @classmethod
    def from_json(cls, data: dict) -> DocumentFrequencies:
        return cls(int(data["n_docs"]), {str(k): int(v) for k, v in data["df"].items()})


def tfidf_matrix(articles: list, df: DocumentFrequencies, prefix: str | None = None) -> sp.csr_matrix:
    """Unit-length rows of (1 + log tf) * idf; with `prefix`, only terms starting with it (e.g. "@"
    for names). Row dot products are the TF-IDF cosines."""
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for i, a in enumerate(articles):
        for term, count in sorted(terms_of(a).items()):
            if prefix is not None and not term.startswith(prefix):
                continue
            rows.append(i)
            cols.append(vocab.setdefault(term, len(vocab)))
            vals.append((1.0 + math.log(max(count, 1.0))) * df.idf(term))
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(articles), max(1, len(vocab))), dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)
