"""People in the naming panel: a person is a referent of their own, apart from the state they lead.
A name is remembered by surname (not a suffix: "Roger J. Stone Jr." is Stone), by the other words
of the full name ("Mr. Kim" after "Kim Jong Un") and by the titles before it, so "the president"
is the first person the outlet called "President ...", before or after the name. A title nobody
holds is the state its demonym names ("the Russian president") or the common noun ("the director");
a leader only one outlet names stands for the state the title names."""
from __future__ import annotations

import re
from collections import Counter

from app.framing.aliases import country_of, norm, tables
from app.framing.common import span_of
from app.framing.common_nouns import common_referent
from app.framing.referents import Mention

SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
# what a surname never is, whatever else the tagger calls it: a date, a place or a number ("in May")
NOT_NAMES = {"DATE", "TIME", "GPE", "LOC", "FAC", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
# Titles of office that name a person, never a state ("FBI Director James Comey" ... "the director").
ROLES = {"director", "secretary", "senator", "governor", "speaker", "chairman", "chairwoman", "mayor", "sheriff",
         "ambassador", "judge", "attorney", "spokesman", "spokeswoman", "nominee", "candidate", "chief"}


def title_before(toks, head):
    """Title words before a name: inside the mention, or just before it ("US President" + "Donald Trump")."""
    before = [t for t in toks if t.i < head.i]
    t = toks[0].i - 1
    doc = head.doc
    while t >= 0 and doc[t].dep_ in {"compound", "amod", "nmod"} and not doc[t].is_punct and toks[0].i - t < 5:
        before.insert(0, doc[t])
        t -= 1
    return before


def surname_of(head) -> str:
    """The word a person is keyed by: the last name, not a suffix ("Roger J. Stone Jr." -> stone)."""
    doc = head.doc
    if norm(head.text) in SUFFIXES:
        prev = [t for t in doc[max(0, head.i - 2):head.i] if t.pos_ == "PROPN"]
        if prev:
            head = prev[-1]
    return norm(head.text)


def register_person(toks, head, ent, surname, people, titles):
    """The person a name mentions, remembered for later mentions: by surname, by the other words of
    the full name ("Kim" of "Kim Jong Un") and by the titles before it ("the president")."""
    aliases = tables()[0]
    whole = [t for t in ent if t.pos_ == "PROPN"] if ent is not None and ent.label_ == "PERSON" else []
    name = whole if head in whole else [head]  # the person's name without titles: "Shinzo Abe"
    people[surname] = person = (f"person:{surname}", " ".join(t.text for t in name), "person")
    for t in name:  # "Mr. Kim" after "Kim Jong Un"; a surname of its own ("Clinton") wins over it
        if t.is_alpha and len(t.text) > 2 and norm(t.text) not in SUFFIXES | aliases.keys():
            people.setdefault(f"word:{norm(t.text)}", person)
    return register_titles(toks, head, person, people, titles)


def register_titles(toks, head, person, people, titles):
    """The titles before a name ("U.S. President Donald Trump") make that person a holder of them."""
    aliases = tables()[0]
    surname = person[0].split(":", 1)[1]
    before = title_before(toks, head)
    words_before = {t.lower_ for t in before}
    if words_before & (titles | ROLES) and "vice" not in words_before:  # "the president" is this person
        country = country_of(before, aliases)
        for title in words_before & (titles | ROLES):  # "President Trump", "Russian President Putin"
            people[f"holder:title:{country}:{title}:{surname}" if country else f"holder:title:{title}:{surname}"] = person
            people[f"holder:title-any:{title}:{surname}"] = person
        if country:
            people[f"leads:{surname}"] = (f"state:{country}", country, "state")
    return person


def title_fallback(span, toks, head):
    """What a title means when the outlet names no one so titled: the state its demonym names ("the
    Russian president"), else the common noun ("the director")."""
    aliases, _, titles, _ = tables()
    country = country_of(toks, aliases)
    if country and head.lemma_.lower() in titles:
        return f"state:{country}", country, "state"
    return common_referent(span, toks, head)


def resolve_titles(ms: list[Mention], people: dict[str, tuple[str, str, str]],
                   leads: dict[str, tuple[str, str, str]] | None = None) -> list[Mention]:
    """One outlet's title mentions -> the person it gave that title ("President Trump" makes "the
    president" Trump, before or after): a title without a country goes first to those it gave the
    title without one, and of several holders to the one the outlet mentions most (the first on a
    tie), so "the president" stays Trump after "Russian President Putin"; a title with a country
    ("the US president") that the outlet gave no one with that country goes to those it gave the
    title whom `leads` (person key -> state: the story's "U.S. President Donald Trump", the alias
    table's "Trump administration") makes that country's; else the title's fallback reading (the
    state), else nothing."""
    mentioned = Counter(m.key for m in ms)
    out = []
    for m in ms:
        if m.kind == "title":
            holders = [v for k, v in people.items() if k.startswith(f"holder:{m.key}:")]
            if not holders and m.key.count(":") == 1:
                holders = [v for k, v in people.items() if k.startswith(f"holder:title-any:{m.label}:")]
            elif not holders and leads:  # "the US president" after "President Trump", whom the story makes US's
                country = m.key.split(":")[1]
                holders = [v for k, v in people.items() if k.startswith(f"holder:title-any:{m.label}:")
                           and leads.get(v[0], ("", ""))[1] == country]
            holder = max(holders, key=lambda h: mentioned[h[0]]) if holders else m.fallback
            if holder is None:
                continue
            m = Mention(*holder, m.term, m.span)
        out.append(m)
    return out


def lone_leaders_as_their_state(per_outlet: dict[str, list[Mention]], leads: dict[str, tuple[str, str, str]],
                                 need: int) -> dict[str, list[Mention]]:
    """A leader whom too few outlets name to make a row of their own ("Russian President Vladimir
    Putin" in one outlet while the others say "Moscow", "the Kremlin") counts as that outlet's name
    for the state the title says they lead: the comparison is then between outlets' names for it."""
    outlets = {}
    for outlet, ms in per_outlet.items():
        for m in ms:
            outlets.setdefault(m.key, set()).add(outlet)
    lone = {k: v for k, v in leads.items() if len(outlets.get(k, ())) < need}
    return {o: [Mention(*lone[m.key], m.term, m.span) if m.key in lone else m for m in ms]
            for o, ms in per_outlet.items()}


def surname_mentions(per_outlet: dict[str, list[Mention]], groups, docs) -> dict[str, list[Mention]]:
    """A person's surname wherever an outlet writes it as a name and no mention covers it ("[Trump]
    paused", a paragraph opening with a "Trump" the tagger missed): one row per person, whatever the
    tagger said. As a name means capitalised and read as a proper noun that is no date or place
    ("in May" is not Theresa May)."""
    people = {m.key.split(":", 1)[1]: m for ms in per_outlet.values() for m in ms if m.kind == "person"}
    names = sorted((n for n in people if len(n) > 2), key=lambda n: (-len(n), n))
    if not names:
        return per_outlet
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])", re.IGNORECASE)
    out = {}
    for outlet, ms in per_outlet.items():
        held: dict[int, list[tuple[int, int]]] = {}
        for m in ms:
            held.setdefault(m.span.passage_id, []).append((m.span.start, m.span.end))
        added = []
        for p in groups.get(outlet, []):
            for hit in pattern.finditer(p.text):
                a, b = hit.span()
                if not hit.group()[0].isupper() or any(s < b and a < e for s, e in held.get(p.id, ())):
                    continue
                tok = docs[p.id].char_span(a, b)
                if tok is None or tok.root.pos_ not in ("PROPN", "X") or tok.root.ent_type_ in NOT_NAMES:
                    continue
                person = people[hit.group().lower()]
                added.append(Mention(person.key, person.label, "person", hit.group(), span_of(p, a, b)))
        out[outlet] = ms + added
    return out
