"""Story-wide joins of the naming panel's referents: mentions that one outlet's sentence cannot
tie to a row (the tagger read "Trump" as an organisation, "Mr. Kim" was never given his full name,
"the D.N.C." is "the Democratic National Committee", "the North" is North Korea, "the migrants"
are "the caravan") join the row the story's other mentions give them. Pure functions on mentions."""
from __future__ import annotations

from dataclasses import dataclass

from app.framing.common import Span, zipf
from app.framing.common_nouns import COMMON_MIN_MENTIONS

SMALL_WORDS = {"of", "and", "for", "the", "on", "in", "at", "to", "&"}
COMPASS = {"north", "south", "east", "west"}
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir"}


@dataclass(frozen=True)
class Mention:
    key: str
    label: str
    kind: str
    term: str
    span: Span
    fallback: tuple[str, str, str] | None = None  # a title's reading when the outlet names no one so titled


def rekey(per_outlet: dict[str, list[Mention]], target: dict[str, str]) -> dict[str, list[Mention]]:
    """Mentions of each key in `target` move to the row of the key it maps to (its label and kind)."""
    info = {m.key: (m.label, m.kind) for ms in per_outlet.values() for m in ms}
    target = {k: v for k, v in target.items() if v in info and v != k}
    if not target:
        return per_outlet
    return {o: [Mention(target[m.key], *info[target[m.key]], m.term, m.span) if m.key in target else m for m in ms]
            for o, ms in per_outlet.items()}


def _name(key: str) -> str:
    return key.split(":", 1)[1]


def person_targets(keys: dict[str, set[str]]) -> dict[str, str]:
    """A name the tagger read as an organisation or a place in one sentence ("Trump" as ORG) joins the
    person of that surname; a person known by one word ("Mr. Kim", "Donald") joins the one person
    whose full name has that word ("Kim Jong Un", "Donald Trump"). keys: key -> the labels it had."""
    people = {_name(k): k for k in keys if k.startswith("person:")}
    out = {}
    for k in keys:
        if k.startswith(("organisation:", "other:")):
            name = _name(k)
            person = people.get(name) or people.get(name.split()[-1])
            if person is not None and len(name.split()) <= 3:
                out[k] = person
    words = {k: [_words(label) for label in keys[k]] for k in people.values()}
    for k in people.values():
        if any(len(ws) > 1 for ws in words[k]):
            continue
        word = _name(k)
        fuller = [p for p in people.values() if p != k and any(word in ws[:-1] for ws in words[p])]
        if len(fuller) == 1:
            out[k] = fuller[0]
    return out


def _words(label: str) -> list[str]:
    """A person's name as lower-case words without honorifics: "Mr. Kim Jong-un" -> kim, jong, un."""
    return [w for w in (w.lower().strip(".") for w in label.replace("-", " ").split()) if w not in HONORIFICS]


def _initials(label: str) -> str:
    return "".join(w[0] for w in label.replace("-", " ").split() if w.lower() not in SMALL_WORDS and w[0].isupper())


def acronym_targets(keys: dict[str, set[str]]) -> dict[str, str]:
    """An organisation written as its initials ("DNC", "D.N.C.") joins the row of its full name
    ("Democratic National Committee") when the story spells it out, else the undotted spelling."""
    named = {k: labels for k, labels in keys.items() if k.startswith(("organisation:", "other:"))}
    out = {}
    for k, labels in named.items():
        short = {label.replace(".", "") for label in labels if " " not in label}
        short = {s for s in short if 2 <= len(s) <= 6 and s.isalpha() and s.isupper()}
        if len(short) != 1:
            continue
        [acro] = short
        full = [f for f, ls in named.items() if f != k and any(" " in label and _initials(label) == acro for label in ls)]
        if len(full) == 1:
            out[k] = full[0]
        elif not full and "." in _name(k) and f"organisation:{acro.lower()}" in named:
            out[k] = f"organisation:{acro.lower()}"
    return out


def compass_targets(keys: dict[str, set[str]]) -> dict[str, str]:
    """"The North" or "the South" alone is the one state of the story named "North ..." ("North Korea")."""
    out = {}
    for k in keys:
        if k.startswith(("organisation:", "other:")) and _name(k) in COMPASS:
            states = [s for s in keys if s.startswith("state:") and _name(s).split()[0].lower() == _name(k)]
            if len(states) == 1:
                out[k] = states[0]
    return out


def party_targets(keys: dict[str, set[str]]) -> dict[str, str]:
    """"Democrats" or "Republicans" join the party the story names ("Democratic Party")."""
    parties = [k for k in keys if k.startswith("organisation:") and _name(k).endswith(" party")]
    out = {}
    for k in keys:
        if k.startswith("organisation:") and _name(k).endswith("s") and " " not in _name(k):
            match = [p for p in parties if _name(p).split()[0].startswith(_name(k)[:-1])]
            if len(match) == 1:
                out[k] = match[0]
    return out


def name_head_targets(keys: dict[str, set[str]]) -> dict[str, str]:
    """"The committee" or "the party" alone is the one organisation of the story whose name ends in
    that noun ("Democratic National Committee"); where two do, it stays a common noun."""
    orgs = {k: {label.split()[-1].lower() for label in labels if " " in label}
            for k, labels in keys.items() if k.startswith("organisation:")}
    out = {}
    for k in keys:
        if k.startswith(("thing:", "thing-a:")):
            match = [o for o, heads in orgs.items() if _name(k) in heads]
            if len(match) == 1:
                out[k] = match[0]
    return out


def compound_targets(keys: dict[str, set[str]]) -> dict[str, str]:
    """A common noun that is the end of a closed compound the story also uses ("the suit" and "the
    lawsuit") joins the compound's row when what comes before is a word of its own ("law")."""
    things = [_name(k) for k in keys if k.startswith("thing:")]
    out = {}
    for short in things:
        longer = [w for w in things if w != short and w.endswith(short) and len(short) >= 4
                  and len(w) - len(short) >= 3 and zipf(w[:-len(short)]) >= 3.5]
        if len(longer) == 1:
            out[f"thing:{short}"] = f"thing:{longer[0]}"
    return out


def join_story_referents(per_outlet: dict[str, list[Mention]], members: dict[str, str]) -> dict[str, list[Mention]]:
    """All the story-wide joins above, then the members of a collective into its row, then an
    indefinite common noun into the row of the same noun made definite (or out)."""
    keys: dict[str, set[str]] = {}
    for ms in per_outlet.values():
        for m in ms:
            keys.setdefault(m.key, set()).add(m.label)
    compounds = compound_targets(keys)
    compounds |= {f"thing-a:{_name(k)}": v for k, v in compounds.items()}  # "a civil suit" ... "the lawsuit"
    per_outlet = rekey(per_outlet, person_targets(keys) | acronym_targets(keys) | compass_targets(keys)
                       | party_targets(keys) | compounds | name_head_targets(keys))
    per_outlet = rekey(per_outlet, {k: v for k, v in members.items() if k in keys and v in keys})
    definite: dict[str, list[str]] = {}  # "a caravan" ... "the caravan": only where the definite makes a row alone
    for o, ms in per_outlet.items():
        for m in ms:
            if m.key.startswith("thing:"):
                definite.setdefault(m.key, []).append(o)
    first = {f"thing-a:{_name(k)}": k for k, os in definite.items() if len(os) >= COMMON_MIN_MENTIONS and len(set(os)) >= 2}
    per_outlet = rekey(per_outlet, first)
    return {o: [m for m in ms if not m.key.startswith("thing-a:")] for o, ms in per_outlet.items()}
