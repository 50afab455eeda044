"""How often do the framing signals surface the coverage differences AllSides editors name?

Usage: .venv/bin/python bench/framing_eval.py ../shared/datasets/allsides-dev.jsonl

Stories are the gold `event` groups (this is evaluation, so gold grouping is fair); each article
is one outlet, its paragraphs its passages. Gold is derived from the editors' roundup in `meta`:
  * note paragraphs = roundup paragraphs that talk about coverage ("rated", "outlets", "coverage", ...);
  * quoted phrases in the notes that occur in some outlets' texts but not all -> (outlet, phrase) items:
    the word one side used. Found when one of the outlet's top-12 distinctive terms lies inside the
    phrase (content words), or a loaded-lexicon hit overlaps the phrase's occurrence;
  * people (spaCy PERSON) named anywhere in the roundup whose surname sits in an outlet sentence with a
    quotation mark or said/says/told/according to -> (outlet, person) items: found when attribution
    lists a speaker with that surname in that outlet.
Precision figures are lower bounds: editors name a few differences, not all of them."""
from __future__ import annotations

import json
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.framing import PassageIn, analyse_story
from app.framing.common import nlp, words
from app.framing.wording import STOP

NOTE_CUES = ("rated", "outlets", "coverage", "sources", "reports from", "spectrum", "framed", "highlighted")
QUOTED = re.compile(r"[“\"]([^”\"]{2,80})[”\"]")
SPEECH = re.compile(r"[“”\"]|\b(said|says|told|according to)\b", re.I)


def content(text: str) -> list[str]:
    return [w for w, _, _ in words(text) if w not in STOP]


def load(path: str) -> dict[str, list[dict]]:
    stories: dict[str, list[dict]] = defaultdict(list)
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        stories[row["event"]].append(row)
    return stories


def story_passages(rows: list[dict]) -> list[PassageIn]:
    out, pid = [], 0
    for a, row in enumerate(rows):
        label = row["outlet"] or f"Unknown outlet (article {a})"
        label = f"{label} [{row['meta'].get('stance')}]"
        for para in row["text"].split("\n\n"):
            if para.strip():
                out.append(PassageIn(pid, a, label, para.strip()))
                pid += 1
    return out


def main(path: str) -> None:
    stories = load(path)
    tally = defaultdict(int)
    timings = []
    for rows in stories.values():
        passages = story_passages(rows)
        if len({p.outlet for p in passages}) < 2:
            continue
        start = time.perf_counter()
        story = analyse_story({0: passages}, [])
        timings.append((time.perf_counter() - start, len(passages)))
        tally["stories"] += 1
        roundup = rows[0]["meta"].get("neutral_roundup") or []
        notes = [p for p in roundup if any(c in p.lower() for c in NOTE_CUES)]
        texts = defaultdict(str)
        for p in passages:
            texts[p.outlet] += p.text + "\n"
        wording = {w.outlet: w for w in story.wording}
        attrib = {a.outlet: a for a in story.attribution}
        note_words = {w for n in notes for w in content(n)}
        # precision (lower bound): top-3 distinctive terms / loaded hits that the notes also use
        for w in wording.values():
            for d in w.distinctive[:3]:
                tally["dist_top3"] += 1
                tally["dist_top3_in_notes"] += all(t in note_words for t in d.term.split())
            for h in w.loaded:
                tally["loaded_hits"] += 1
                tally["loaded_in_notes"] += any(t in note_words for t in content(h.span.text))
        # recall: phrases quoted in the notes that some outlets use and others do not
        for phrase in {m.group(1).strip(" ,.") for n in notes for m in QUOTED.finditer(n)}:
            toks = content(phrase)
            if not toks or len(phrase.split()) > 8:
                continue
            users = [o for o, t in texts.items() if phrase.lower() in t.lower().replace("’", "'")]
            if not users or len(users) == len(texts):
                continue
            for outlet in users:
                tally["phrase_items"] += 1
                dist = any(set(d.term.split()) <= set(toks) for d in wording[outlet].distinctive)
                low = texts[outlet].lower().replace("’", "'")
                at = low.find(phrase.lower())
                lex = any(phrase.lower() in h.span.text.lower() or h.span.text.lower() in phrase.lower()
                          for h in wording[outlet].loaded) and at >= 0
                tally["phrase_by_distinctive"] += dist
                tally["phrase_by_lexicon"] += lex
                tally["phrase_found"] += dist or lex
        # recall: people the roundup names who speak in an outlet's text
        people = {e.text.split()[-1].strip("’'s") for e in nlp()(" ".join(roundup)).ents if e.label_ == "PERSON"}
        for outlet, text in texts.items():
            sentences = re.split(r"(?<=[.!?”])\s+", text)
            spoken = {s for s in people if any(s in sent and SPEECH.search(sent) for sent in sentences)}
            found = {s for s in spoken if any(s in (sp or "") for sp in attrib[outlet].speakers)}
            tally["speaker_items"] += len(spoken)
            tally["speaker_found"] += len(found)
            named = [sp for sp in attrib[outlet].speakers if sp]
            tally["speakers_listed"] += len(named)
            tally["speakers_in_roundup"] += sum(any(s in sp for s in people) for sp in named)
            tally["vague"] += attrib[outlet].vague_or_unattributed
            tally["attributions"] += len(attrib[outlet].attributions)
        tally["articles"] += story.independence.articles
        tally["independent"] += story.independence.independent_reports

    ratio = lambda a, b: f"{tally[a] / tally[b]:.3f} ({tally[a]}/{tally[b]})" if tally[b] else "n/a"  # noqa: E731
    per_passage = sum(t for t, _ in timings) / max(1, sum(n for _, n in timings))
    print(f"stories analysed: {tally['stories']}  articles: {tally['articles']}  "
          f"independent reports: {tally['independent']}")
    print("\nRecall: editors' quoted words that one side used (outlet, phrase) items:", tally["phrase_items"])
    print("  found by distinctive wording (a top-12 term inside the phrase):", ratio("phrase_by_distinctive", "phrase_items"))
    print("  found by the loaded-term lexicon (hit overlaps the phrase):     ", ratio("phrase_by_lexicon", "phrase_items"))
    print("  found by either:                                                ", ratio("phrase_found", "phrase_items"))
    print("\nRecall: people named in the roundup who speak in an outlet's text (regex proxy), found as speaker:")
    print("  ", ratio("speaker_found", "speaker_items"))
    print("\nPrecision (lower bounds, notes name only a few differences):")
    print("  top-3 distinctive terms whose words all occur in the editors' notes:", ratio("dist_top3_in_notes", "dist_top3"))
    print("  loaded-lexicon hits whose word occurs in the editors' notes:        ", ratio("loaded_in_notes", "loaded_hits"))
    print("  named speakers found that the roundup also names:                   ", ratio("speakers_in_roundup", "speakers_listed"))
    print(f"\nattributions: {tally['attributions']}, vague or unattributed: {tally['vague']}")
    print(f"runtime: {sum(t for t, _ in timings):.1f}s for {len(timings)} stories, "
          f"{per_passage * 1000:.1f} ms per passage (story + event analysis, parse included)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/datasets/allsides-dev.jsonl")
