"""Fit the evaluative-word model (app/framing/evaluative.py) on BASIL's bias spans, and report how
it marks loaded wording on topics it has not seen.

    .venv/bin/python bench/fit_evaluative.py ../shared/datasets/basil-dev.jsonl \
        [--write app/framing/data/evaluative.json]

Passages, spaCy docs, candidate words and their features are the app's own. Every word is read
with its sentence's one-sided probability from a one-sided model that did not see the word's
topic (the same folds), as the app reads news it has never seen. Two logistic regressions: a word
inside a gold lexical span, and a word inside any gold bias span; a word is marked when
log P(lexical) + ALPHA log P(any) passes the threshold.

Topic-wise cross-validation: five folds of whole events (event number mod 5); each fold's words are
scored by models fitted on the other four. The threshold is the one with the best span F1 over
all folds' scores (marking at most MAX_MARKED of the candidate words), so the figure is slightly
optimistic; C_LEXICAL, C_BIASED and ALPHA were chosen on the same folds from a grid (C 0.003 to
0.03, 0.03 to 0.3; ALPHA 0 to 3), whose F1 was flat within 0.01 near the choice. Scored as
bench/framing_quality.py scores the app: highlights are the lexicon's hits plus the marked words;
span precision counts highlights overlapping any gold bias span, recall the gold lexical spans a
highlight overlaps; the same per sentence. With --write, both models are refitted on every event
and written as weights only (features seen at least MIN_COUNT times): no text is kept.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.framing.common import parse
from app.framing.evaluative import candidates
from app.framing.lexicon import find_loaded
from app.framing.one_sided import sentence_features, sentence_model, sentences_of
from bench.fit_one_sided import fit as fit_sentences
from bench.fit_one_sided import predict as predict_sentences
from bench.framing_quality import (
    articles_as_passages,
    gold_spans,
    reference_highlights,
    sentence_prf,
    span_prf,
)
from bench.labelled import read_events

FOLDS = 5
C_LEXICAL, C_BIASED, ALPHA = 0.01, 0.1, 1.0
MAX_MARKED = 0.10  # of the candidate words: a reader gets words to look at, not every other adjective
MIN_COUNT = 3


def out_of_fold_sentences(events, parsed) -> dict[tuple[int, int, int], float]:
    """(event, passage id, sentence start) -> one-sided probability from a model fitted on the other folds."""
    feats, labels, keys = [], [], []
    for g, (rows, (passages, offset, docs)) in enumerate(zip(events, parsed, strict=True)):
        for p in passages:
            gold = gold_spans(rows[p.article_id], "informational")
            for s, e, tokens in sentences_of(p, docs[p.id]):
                feats.append(sentence_features(tokens))
                labels.append(any(s + offset[p.id] < ge and gs < e + offset[p.id] for gs, ge in gold))
                keys.append((g, p.id, s))
    y, fold = np.array(labels), np.array([k[0] % FOLDS for k in keys])
    prob = np.zeros(len(y))
    c = json.loads((Path(__file__).resolve().parents[1] / "app/framing/data/one_sided.json").read_text())["C"]
    for f in range(FOLDS):
        fitted = fit_sentences([feats[i] for i in np.flatnonzero(fold != f)], y[fold != f], c)
        prob[fold == f] = predict_sentences(fitted, [feats[i] for i in np.flatnonzero(fold == f)])
    return dict(zip(keys, prob.tolist(), strict=True))


def labelled_words(events):
    """Every candidate word: (event, article, start, end in the article, features, lexical?, any bias?),
    and each article's lexicon hits (event, article) -> [(start, end)]."""
    parsed = []
    for rows in events:
        passages, offset = articles_as_passages(rows)
        parsed.append((passages, offset, parse(passages)))
    sentence_p = out_of_fold_sentences(events, parsed)
    words, lexicon = [], defaultdict(list)
    for g, (rows, (passages, offset, docs)) in enumerate(zip(events, parsed, strict=True)):
        lemmas = defaultdict(set)
        for p in passages:
            lemmas[p.outlet] |= {t.lemma_.lower() for t in docs[p.id] if t.is_alpha}
        for p in passages:
            lexical, biased = gold_spans(rows[p.article_id], "lexical"), gold_spans(rows[p.article_id])
            hits = find_loaded(p)
            base = offset[p.id]
            lexicon[(g, p.article_id)] += [(base + h.span.start, base + h.span.end) for h in hits]
            shared = frozenset(w for o, used in lemmas.items() if o != p.outlet for w in used)
            sentences = [(s, e, sentence_p[(g, p.id, s)]) for s, e, _ in sentences_of(p, docs[p.id])]
            loaded = [(h.span.start, h.span.end, h.category) for h in hits]
            for t, features in candidates(p, docs[p.id], loaded, shared, sentences):
                s, e = base + t.idx, base + t.idx + len(t)
                words.append((g, p.article_id, s, e, features,
                              any(s < ge and gs < e for gs, ge in lexical), any(s < ge and gs < e for gs, ge in biased)))
    return words, lexicon


def fit(features: list[dict], y: np.ndarray, c: float):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    seen = Counter(k for f in features for k in f)
    kept = [{k: v for k, v in f.items() if seen[k] >= MIN_COUNT} for f in features]
    vec = DictVectorizer()
    model = LogisticRegression(C=c, max_iter=5000, class_weight="balanced").fit(vec.fit_transform(kept), y)
    return vec, model


def log_p(fitted, features: list[dict]) -> np.ndarray:
    vec, model = fitted
    return model.predict_log_proba(vec.transform(features))[:, 1]


def scores(words, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    feats = [w[4] for w in words]
    ylex, yany = np.array([w[5] for w in words]), np.array([w[6] for w in words])
    lexical = fit([feats[i] for i in train], ylex[train], C_LEXICAL)
    biased = fit([feats[i] for i in train], yany[train], C_BIASED)
    rest = [feats[i] for i in test]
    return log_p(lexical, rest) + ALPHA * log_p(biased, rest)


def evaluate(events, marks: dict[tuple[int, int], list], rng: random.Random, vader: set[str]) -> dict[str, list[int]]:
    """Span and sentence counts, as bench/framing_quality.py counts them, for the marks and the references."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * 8)
    for g, rows in enumerate(events):
        for a, row in enumerate(rows):
            gold_any, gold_lexical = gold_spans(row), gold_spans(row, "lexical")
            mine = sorted(set(marks.get((g, a), [])))
            for name, predicted in {"word model + lexicon, unseen topics": mine,
                                    **reference_highlights(row["text"], len(mine), rng, vader)}.items():
                counts = (*span_prf(predicted, gold_any, gold_lexical),
                          *sentence_prf(row["text"], predicted, gold_any, gold_lexical))
                totals[name] = [t + c for t, c in zip(totals[name], counts, strict=True)]
    return totals


def prf(tp_p: int, n_p: int, tp_r: int, n_r: int) -> tuple[float, float, float]:
    p, r = tp_p / max(1, n_p), tp_r / max(1, n_r)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def highlights(words, lexicon, marked: np.ndarray) -> dict[tuple[int, int], list]:
    """(event, article) -> what the app would highlight there: the lexicon's hits and the marked words."""
    marks = defaultdict(list, {k: list(v) for k, v in lexicon.items()})
    for i in np.flatnonzero(marked):
        marks[(words[i][0], words[i][1])].append((words[i][2], words[i][3]))
    return marks


def span_f1(words, lexicon, events, marked: np.ndarray) -> float:
    marks = highlights(words, lexicon, marked)
    counts = [0, 0, 0, 0]
    for g, rows in enumerate(events):
        for a, row in enumerate(rows):
            sp = span_prf(sorted(set(marks[(g, a)])), gold_spans(row), gold_spans(row, "lexical"))
            counts = [c + s for c, s in zip(counts, sp, strict=True)]
    return prf(*counts)[2]


def main() -> None:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--write", type=Path, help="refit on every event and write the model here")
    args = ap.parse_args()
    events = list(read_events(args.file).values())
    words, lexicon = labelled_words(events)
    fold = np.array([w[0] % FOLDS for w in words])
    score = np.zeros(len(words))
    for f in range(FOLDS):
        score[fold == f] = scores(words, np.flatnonzero(fold != f), np.flatnonzero(fold == f))
    in_lexicon = np.array([bool(w[4].get("LEX")) for w in words])
    best = max((span_f1(words, lexicon, events, (score >= t) & ~in_lexicon), float(t))
               for t in np.quantile(score, np.linspace(1 - MAX_MARKED, 0.995, 40)))
    threshold = best[1]
    marks = highlights(words, lexicon, (score >= threshold) & ~in_lexicon)
    vader = set(SentimentIntensityAnalyzer().lexicon)
    totals = evaluate(events, marks, random.Random(0), vader)
    articles = sum(len(rows) for rows in events)
    print(f"{args.file.name}: {len(events)} events, {articles} articles, {len(words)} candidate words; "
          f"marked {(score >= threshold).mean():.1%} of them, {sum(len(v) for v in marks.values()) / articles:.1f} "
          f"highlights an article (threshold {threshold:.3f})")
    print(f"{'loaded wording, topic-wise cross-validation':42s} {'span P / R / F1':>24s} | {'sentence P / R / F1':>24s}")
    for name, t in totals.items():
        span, sentence = (" / ".join(f"{v:.3f}" for v in prf(*part)) for part in (t[:4], t[4:]))
        print(f"{name:42s} {span:>24s} | {sentence:>24s}")
    if args.write:
        feats = [w[4] for w in words]
        models = {}
        for name, label, c in (("lexical", 5, C_LEXICAL), ("biased", 6, C_BIASED)):
            vec, model = fit(feats, np.array([w[label] for w in words]), c)
            models[name] = {"bias": round(float(model.intercept_[0]), 5),
                            "weights": {k: round(float(model.coef_[0][i]), 5) for k, i in sorted(vec.vocabulary_.items())
                                        if abs(model.coef_[0][i]) >= 1e-5}}
        args.write.write_text(json.dumps({
            "source": "fitted by bench/fit_evaluative.py on BASIL (Fan et al., EMNLP 2019) lexical and all bias spans, "
                      "development half; weights only",
            "C_lexical": C_LEXICAL, "C_biased": C_BIASED, "alpha": ALPHA, "threshold": round(threshold, 4),
            **models}, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.write}: {sum(len(m['weights']) for m in models.values())} weights, "
              f"threshold {threshold:.3f}, one-sided sentence model {sentence_model().threshold}")


if __name__ == "__main__":
    main()
