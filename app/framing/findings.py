"""What differs, first: at most five findings per story or event, each one sentence in plain words
built from the framing signals (no generative model: every quoted word is in the passages), each
saying what it counts and pointing at the panel with its evidence. A signal too weak to state
(a handful of words, one passage, no contrast between outlets) is not stated.

Ranked by strength: leaving out an event the others report, then near-copies, distancing verbs
against neutral ones, a referent named differently, one-sided background, a tone gap."""
from __future__ import annotations

from dataclasses import dataclass

from app.framing.common import JsonMixin

MAX_FINDINGS = 5
NAMING_FINDINGS = 2  # at most this many referents named differently
MIN_NAMING_MENTIONS = 2  # an outlet's expression counts when it uses it at least this often...
MIN_ATTRIBUTIONS = 3  # an outlet's verbs are compared when it reports at least this many statements
MIN_DISTANCING = 2
TONE_GAP = 0.4  # VADER compound, averaged per outlet over its passages
MIN_TONE_PASSAGES = 2
MIN_ONE_SIDED = 2  # marked sentences...
ONE_SIDED_SHARE = 0.3  # ...and this share of the outlet's sentences
ONE_SIDED_LEAD = 2.0  # ...and this many times the others' share


@dataclass(frozen=True)
class Finding(JsonMixin):
    kind: str  # omission | copies | distancing | naming | one_sided | tone
    text: str
    panel: str  # the panel holding the evidence: coverage, independence, attribution, naming, onesided, tone
    strength: float  # for ranking only


def _names(outlets: list[str]) -> str:
    if len(outlets) <= 2:
        return " and ".join(outlets)
    return ", ".join(outlets[:-1]) + " and " + outlets[-1]


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


def omission_in_event(omitted_by: list[str], reporting: list[str]) -> list[Finding]:
    if not omitted_by or len(reporting) < 2:
        return []
    cover, report = ("covers", "reports") if len(omitted_by) == 1 else ("cover", "report")
    return [Finding("omission", f"{_names(omitted_by)} {cover} the story but {report} nothing of this event, which "
                                f"{len(reporting)} other outlets report.", "coverage", 0.95)]


def omission_in_story(coverage) -> list[Finding]:
    """Outlets that leave out events at least two other outlets report: one finding for all of
    them, the outlet leaving out the largest share first."""
    reporters: dict[int, set[str]] = {}
    for c in coverage:
        for event in c.events:
            reporters.setdefault(event, set()).add(c.outlet)
    gaps = []
    for c in coverage:
        missed = [e for e in c.missed_events if len(reporters.get(e, ())) >= 2]
        shared = [e for e, who in reporters.items() if len(who - {c.outlet}) >= 2]
        if missed and len(shared) >= 2:
            gaps.append((len(missed) / len(shared), c.outlet, len(missed), len(shared)))
    if not gaps:
        return []
    gaps.sort(key=lambda g: (-g[0], g[1]))
    if len(gaps) == 1:
        _, outlet, missed, shared = gaps[0]
        text = f"{outlet} leaves out {missed} of the {shared} events that at least two other outlets report."
    else:
        text = ("Events that at least two other outlets report, left out: "
                + "; ".join(f"{outlet} {missed} of {shared}" for _, outlet, missed, shared in gaps) + ".")
    return [Finding("omission", text, "coverage", 0.6 + 0.35 * gaps[0][0])]


def copies(independence) -> list[Finding]:
    if not independence.groups or independence.independent_reports >= independence.articles:
        return []
    return [Finding("copies", f"{independence.articles} articles are {independence.independent_reports} independent "
                              "reports: some are near-copies of one another (wire copy or syndication).",
                    "independence", 0.85)]


def distancing(attribution) -> list[Finding]:
    """An outlet reporting statements with distancing verbs (claimed, alleged) where another outlet
    reports as many with none."""
    counted = [a for a in attribution if sum(a.stance_counts.values()) >= MIN_ATTRIBUTIONS]
    neutral = [a for a in counted if not a.stance_counts.get("distancing")]
    if not neutral:
        return []
    out = []
    for a in counted:
        n = a.stance_counts.get("distancing", 0)
        if n < MIN_DISTANCING:
            continue
        verbs = sorted({x.verb.lower() for x in a.attributions if x.stance == "distancing"})[:3]
        others = _names([f"{o.outlet} ({sum(o.stance_counts.values())} statements)" for o in neutral[:2]])
        use = "uses" if len(neutral[:2]) == 1 else "use"
        out.append(Finding("distancing", f"{a.outlet} reports {n} of its {sum(a.stance_counts.values())} statements "
                                         f"with distancing verbs ({', '.join(f'“{v}”' for v in verbs)}); {others} "
                                         f"{use} none.", "attribution", 0.75 + min(0.15, 0.03 * n)))
    return out


def _main_term(terms) -> tuple[str, int] | None:
    if not terms or terms[0].count < MIN_NAMING_MENTIONS:
        return None
    return terms[0].term, terms[0].count


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[0].isalpha()).lower()


def same_name(a: str, b: str) -> bool:
    """'Trump' and 'Donald Trump', 'the caravan' and 'caravan', 'US', 'U.S.' and 'United States':
    one name, not a choice of words."""
    a, b = (" ".join(w.removesuffix("s") if len(w) > 4 else w for w in x.replace(".", "").lower().split())
            .removeprefix("the ") for x in (a, b))
    if a == b or a in b.split() or b in a.split() or a.endswith(" " + b) or b.endswith(" " + a):
        return True
    return (" " not in a and a == _initials(b)) or (" " not in b and b == _initials(a))


def naming(rows) -> list[Finding]:
    """Referents that two or more outlets each name, mostly, in words the others do not use."""
    out = []
    for row in rows:
        main = {outlet: m for outlet, terms in row.terms.items() if (m := _main_term(terms))}
        if len(main) < 2:
            continue
        distinct = {}
        for outlet, (term, count) in main.items():
            if not any(same_name(term, t) for t, _ in distinct.values()):
                distinct[outlet] = (term, count)
        if len(distinct) < 2:
            continue
        said = "; ".join(f"{outlet} “{term}” ({_times(count)})" for outlet, (term, count) in main.items())
        total = sum(c for _, c in main.values())
        out.append(Finding("naming", f"{row.referent} is named differently: {said}.", "naming",
                           0.5 + min(0.2, 0.02 * total) + 0.05 * (len(distinct) - 2)))
    return sorted(out, key=lambda f: -f.strength)[:NAMING_FINDINGS]


def one_sided(outlets) -> list[Finding]:
    """An outlet with clearly more sentences read as one-sided background than the others."""
    shares = {o.outlet: (len(o.sentences), o.checked) for o in outlets if o.checked}
    out = []
    for outlet, (marked, checked) in shares.items():
        others = [(m, c) for name, (m, c) in shares.items() if name != outlet]
        if not others or marked < MIN_ONE_SIDED or marked / checked < ONE_SIDED_SHARE:
            continue
        other_marked, other_checked = sum(m for m, _ in others), sum(c for _, c in others)
        if other_checked and (other_marked / other_checked) * ONE_SIDED_LEAD > marked / checked:
            continue
        out.append(Finding("one_sided", f"{outlet}: {marked} of its {checked} sentences read as one-sided background "
                                        f"or characterisation; the other outlets: {other_marked} of {other_checked}.",
                           "onesided", 0.55))
    return out


def tone(outlets) -> list[Finding]:
    """The widest gap in average tone between two outlets, when it is wide."""
    rated = [t for t in outlets if len(t.passages) >= MIN_TONE_PASSAGES]
    if len(rated) < 2:
        return []
    low, high = min(rated, key=lambda t: t.compound), max(rated, key=lambda t: t.compound)
    gap = high.compound - low.compound
    if gap < TONE_GAP:
        return []
    return [Finding("tone", f"{low.outlet} reads more negative than {high.outlet}: average sentiment "
                            f"{low.compound:+.2f} against {high.compound:+.2f} (VADER, −1 to +1, over "
                            f"{len(low.passages)} and {len(high.passages)} passages).", "tone", 0.4 + min(0.1, gap / 8))]


def rank(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: -f.strength)[:MAX_FINDINGS]


def event_findings(*, outlets: list[str], omitted_by: list[str], naming_rows, attribution, tone_rows,
                   one_sided_rows) -> list[Finding]:
    return rank(omission_in_event(omitted_by, outlets) + distancing(attribution) + naming(naming_rows)
                + one_sided(one_sided_rows) + tone(tone_rows))


def story_findings(*, coverage, independence, naming_rows, attribution, tone_rows, one_sided_rows) -> list[Finding]:
    return rank(omission_in_story(coverage) + copies(independence) + distancing(attribution) + naming(naming_rows)
                + one_sided(one_sided_rows) + tone(tone_rows))
