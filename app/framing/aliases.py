"""The alias table of the naming panel (data/aliases.txt): demonyms, capitals and seats of power
that name one state ("Moscow", "the Kremlin", "Russian"), government nouns and leader titles, and the
nouns that name one kind of act. A capital is the city itself where someone is in it or goes to it
("in London", "visit Paris"), and the state where it acts ("Moscow has rejected the plan")."""
from __future__ import annotations

from functools import lru_cache

from app.framing.common import read_sections

LOCATIVE = {"in", "at", "to", "from", "into", "outside", "across", "around", "near", "through", "throughout",
            "toward", "towards", "inside", "within", "via"}


@lru_cache(maxsize=1)
def tables():
    """(alias -> canonical, government nouns, leader titles, act phrase -> act label)."""
    sections = read_sections("aliases.txt")
    aliases, acts = {}, {}
    for line in sections.get("places and governments", []):
        name, _, rest = line.partition("=")
        for a in rest.split("|"):
            aliases[norm(a)] = name.strip()
    for line in sections.get("acts", []):
        name, _, rest = line.partition("=")
        for a in rest.split("|"):
            acts[a.strip().lower()] = name.strip()
    flat = lambda sec: {w.strip().lower() for line in sections.get(sec, []) for w in line.split("|")}  # noqa: E731
    return aliases, flat("government nouns"), flat("leader titles"), acts


@lru_cache(maxsize=1)
def capitals() -> frozenset[str]:
    """Aliases that are cities: read as the place, not the government, where someone is in or goes to them."""
    lines = read_sections("aliases.txt").get("capitals", [])
    return frozenset(w.strip().lower() for line in lines for w in line.split("|"))


@lru_cache(maxsize=1)
def administration_leaders() -> dict[str, tuple[str, str, str]]:
    """person key -> the state they head, from the table's "<surname> administration" aliases
    ("trump administration" is the United States): "the US president" can then be Trump."""
    return {f"person:{a.split()[0]}": (f"state:{s}", s, "state") for a, s in tables()[0].items()
            if a.endswith(" administration") and len(a.split()) == 2}


def norm(text: str) -> str:
    return text.lower().replace("’", "'").removesuffix("'s").strip(" .,'\"“”")


def country_of(tokens, aliases) -> str | None:
    text = " ".join(t.text for t in tokens)
    if norm(text) in aliases:
        return aliases[norm(text)]
    for n in (3, 2, 1):  # longest alias inside the tokens: "Russian Federation", "White House", "Russian"
        for i in range(len(tokens) - n + 1):
            piece = norm(" ".join(t.text for t in tokens[i:i + n]))
            if piece in aliases:
                return aliases[piece]
    return None


def as_place(head) -> bool:
    """A capital read as the city, not its government: "in London", "to Moscow", "visit Paris"."""
    return (head.dep_ == "pobj" and head.head.lower_ in LOCATIVE
            or head.dep_ == "dobj" and head.head.lemma_ in {"visit", "tour", "reach", "leave"})


def state_or_place(alias: str, label: str, head):
    """The state an alias names, or the city itself where a capital is the place someone is in or goes to."""
    aliases = tables()[0]
    if alias in capitals() and as_place(head):
        return f"other:{alias}", label, "other"
    return f"state:{aliases[alias]}", aliases[alias], "state"
