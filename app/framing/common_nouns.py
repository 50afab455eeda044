"""Common-noun referents for the naming panel: a definite common noun ("the caravan", "the deal",
"these migrants", "Trump's campaign") names one thing of the story, keyed by the noun's lemma; the members of a
collective ("the migrant caravan", "a caravan of immigrants", "the caravan's members", "members of the
caravan") are named by the same row as the collective, so "the caravan" and "the migrants" line up as
two outlets' names for one group."""
from __future__ import annotations

from app.framing.common import zipf

DEFINITE = {"the", "this", "these", "those"}
COMMON_MIN_MENTIONS = 4  # a common-noun referent needs this many mentions in the story, from two outlets
GENERIC_ZIPF = 5.5  # nouns commoner than this in English ("time", "people", "year") name nothing in particular
# Nouns for a body of people moving or acting together: its members' plural names the same group.
COLLECTIVES = {"caravan", "convoy", "crowd", "delegation", "column", "flotilla", "horde", "throng", "contingent",
               "procession", "mob", "band", "exodus"}
MEMBERS = {"member", "participant"}  # "the caravan's members", "members of the caravan": the caravan's people


def common_referent(span, toks, head):
    """A definite common noun ("the caravan", "the deal", "these migrants") or a bare plural
    ("migrants", "Central American migrants") as a referent of its own, keyed by the noun's lemma;
    generic nouns are left out. An indefinite one ("a caravan", "a lawsuit") is keyed "thing-a:":
    it joins the row of the definite noun where the story has one (join_story_referents), else
    nothing, so "a statement" four times makes no row."""
    if head.pos_ != "NOUN" or head.ent_type_ or not head.is_alpha or len(head.text) < 3:
        return None
    definite = span[0].lower_ in DEFINITE or any(t.dep_ == "poss" for t in span)  # "Trump's campaign" too
    indefinite = span[0].lower_ in ("a", "an") and head.tag_ == "NN"
    if not (definite or indefinite or head.tag_ == "NNS"):
        return None
    lemma = head.lemma_.lower()
    if lemma in MEMBERS and head.tag_ == "NNS" and (whole := _collective_of(head)):
        return f"thing:{whole}", f"the {whole}", "thing"
    if zipf(lemma) > GENERIC_ZIPF:
        return None
    return ("thing-a:" if indefinite else "thing:") + lemma, f"the {lemma}", "thing"


def _collective_of(head) -> str | None:
    """The collective whose members a plural names: its owner ("the caravan's members", "caravan
    participants") or what they are members of ("members of the caravan")."""
    owners = [c for c in head.children if c.dep_ in ("poss", "compound")]
    owners += [g for c in head.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    return next((o.lemma_.lower() for o in owners if o.pos_ == "NOUN" and o.lemma_.lower() in COLLECTIVES), None)


def thing_words(toks, head):
    """The words of a common-noun mention that name the thing: not a count before it ("More than 150
    migrants": migrants) nor an owner ("the Trump campaign", "Trump's campaign": campaign), so the
    owner stays free to be a mention of its own."""
    counts = [i for i, t in enumerate(toks) if t.pos_ == "NUM" or t.lower_ in {"than", "more", "some", "about"}]
    toks = toks[max(counts) + 1:] if counts else toks
    owners = [i for i, t in enumerate(toks)
              if t.i != head.i and (t.pos_ == "PROPN" or t.ent_type_ or t.tag_ == "POS" or t.dep_ == "poss")]
    return toks[max(owners) + 1:] if owners else toks


def members_of_collectives(docs) -> dict[str, str]:
    """member key -> collective key, from the story's own phrases: "migrant caravan" and "caravan of
    migrants" say the migrants are the caravan. A member noun claimed by two collectives stays apart."""
    found: dict[str, set[str]] = {}
    for doc in docs:
        low = doc.text.lower()
        if not any(c in low for c in COLLECTIVES):
            continue  # most passages have none: no need to walk their tokens
        for t in doc:
            if t.pos_ != "NOUN" or t.lemma_.lower() not in COLLECTIVES:
                continue
            members = [c for c in t.children if c.dep_ in ("compound", "amod") and c.pos_ in ("NOUN", "ADJ")]
            members += [g for c in t.children if c.dep_ == "prep" and c.lower_ == "of"
                        for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN" and g.tag_ == "NNS"]
            for m in members:
                if m.is_alpha and not m.ent_type_:
                    found.setdefault(f"thing:{m.lemma_.lower()}", set()).add(f"thing:{t.lemma_.lower()}")
    return {m: next(iter(cs)) for m, cs in found.items() if len(cs) == 1}
