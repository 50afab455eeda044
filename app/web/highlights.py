"""Passage text cut into (text, marks) segments from the framing spans, so a template can wrap the
marked pieces in <mark> with Jinja's escaping and never has to build HTML from strings.

Spans may overlap ("Russian dictatorship" is a naming term, "dictatorship" a loaded term inside it):
the text is cut at every span boundary and each piece carries every reason that covers it, so marks
sit side by side and never nest. Precedence (attribution verb, then loaded term, then naming term)
picks the piece's style and the order of its reasons."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

KINDS = ("attribution", "loaded", "naming", "onesided")  # precedence, highest first; onesided marks sentences
STANCE_WORDS = {
    "distancing": "distancing attribution verb (casts doubt on the speaker's words)",
    "endorsing": "endorsing attribution verb (presents the words as fact)",
    "emphatic": "emphatic attribution verb (stresses how it was said)",
    "neutral": "neutral attribution verb",
}


@dataclass(frozen=True)
class Mark:
    kind: str  # one of KINDS
    why: str  # the explanation shown on focus and hover
    variant: str = ""  # the attribution verb's stance


@dataclass(frozen=True)
class Segment:
    text: str
    marks: tuple[Mark, ...] = ()
    id: str = ""  # the id of its explanation element, for aria-describedby

    @property
    def kind(self) -> str:
        return self.marks[0].kind if self.marks else ""

    @property
    def in_one_sided(self) -> bool:
        return any(m.kind == "onesided" for m in self.marks)

    @property
    def css(self) -> str:
        if not self.marks:
            return ""
        classes = [f"hl-{c}" for c in (self.kind, self.marks[0].variant) if c]
        if self.kind != "onesided" and self.in_one_sided:
            classes.append("hl-in-onesided")
        return " ".join(classes)

    @property
    def why(self) -> str:
        return "; ".join(m.why for m in self.marks)


Spans = dict[int, list[tuple[int, int, Mark]]]  # passage id -> (start, end, mark)


def segments(passage_id: int, text: str, spans: list[tuple[int, int, Mark]]) -> list[Segment]:
    """The passage text in order, cut wherever a highlight starts or ends."""
    spans = [(max(0, s), min(len(text), e), m) for s, e, m in spans if s < e and s < len(text)]
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    out: list[Segment] = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        marks = sorted(
            {m for s, e, m in spans if s <= start and end <= e},
            key=lambda m: (KINDS.index(m.kind) if m.kind in KINDS else 0, m.why),
        )
        if out and tuple(marks) == out[-1].marks:
            out[-1] = Segment(out[-1].text + text[start:end], out[-1].marks, out[-1].id)
        else:
            out.append(Segment(text[start:end], tuple(marks)))
    numbered, n = [], 0
    for seg in out:
        if seg.marks:
            n += 1
            seg = Segment(seg.text, seg.marks, f"why-{passage_id}-{n}")
        numbered.append(seg)
    return numbered


def _plain(name: str) -> str:
    return name.lower().removeprefix("the ").strip()


def _add(found: Spans, span: dict | None, mark: Mark) -> None:
    if span:
        found.setdefault(span["passage_id"], []).append((span["start"], span["end"], mark))


def _evaluative_reason(category: str) -> str:
    """Why a word was marked, from its category ("evaluative word: what weighed most"). An older snapshot's
    hits carry no reasons: they were the article's rarest and most charged modifiers."""
    _, _, weighed = category.partition(": ")
    if not weighed:
        return "among its article's most unusual and charged adjectives, adverbs and sentiment words"
    return f"read as loaded by a word model fitted on annotated news ({weighed})"


def framing_spans(framing: dict[str, Any] | None) -> Spans:
    """Attribution verbs, loaded terms, the naming terms that differ from the referent's plain name and
    the sentences read as one-sided, from an EventFraming or StoryFraming JSON."""
    found: Spans = {}
    if not framing:
        return found
    for outlet in framing.get("attribution", []):
        for a in outlet["attributions"]:
            who = a["speaker"] or ("a vague source" if a["source"] == "vague" else "no named speaker")
            flags = [f for f, on in (("negated", a["negated"]), ("inside a quote", a["inside_quote"])) if on]
            why = f"{STANCE_WORDS.get(a['stance'], a['stance'])}: ‘{a['verb']}’, speaker: {who}"
            _add(
                found,
                a["verb_span"],
                Mark("attribution", why + (f" ({', '.join(flags)})" if flags else ""), a["stance"]),
            )
    quoted = " (inside a quote: the speaker's words, which the outlet chose to quote)"
    for outlet in framing.get("wording", []):
        # An older snapshot has no evaluative words and no quoted lists.
        for key, suffix in (("loaded", ""), ("quoted_loaded", quoted)):
            for hit in outlet.get(key, []):
                why = f"loaded term ({hit['category']}): ‘{hit['span']['text']}’{suffix}"
                _add(found, hit["span"], Mark("loaded", why))
        for key, suffix in (("evaluative", ""), ("quoted_evaluative", quoted)):
            for hit in outlet.get(key, []):
                why = f"evaluative word: ‘{hit['span']['text']}’, {_evaluative_reason(hit['category'])}{suffix}"
                _add(found, hit["span"], Mark("loaded", why))
    for outlet in framing.get("one_sided", []):  # an older snapshot has none
        for sent in outlet["sentences"]:
            also = (f"also told by {', '.join(sent['also_in'])}" if sent["also_in"]
                    else "no other outlet has a sentence sharing most of its words")
            cues = f"; words that weighed most: {', '.join(sent['cues'])}" if sent["cues"] else ""
            why = (f"sentence read as slanted background or one-sided context (score {sent['score']:.2f}"
                   f"{cues}; {also})")
            _add(found, sent["span"], Mark("onesided", why))
    for row in framing.get("naming", []):
        if not row["varied"]:
            continue
        for outlet, terms in row["terms"].items():
            for term in terms:
                if _plain(term["term"]) == _plain(row["referent"]):
                    continue  # "Russia" for Russia, "war" for the war: nothing to point out
                why = (f"how {outlet} names {row['referent']}: ‘{term['term']}’"
                       f" ({term['count']}× in this outlet)")
                for span in term["spans"]:
                    _add(found, span, Mark("naming", why))
    return found


def highlight(passages: list[tuple[int, str]], spans: Spans) -> dict[int, list[Segment]]:
    """Segments for the given (passage id, text) pairs that have at least one highlight."""
    return {pid: segments(pid, text, spans[pid]) for pid, text in passages if spans.get(pid)}
