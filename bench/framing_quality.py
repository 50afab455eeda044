"""Framing signals against human annotation on BASIL (../shared/datasets/README.md, "Scores to
report for framing"): loaded wording and who is quoted, each beside its references.

    .venv/bin/python bench/framing_quality.py ../shared/datasets/basil-dev.jsonl

Each gold event's articles (one event told by Fox News, the New York Times and HuffPost) are one
story through the project's own code: the app's passage splitter, then `analyse_story`, as the
story page reads it. The gold (`meta.bias_spans`) is read only for scoring. Titles are left out:
they are not passages.

- Loaded wording: what the passages highlight (loaded-term hits and evaluative words, in the
  outlet's own words and inside quotes), alone and with the spans of the wording panel's
  distinctive terms. The evaluative-word model was fitted on basil-dev (bench/fit_evaluative.py
  prints its topic-wise cross-validated figure, the one to quote for unseen news): on basil-dev
  this figure is in-sample. Span precision: highlights overlapping any gold bias
  span; recall: gold lexical spans overlapped by a highlight. The same per sentence. References
  on the same text: random words (as many as the app highlights per article), every word of
  VADER's lexicon, every adjective and adverb that is not part of a name.
- One-sided content: the sentences the one-sided panel marks (app/framing/one_sided.py) against the
  sentences overlapping informational-bias spans, beside every sentence and random sentences (as
  many as the app marks per article). The model was fitted on basil-dev (bench/fit_one_sided.py
  prints its topic-wise cross-validated figure, the one to quote for unseen news): on basil-dev
  this figure is in-sample.
- Who is quoted: of the gold quote spans with a named speaker, the share whose overlapping
  attribution names that speaker. A person (the gold name read by spaCy as a PERSON: "Joe_Biden")
  is credited by last name ("Mr. Biden", "Biden"). A group or organisation ("NAACP", "Tea_Party",
  "Democratic_lawmakers", "Nebraska_officials") is credited when every one of its words, leaving
  out group nouns (GROUP_NOUNS: officials, lawmakers, members...) and "and"/"of"/"the", is a word
  of the attributed speaker or of how the article describes them (`described_as`, appositions
  included): "Senator Tom Reed, Democrat of Ohio" speaks for Democratic lawmakers, "the NAACP
  resolution" for the NAACP, "St. Louis Tea Party organizer Bill Hennessy" for the Tea Party;
  "Senator Tom Reed" alone speaks for no group. Words are compared lower-cased, without a
  possessive or plural s and without an adjective's -ic ("Democrats" = "Democratic"); a party
  designation after a name ("Rep. Tom Reed, D-Ohio", "(R-Utah)") reads as Democrat / Republican.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.framing import PassageIn, analyse_story
from app.framing.common import nlp
from app.ingest.passages import sentence_spans, split_passages
from bench.labelled import read_events

Range = tuple[int, int]


def _overlaps(a: Range, spans: list[Range]) -> bool:
    return any(a[0] < e and s < a[1] for s, e in spans)


def gold_spans(row: dict, bias: str | None = None) -> list[Range]:
    """The gold bias spans of an article's text (its title left out): all of them, or those of one
    kind ("lexical", "informational")."""
    return [(b["start"], b["end"]) for b in row["meta"]["bias_spans"]
            if b["field"] == "text" and bias in (None, b["bias"])]


def span_prf(predicted: list[Range], gold_any: list[Range], gold_lexical: list[Range]) -> tuple[int, int, int, int]:
    """(highlights overlapping gold, highlights, gold lexical spans found, gold lexical spans)."""
    return (sum(_overlaps(p, gold_any) for p in predicted), len(predicted),
            sum(_overlaps(g, predicted) for g in gold_lexical), len(gold_lexical))


def sentence_prf(text: str, predicted: list[Range], gold_any: list[Range],
                 gold_lexical: list[Range]) -> tuple[int, int, int, int]:
    """As span_prf, over the text's sentences: a sentence is marked when a highlight is in it."""
    sentences = [(s.start, s.end) for s in sentence_spans(text)]
    marked = {k for k, s in enumerate(sentences) if _overlaps(s, predicted)}
    biased = {k for k, s in enumerate(sentences) if _overlaps(s, gold_any)}
    lexical = {k for k, s in enumerate(sentences) if _overlaps(s, gold_lexical)}
    return len(marked & biased), len(marked), len(marked & lexical), len(lexical)


def f1(tp_p: int, n_p: int, tp_r: int, n_r: int) -> str:
    p, r = tp_p / max(1, n_p), tp_r / max(1, n_r)
    return f"P {p:.3f}  R {r:.3f}  F1 {(2 * p * r / (p + r) if p + r else 0):.3f}"


def articles_as_passages(rows: list[dict]) -> tuple[list[PassageIn], dict[int, int]]:
    """The app's passages of each article, and each passage's offset in its article's text."""
    passages, offset = [], {}
    for a, row in enumerate(rows):
        for s in split_passages(row["text"], max_chars=480, min_chars=120):
            pid = len(passages)
            passages.append(PassageIn(pid, a, row["outlet"] or f"Unknown outlet (article {a})", row["text"][s.start:s.end]))
            offset[pid] = s.start
    return passages, offset


def app_highlights(framing, offset: dict[int, int], article_of: dict[int, int],
                   distinctive: bool) -> dict[int, list[Range]]:
    """What a passage marks as loaded (lexicon hits and evaluative words, in the outlet's own words
    and inside quotes), with the spans of the wording panel's distinctive terms when `distinctive`,
    as ranges of the article text."""
    out: dict[int, list[Range]] = defaultdict(list)
    for outlet in framing.wording:
        marked = [*outlet.loaded, *outlet.quoted_loaded, *outlet.evaluative, *outlet.quoted_evaluative]
        spans = [h.span for h in marked] + [s for d in outlet.distinctive if distinctive for s in d.spans]
        for s in spans:
            base = offset[s.passage_id]
            out[article_of[s.passage_id]].append((base + s.start, base + s.end))
    return out


def reference_highlights(text: str, count: int, rng: random.Random, vader: set[str]) -> dict[str, list[Range]]:
    doc = nlp()(text)
    names = {t.i for ent in doc.ents for t in ent}
    tokens = [t for t in doc if t.is_alpha]
    return {
        "random words, as many": [(t.idx, t.idx + len(t)) for t in rng.sample(tokens, min(count, len(tokens)))],
        "every VADER lexicon word": [(t.idx, t.idx + len(t)) for t in tokens if t.lower_ in vader],
        "every adjective/adverb not a name": [(t.idx, t.idx + len(t)) for t in tokens
                                              if t.pos_ in ("ADJ", "ADV") and t.i not in names],
    }


GROUP_NOUNS = {"official", "lawmaker", "member", "compan", "companie", "leader", "staff", "aide", "spokesmen",
               "people", "supporter", "activist"}


def _last_name(name: str | None) -> str:
    return (name or "").replace("_", " ").split()[-1].lower().strip(".,'’") if name and name.split() else ""


def _fold(word: str) -> str:
    w = word.lower().strip(".,'’()\"“”").removesuffix("’s").removesuffix("'s")
    w = w.removesuffix("s")
    return w.removesuffix("ic") if len(w) > 4 else w


PARTY = re.compile(r"(?<![\w.])([DR])-(?=[A-Z])")  # "D-N.Y.", "R-Utah": the US press's party designation
_PEOPLE: dict[str, bool] = {}


def _is_person(gold: str) -> bool:
    """The gold name is a person's: spaCy reads all of it as one PERSON ("Joe Biden said.")."""
    if gold not in _PEOPLE:
        name = gold.replace("_", " ")
        _PEOPLE[gold] = any(e.label_ == "PERSON" and e.text == name for e in nlp()(f"{name} said.").ents)
    return _PEOPLE[gold]


def speaker_matches(gold: str, speaker: str | None, described: str | None) -> bool:
    """Whether an attributed speaker is the gold speaker (see the module docstring)."""
    if _is_person(gold):
        return _last_name(gold) == _last_name(speaker)
    if not speaker:
        return False
    wanted = {_fold(w) for w in gold.replace("_", " ").split()} - GROUP_NOUNS - {"and", "of", "the"}
    said = PARTY.sub(lambda m: {"D": " Democrat ", "R": " Republican "}[m.group(1)], f"{speaker} {described or ''}")
    words = {_fold(w) for w in said.replace(",", " ").split()}
    return bool(wanted) and wanted <= words


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = set(SentimentIntensityAnalyzer().lexicon)
    rng = random.Random(args.seed)
    events = read_events(args.file)

    totals: dict[str, list[int]] = defaultdict(lambda: [0] * 8)
    one_sided: dict[str, list[int]] = defaultdict(lambda: [0] * 4)
    speakers = [0, 0]
    highlights_seen = 0
    for rows in events.values():
        passages, offset = articles_as_passages(rows)
        article_of = {p.id: p.article_id for p in passages}
        framing = analyse_story({}, passages)
        loaded = app_highlights(framing, offset, article_of, distinctive=False)
        found = app_highlights(framing, offset, article_of, distinctive=True)
        said = defaultdict(list)  # article -> (range, speaker, described_as) of each attribution's quotes and content
        for outlet in framing.attribution:
            for a in outlet.attributions:
                for s in [*a.quotes, *([a.content] if a.content else [])]:
                    base = offset[s.passage_id]
                    said[article_of[s.passage_id]].append(((base + s.start, base + s.end), a.speaker, a.described_as))
        sided = defaultdict(list)
        for outlet in framing.one_sided:
            for sent in outlet.sentences:
                base = offset[sent.span.passage_id]
                sided[article_of[sent.span.passage_id]].append((base + sent.span.start, base + sent.span.end))
        for a, row in enumerate(rows):
            gold = [g for g in row["meta"]["bias_spans"] if g["field"] == "text"]
            informational = gold_spans(row, "informational")
            sentences = [(x.start, x.end) for x in sentence_spans(row["text"])]
            flagged = [x for x in sentences if _overlaps(x, sided.get(a, []))]
            for name, predicted in (("Parallax one-sided sentences (in-sample)", flagged),
                                    ("every sentence", sentences),
                                    ("random sentences, as many", rng.sample(sentences, len(flagged)))):
                _, n, hits, truth = sentence_prf(row["text"], predicted, informational, informational)
                t = one_sided[name]
                for k, v in enumerate((hits, n, hits, truth)):
                    t[k] += v
            gold_any, gold_lexical = gold_spans(row), gold_spans(row, "lexical")
            mine = sorted(set(found.get(a, [])))
            highlights_seen += len(mine)
            candidates = {"Parallax loaded and evaluative words (in-sample)": sorted(set(loaded.get(a, []))),
                          "Parallax loaded + distinctive wording": mine}
            candidates.update(reference_highlights(row["text"], len(mine), rng, vader))
            for name, predicted in candidates.items():
                t = totals[name]
                sp = span_prf(predicted, gold_any, gold_lexical)
                se = sentence_prf(row["text"], predicted, gold_any, gold_lexical)
                for k, v in enumerate((*sp, *se)):
                    t[k] += v
            for g in gold:
                if g["quote"] == "yes" and g["speaker"] and not g["speaker"].startswith("other"):
                    speakers[1] += 1
                    speakers[0] += any(speaker_matches(g["speaker"], s, d) for r, s, d in said[a]
                                       if _overlaps((g["start"], g["end"]), [r]))
    print(f"{args.file.name}: {len(events)} events, {sum(len(r) for r in events.values())} articles; "
          f"Parallax highlights {highlights_seen / max(1, sum(len(r) for r in events.values())):.1f} an article")
    print(f"{'loaded wording vs gold lexical bias':42s} {'span':>30s} | {'sentence':>30s}")
    for name, t in totals.items():
        print(f"{name:42s} {f1(t[0], t[1], t[2], t[3])} | {f1(*t[4:])}")
    print(f"{'one-sided content vs gold informational bias':42s} {'sentence':>30s}")
    for name, t in one_sided.items():
        print(f"{name:42s} {f1(*t)}")
    print(f"who is quoted: {speakers[0]} of {speakers[1]} quote spans with a named speaker attributed to them "
          f"({speakers[0] / max(1, speakers[1]):.1%})")


if __name__ == "__main__":
    main()
