"""Naming: how each outlet refers to the same actor, place or act ("the Russian dictatorship",
"the Kremlin", "Moscow", "Russian President Vladimir Putin" are all Russia's state; "unprovoked
invasion" and "military operation" are both the war). Mentions come from spaCy entities and noun
chunks; a shipped alias table (aliases.py, data/aliases.txt) maps demonyms, capitals and seats of
power to one referent, and government nouns and leader titles after a demonym mean the state; a
capital someone is in or goes to is the city. People are referents of their own, apart from the
states they lead (people.py): "Japanese Prime Minister Shinzo Abe", "Abe", "Mr. Abe" and "the
prime minister" are one person's row, and "the US president" is President Trump's where the story (or
the alias table's "Trump administration") makes him the United States'. Pronouns ("us") are never referents. Definite common nouns
("the caravan", "the deal", "these migrants") are referents too when the story mentions them often
from two outlets (common_nouns.py). Story-wide joins (referents.py) then put a name the tagger
misread, initials, "the North" and a collective's members in the row the rest of the story gives
them. Optional `embed(texts) -> np.ndarray` merges leftover referents whose mentions read alike.

Measured against NewsWCL50's word-choice chains by bench/naming_quality.py."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from app.framing.aliases import administration_leaders, capitals, country_of, norm, state_or_place, tables
from app.framing.common import JsonMixin, Span, by_outlet, span_of
from app.framing.common_nouns import COMMON_MIN_MENTIONS, common_referent, members_of_collectives, thing_words
from app.framing.inputs import PassageIn
from app.framing.people import (
    NOT_NAMES,
    ROLES,
    lone_leaders_as_their_state,
    register_person,
    register_titles,
    resolve_titles,
    surname_mentions,
    surname_of,
    title_fallback,
)
from app.framing.referents import Mention, join_story_referents

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"}
LEADING = {"the", "a", "an", "this", "these", "that", "those", "both", "its", "their", "his", "her", "no", "any", "all",
           "some", "many", "other"}
SPANS_PER_TERM = 20  # highlights kept per expression and outlet: enough to point at, a bounded page
EXPLAIN_ROW = "how many times each outlet used each expression for this referent"


@dataclass(frozen=True)
class Term(JsonMixin):
    term: str
    count: int
    spans: list[Span] = field(default_factory=list)


@dataclass(frozen=True)
class NamingRow(JsonMixin):
    referent: str
    kind: str  # "state" (country, government), "person", "organisation", "act", "other", "thing" (common noun)
    terms: dict[str, list[Term]]  # outlet -> its expressions, most used first
    outlets: int  # outlets that mention the referent
    varied: bool  # True when the outlets' main expressions differ
    explain: str = EXPLAIN_ROW


def _trim(span):
    """Drop leading determiners/possessive pronouns and a trailing possessive 's."""
    toks = list(span)
    while toks and (toks[0].lower_ in LEADING or toks[0].is_punct):
        toks = toks[1:]
    while toks and (toks[-1].tag_ == "POS" or toks[-1].is_punct or toks[-1].lower_ in {"'s", "’s"}):
        toks = toks[:-1]
    return toks


def _resolve(toks, head, ent, people: dict[str, tuple[str, str, str]]):
    """(key, label, kind) of a trimmed mention, or None when it names nothing we track. A title with
    no name ("the president") is kind "title", keyed by the title: resolve_titles names its holder."""
    aliases, gov, titles, acts = tables()
    if all(t.pos_ == "PRON" for t in toks):
        return None  # "us", "we": never a country
    text = norm(" ".join(t.text for t in toks))
    if text not in aliases and head.ent_type_ == "NORP" and head.tag_ in ("NNPS", "NNS") and text[:-1] in aliases:
        text = text[:-1]  # "the Russians", "Americans": the country's people
    if text in aliases:
        return state_or_place(text, " ".join(t.text for t in toks), head)
    lemma = head.lemma_.lower()
    last2 = norm(" ".join(t.text for t in toks[-2:]))
    last3 = norm(" ".join(t.text for t in toks[-3:]))
    for phrase in (last3, last2, lemma, head.lower_):
        if phrase in acts and head.pos_ == "NOUN":
            return f"act:{acts[phrase]}", acts[phrase], "act"
    surname = surname_of(head)
    known = people.get(surname) or people.get(f"word:{surname}")
    # "Kelly" after "John Kelly"; "Trump has..." at a sentence start, which the tagger reads as a noun
    if known and head.ent_type_ not in NOT_NAMES and (head.pos_ == "PROPN" or head.pos_ == "NOUN" and head.is_title):
        return register_titles(toks, head, known, people, titles)
    if surname in capitals():
        return None  # a city is no one's surname: "Breitbart London" read as a person
    if ent is not None and ent.label_ == "PERSON" or head.ent_type_ == "PERSON":
        return register_person(toks, head, ent, surname, people, titles)
    if text in gov:
        return None  # "State" in "Secretary of State"
    if lemma in titles | ROLES and head.pos_ in ("NOUN", "PROPN"):  # "the president", "the Russian president"
        country = country_of(toks, aliases)
        return (f"title:{country}:{lemma}" if country else f"title:{lemma}"), lemma, "title"
    if lemma in gov or text in gov:
        country = country_of(toks, aliases)
        if country:
            return f"state:{country}", country, "state"
        owner = next((t for t in toks if t.dep_ == "poss" and t.pos_ == "PROPN"), None)  # "Abe's government"
        led = people.get(f"leads:{surname_of(owner)}") if owner is not None else None
        if led:
            return led
    if ent is not None and ent.label_ in {"ORG", "GPE", "LOC", "FAC"} and head.pos_ == "PROPN":
        # Keyed by the entity, not the whole noun chunk: "Pharmaceutical giant Merck" is Merck's row,
        # with the description kept as that outlet's expression.
        name_toks = _trim(ent) or toks
        name = norm(" ".join(t.text for t in name_toks))
        label = " ".join(t.text for t in name_toks)
        if name in aliases:
            return state_or_place(name, label, head)
        kind = "organisation" if ent.label_ == "ORG" else "other"
        return f"{kind}:{name}", label, kind
    if head.ent_type_ == "NORP" and head.tag_ in ("NNPS", "NNS"):  # "Democrats": a party or a people, as a group
        return f"organisation:{norm(head.text)}", head.text, "organisation"
    return None


def _split_coordination(chunk):
    """Noun chunks the parser glued across "and" ("U.S. President Donald Trump and Russian President
    Vladimir Putin") -> one (span, head) per conjunct; a piece's head is its last token."""
    # Not inside a name: "the Food and Drug Administration" is one referent.
    cuts = [t.i for t in chunk if (t.dep_ == "cc" or t.text == ",") and t.ent_iob_ != "I"]
    if not cuts:
        return [(chunk, chunk.root)]
    doc, bounds, start = chunk.doc, [], chunk.start
    for c in cuts + [chunk.end]:
        if c > start:
            bounds.append((start, c))
        start = c + 1
    return [(doc[s:e], doc[e - 1]) for s, e in bounds]


def mentions(passage: PassageIn, doc, people: dict[str, tuple[str, str, str]]) -> list[Mention]:
    """Referent mentions in one passage: noun chunks first, then entities they did not cover."""
    found: list[Mention] = []
    covered: set[int] = set()
    candidates = [piece for chunk in doc.noun_chunks for piece in _split_coordination(chunk)]
    # an owner inside a noun chunk: "the president" of "the president's words"
    candidates += [(doc[t.left_edge.i:t.i + 1], t) for t in doc if t.dep_ == "poss" and t.pos_ in ("NOUN", "PROPN")]
    ents = doc.ents
    ent_at = {i: e for e in ents for i in range(e.start, e.end)}
    candidates += [(ent, ent.root) for ent in ents if ent.label_ in ENTITY_LABELS]
    for span, head in candidates:
        if head.i in covered:
            continue
        toks = _trim(span)
        if not toks or head not in toks:
            continue
        ent = ent_at.get(head.i)
        if ent is not None and ent.label_ == "NORP" and head.i == ent.root.i and len(toks) <= 2 \
                and head.tag_ not in ("NNPS", "NNS"):
            continue  # "Russian" alone as an adjective: not a name for the state ("the Russians" is)
        if ent is not None and any(t.tag_ == "POS" for t in ent):
            cut = next(t.i for t in ent if t.tag_ == "POS")
            toks = [t for t in toks if t.i < cut] if head.i >= cut else toks
            head = toks[-1] if head.i >= cut and toks else head
            if not toks:
                continue
        resolved = _resolve(toks, head, ent, people) or common_referent(span, toks, head)
        if resolved is None:
            continue
        key, label, kind = resolved
        if kind in ("act", "title") and any(t.tag_ == "POS" for t in toks):  # "Russia's invasion": the act is "invasion"
            toks = toks[max(i for i, t in enumerate(toks) if t.tag_ == "POS") + 1:]
        if kind == "thing":
            toks = thing_words(toks, head)
            if head not in toks:
                continue
        if kind in ("organisation", "other") and ent is not None:
            # A name the parser cut into chunks ("The U.S. Court" / "Appeals" / ...): one mention, the whole
            # name with the chunk's own words ("5th U.S. Circuit Court of Appeals").
            whole = _trim(ent) or toks
            toks = list(doc[min(toks[0].i, whole[0].i):max(toks[-1].i, whole[-1].i) + 1])
            covered.update(t.i for t in ent)
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        fallback = title_fallback(span, toks, head) if kind == "title" else None
        found.append(Mention(key, label, kind, passage.text[start:end], span_of(passage, start, end), fallback))
        covered.update(t.i for t in toks)
    return sorted(found, key=lambda m: m.span.start)


def _merge_by_embedding(all_mentions: list[Mention], embed) -> list[Mention]:
    """Merge person/organisation/other referents into another referent when their mentions embed close."""
    import numpy as np

    keys = sorted({m.key for m in all_mentions})
    texts = {k: next(m.term for m in all_mentions if m.key == k) for k in keys}
    vecs = np.asarray(embed([texts[k] for k in keys]), dtype=float)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-9
    sims = vecs @ vecs.T
    target = {}
    for i, k in enumerate(keys):
        if k.startswith(("state:", "act:")):
            continue
        j = max((j for j in range(len(keys)) if j != i), key=lambda j: sims[i, j], default=None)
        if j is not None and sims[i, j] >= 0.85:
            target[k] = keys[j]
    labels = {m.key: (m.label, m.kind) for m in all_mentions}
    out = []
    for m in all_mentions:
        k = target.get(m.key, m.key)
        out.append(Mention(k, labels[k][0], labels[k][1], m.term, m.span) if k != m.key else m)
    return out


def _add_plain_mentions(key: str, label: tuple[str, str], by: dict[str, list[Mention]],
                        groups: dict[str, list[PassageIn]], taken: set[tuple[int, int, int]]) -> None:
    """For each outlet with no recognised mention of a referent that other outlets name, the places
    where its text uses a name they used for it: the parser's reading can hide a name ("The Texas
    law" is read as the law; "Trump" tagged as an organisation), and the table must not say "not
    mentioned" of an outlet whose passage names it. Names only (a capital letter), whole words,
    case as written, not where another row has a mention of just that name (`taken`: passage id,
    start, end); for a person the surname too."""
    names = {m.term for ms in by.values() for m in ms} | {label[0]}
    if label[1] == "person":
        names.add(label[0].split()[-1])
    names = sorted((n for n in names if len(n) > 1 and any(c.isupper() for c in n)), key=lambda n: (-len(n), n))
    if not names:
        return
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
    for outlet, ps in groups.items():
        if outlet in by:
            continue
        found = [Mention(key, label[0], label[1], m.group(), span_of(p, m.start(), m.end()))
                 for p in ps for m in pattern.finditer(p.text) if (p.id, m.start(), m.end()) not in taken]
        if found:
            by[outlet] = found


def analyse_naming(passages: list[PassageIn], docs: dict, *, embed=None, min_outlets: int = 2) -> list[NamingRow]:
    """Table rows: one referent, each outlet's expressions for it with counts and spans."""
    groups = by_outlet(passages)
    found: dict[str, tuple[list[Mention], dict[str, tuple[str, str, str]]]] = {}
    leads: dict[str, tuple[str, str, str]] = {}  # person key -> the state a title says they lead
    for outlet, ps in groups.items():
        # surname -> person; "title:president" -> the person so titled; "leads:putin" -> their state
        people: dict[str, tuple[str, str, str]] = {}
        found[outlet] = [m for p in ps for m in mentions(p, docs[p.id], people)], people
        leads |= {f"person:{k.removeprefix('leads:')}": v for k, v in people.items() if k.startswith("leads:")}
    known = administration_leaders() | leads  # and whom the alias table makes a state's head
    per_outlet = {outlet: resolve_titles(ms, people, known) for outlet, (ms, people) in found.items()}
    if embed is not None:
        merged = _merge_by_embedding([m for ms in per_outlet.values() for m in ms], embed)
        it = iter(merged)
        per_outlet = {o: [next(it) for _ in ms] for o, ms in per_outlet.items()}
    per_outlet = join_story_referents(per_outlet, members_of_collectives(docs[p.id] for p in passages))
    per_outlet = surname_mentions(per_outlet, groups, docs)
    per_outlet = lone_leaders_as_their_state(per_outlet, leads, min(min_outlets, len(groups)))
    rows: dict[str, dict[str, list[Mention]]] = {}
    labels: dict[str, tuple[str, str]] = {}
    for outlet, ms in per_outlet.items():
        for m in ms:
            rows.setdefault(m.key, {}).setdefault(outlet, []).append(m)
            if m.kind == "person" and len(m.label) > len(labels.get(m.key, ("", ""))[0]) or m.key not in labels:
                labels[m.key] = (m.label, m.kind)
    need = min(min_outlets, len(groups))
    taken = {(m.span.passage_id, m.span.start, m.span.end) for ms in per_outlet.values() for m in ms}
    out = []
    for key, by in rows.items():
        if len(by) < need:
            continue
        if key.startswith("thing:") and (len(by) < 2 or sum(map(len, by.values())) < COMMON_MIN_MENTIONS):
            continue
        _add_plain_mentions(key, labels[key], by, groups, taken)
        terms = {}
        for outlet, ms in by.items():
            c = Counter(norm(m.term) for m in ms)
            terms[outlet] = [Term(next(m.term for m in ms if norm(m.term) == t), n,
                                  [m.span for m in ms if norm(m.term) == t][:SPANS_PER_TERM]) for t, n in c.most_common()]
        tops = {norm(ts[0].term) for ts in terms.values()}
        out.append(NamingRow(labels[key][0], labels[key][1], terms, len(by), len(tops) > 1))
    kinds = {"state": 0, "act": 1, "person": 2, "organisation": 3, "other": 4, "thing": 5}
    out.sort(key=lambda r: (-r.outlets, kinds[r.kind], -sum(len(v) for v in r.terms.values())))
    return out
