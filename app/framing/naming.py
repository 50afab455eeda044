"""Naming: how each outlet refers to the same actor, place or act ("the Russian dictatorship",
"the Kremlin", "Moscow", "Russian President Vladimir Putin" are all Russia's state; "unprovoked
invasion" and "military operation" are both the war). Mentions come from spaCy entities and noun
chunks; a shipped alias table (data/aliases.txt) maps demonyms, capitals and seats of power to one
referent, and government nouns and leader titles after a demonym mean the state. People are
referents of their own, apart from the states they lead: "Japanese Prime Minister Shinzo Abe",
"Abe" and, after the name, "the prime minister" are one person's row (a title of office before a
name teaches the outlet who "the president" or "the director" is); a leader only one outlet names
counts as its name for the state the title names, so the comparison stays between outlets. A name
the tagger read as an organisation joins the person of that surname; pronouns ("us") are never
referents. Definite common nouns ("the caravan", "the deal", "these migrants") are referents too,
keyed by the noun, when the story mentions them often from two outlets. Optional
`embed(texts) -> np.ndarray` merges leftover referents whose mentions read alike.

Measured against NewsWCL50's word-choice chains by bench/naming_quality.py."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from app.framing.common import JsonMixin, Span, by_outlet, read_sections, span_of
from app.framing.inputs import PassageIn

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"}
LEADING = {"the", "a", "an", "this", "these", "that", "those", "both", "its", "their", "his", "her"}
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


@dataclass(frozen=True)
class Mention:
    key: str
    label: str
    kind: str
    term: str
    span: Span


@lru_cache(maxsize=1)
def tables():
    """(alias -> canonical, government nouns, leader titles, act phrase -> act label)."""
    sections = read_sections("aliases.txt")
    aliases, acts = {}, {}
    for line in sections.get("places and governments", []):
        name, _, rest = line.partition("=")
        for a in rest.split("|"):
            aliases[_norm(a)] = name.strip()
    for line in sections.get("acts", []):
        name, _, rest = line.partition("=")
        for a in rest.split("|"):
            acts[a.strip().lower()] = name.strip()
    flat = lambda sec: {w.strip().lower() for line in sections.get(sec, []) for w in line.split("|")}  # noqa: E731
    return aliases, flat("government nouns"), flat("leader titles"), acts


def _trim(span):
    """Drop leading determiners/possessive pronouns and a trailing possessive 's."""
    toks = list(span)
    while toks and (toks[0].lower_ in LEADING or toks[0].is_punct):
        toks = toks[1:]
    while toks and (toks[-1].tag_ == "POS" or toks[-1].is_punct or toks[-1].lower_ in {"'s", "’s"}):
        toks = toks[:-1]
    return toks


def _norm(text: str) -> str:
    return text.lower().replace("’", "'").removesuffix("'s").strip(" .,'\"“”")


def _country_of(tokens, aliases) -> str | None:
    text = " ".join(t.text for t in tokens)
    if _norm(text) in aliases:
        return aliases[_norm(text)]
    for n in (3, 2, 1):  # longest alias inside the tokens: "Russian Federation", "White House", "Russian"
        for i in range(len(tokens) - n + 1):
            piece = _norm(" ".join(t.text for t in tokens[i:i + n]))
            if piece in aliases:
                return aliases[piece]
    return None


def _title_before(toks, head):
    """Title words before a name: inside the mention, or just before it ("US President" + "Donald Trump")."""
    before = [t for t in toks if t.i < head.i]
    t = toks[0].i - 1
    doc = head.doc
    while t >= 0 and doc[t].dep_ in {"compound", "amod", "nmod"} and not doc[t].is_punct and toks[0].i - t < 5:
        before.insert(0, doc[t])
        t -= 1
    return before


def _resolve(toks, head, ent, people: dict[str, tuple[str, str, str]]):
    """(key, label, kind) of a trimmed mention, or None when it names nothing we track."""
    aliases, gov, titles, acts = tables()
    if all(t.pos_ == "PRON" for t in toks):
        return None  # "us", "we": never a country
    text = _norm(" ".join(t.text for t in toks))
    if text in aliases:
        return f"state:{aliases[text]}", aliases[text], "state"
    lemma = head.lemma_.lower()
    last2 = _norm(" ".join(t.text for t in toks[-2:]))
    last3 = _norm(" ".join(t.text for t in toks[-3:]))
    for phrase in (last3, last2, lemma, head.lower_):
        if phrase in acts and head.pos_ == "NOUN":
            return f"act:{acts[phrase]}", acts[phrase], "act"
    surname = _norm(head.text)
    if head.pos_ == "PROPN" and surname in people:  # "Kelly" after "John Kelly", whatever NER says now
        return people[surname]
    if ent is not None and ent.label_ == "PERSON" or head.ent_type_ == "PERSON":
        before = _title_before(toks, head)
        whole = [t for t in ent if t.pos_ == "PROPN"] if ent is not None and ent.label_ == "PERSON" else []
        name = whole if head in whole else [head]  # the person's name without titles: "Shinzo Abe"
        people[surname] = (f"person:{surname}", " ".join(t.text for t in name), "person")
        words_before = {t.lower_ for t in before}
        if words_before & (titles | ROLES) and "vice" not in words_before:  # "the president" later is this person
            country = _country_of(before, aliases)
            for title in words_before & (titles | ROLES):
                people[f"title:{title}"] = people[surname]
                if country:
                    people[f"title:{country}:{title}"] = people[surname]
            if country:
                people[f"leads:{surname}"] = (f"state:{country}", country, "state")
        return people[surname]
    if text in gov:
        return None  # "State" in "Secretary of State"
    if lemma in titles | ROLES and head.pos_ == "NOUN":  # "the president", "the Russian president", no name
        country = _country_of(toks, aliases)
        known = people.get(f"title:{country}:{lemma}") if country else people.get(f"title:{lemma}")
        if known:
            return known
    if lemma in gov or lemma in titles or text in gov:
        country = _country_of(toks, aliases)
        if country:
            return f"state:{country}", country, "state"
    if ent is not None and ent.label_ in {"ORG", "GPE", "LOC", "FAC"} and head.pos_ == "PROPN":
        # Keyed by the entity, not the whole noun chunk: "Pharmaceutical giant Merck" is Merck's row,
        # with the description kept as that outlet's expression.
        name_toks = _trim(ent) or toks
        name = _norm(" ".join(t.text for t in name_toks))
        country = aliases.get(text) or aliases.get(name)
        if country:
            return f"state:{country}", country, "state"
        kind = "organisation" if ent.label_ == "ORG" else "other"
        return f"{kind}:{name}", " ".join(t.text for t in name_toks), kind
    return None


# Titles of office that name a person, never a state ("FBI Director James Comey" ... "the director").
ROLES = {"director", "secretary", "senator", "governor", "speaker", "chairman", "chairwoman", "mayor", "sheriff",
         "ambassador", "judge", "attorney", "spokesman", "spokeswoman", "nominee", "candidate", "chief"}
DEFINITE = {"the", "this", "these", "those"}
COMMON_MIN_MENTIONS = 4  # a common-noun referent needs this many mentions in the story, from two outlets
GENERIC_ZIPF = 5.5  # nouns commoner than this in English ("time", "people", "year") name nothing in particular


def _common_referent(span, toks, head):
    """A definite common noun ("the caravan", "the deal", "these migrants") or a bare plural
    ("migrants") as a referent of its own, keyed by the noun's lemma; generic nouns are left out."""
    from wordfreq import zipf_frequency

    if head.pos_ != "NOUN" or head.ent_type_ or not head.is_alpha or any(t.dep_ == "poss" for t in span):
        return None  # "the Kremlin's responsibility" is the Kremlin's
    definite = span[0].lower_ in DEFINITE
    if not (definite or head.tag_ == "NNS" and len(toks) <= 2):
        return None
    lemma = head.lemma_.lower()
    if zipf_frequency(lemma, "en") > GENERIC_ZIPF:
        return None
    return f"thing:{lemma}", f"the {lemma}", "thing"


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
    candidates += [(ent, ent.root) for ent in doc.ents if ent.label_ in ENTITY_LABELS]
    for span, head in candidates:
        if head.i in covered:
            continue
        toks = _trim(span)
        if not toks or head not in toks:
            continue
        ent = next((e for e in doc.ents if e.start <= head.i < e.end), None)
        if ent is not None and ent.label_ == "NORP" and head.i == ent.root.i and len(toks) <= 2:
            continue  # "Russian" alone as an adjective or a people: not a name for the state
        if ent is not None and any(t.tag_ == "POS" for t in ent):
            cut = next(t.i for t in ent if t.tag_ == "POS")
            toks = [t for t in toks if t.i < cut] if head.i >= cut else toks
            head = toks[-1] if head.i >= cut and toks else head
            if not toks:
                continue
        resolved = _resolve(toks, head, ent, people) or _common_referent(span, toks, head)
        if resolved is None:
            continue
        key, label, kind = resolved
        if kind == "act" and any(t.tag_ == "POS" for t in toks):  # "Russia's invasion": the act is "invasion"
            toks = toks[max(i for i, t in enumerate(toks) if t.tag_ == "POS") + 1:]
        if kind == "thing" and any(t.pos_ == "PROPN" or t.ent_type_ for t in toks):
            # "the Trump campaign": the campaign, and Trump stays free to be a mention of his own
            toks = toks[max(i for i, t in enumerate(toks) if t.pos_ == "PROPN" or t.ent_type_) + 1:]
            if head not in toks:
                continue
        if kind in ("organisation", "other") and ent is not None:
            # A name the parser cut into chunks ("The U.S. Court" / "Appeals" / ...): one mention, the whole
            # name with the chunk's own words ("5th U.S. Circuit Court of Appeals").
            whole = _trim(ent) or toks
            toks = list(doc[min(toks[0].i, whole[0].i):max(toks[-1].i, whole[-1].i) + 1])
            covered.update(t.i for t in ent)
        start, end = toks[0].idx, toks[-1].idx + len(toks[-1].text)
        found.append(Mention(key, label, kind, passage.text[start:end], span_of(passage, start, end)))
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
                        groups: dict[str, list[PassageIn]]) -> None:
    """For each outlet with no recognised mention of a referent that other outlets name, the places
    where its text uses a name they used for it: the parser's reading can hide a name ("The Texas
    law" is read as the law; "Trump" tagged as an organisation), and the table must not say "not
    mentioned" of an outlet whose passage names it. Names only (a capital letter), whole words,
    case as written; for a person the surname too."""
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
                 for p in ps for m in pattern.finditer(p.text)]
        if found:
            by[outlet] = found


def _one_row_per_person(per_outlet: dict[str, list[Mention]]) -> dict[str, list[Mention]]:
    """A name the tagger read as an organisation or a place in one sentence ("Trump" as ORG) joins
    the person of that surname that any outlet of the story names."""
    people = {m.key.split(":", 1)[1]: m for ms in per_outlet.values() for m in ms if m.kind == "person"}
    out = {}
    for outlet, ms in per_outlet.items():
        fixed = []
        for m in ms:
            name = m.key.split(":", 1)[1] if m.kind in ("organisation", "other") else ""
            person = people.get(name) or people.get(name.split()[-1]) if name else None
            if person is not None and len(name.split()) <= 3:
                m = Mention(person.key, person.label, "person", m.term, m.span)
            fixed.append(m)
        out[outlet] = fixed
    return out


def _lone_leaders_as_their_state(per_outlet: dict[str, list[Mention]], leads: dict[str, tuple[str, str, str]],
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


def analyse_naming(passages: list[PassageIn], docs: dict, *, embed=None, min_outlets: int = 2) -> list[NamingRow]:
    """Table rows: one referent, each outlet's expressions for it with counts and spans."""
    groups = by_outlet(passages)
    per_outlet: dict[str, list[Mention]] = {}
    leads: dict[str, tuple[str, str, str]] = {}  # person key -> the state a title says they lead
    for outlet, ps in groups.items():
        # surname -> person; "title:president" -> the person so titled; "leads:putin" -> their state
        people: dict[str, tuple[str, str, str]] = {}
        per_outlet[outlet] = [m for p in ps for m in mentions(p, docs[p.id], people)]
        leads |= {f"person:{k.removeprefix('leads:')}": v for k, v in people.items() if k.startswith("leads:")}
    if embed is not None:
        merged = _merge_by_embedding([m for ms in per_outlet.values() for m in ms], embed)
        it = iter(merged)
        per_outlet = {o: [next(it) for _ in ms] for o, ms in per_outlet.items()}
    per_outlet = _one_row_per_person(per_outlet)
    per_outlet = _lone_leaders_as_their_state(per_outlet, leads, min(min_outlets, len(groups)))
    rows: dict[str, dict[str, list[Mention]]] = {}
    labels: dict[str, tuple[str, str]] = {}
    for outlet, ms in per_outlet.items():
        for m in ms:
            rows.setdefault(m.key, {}).setdefault(outlet, []).append(m)
            if m.kind == "person" and len(m.label) > len(labels.get(m.key, ("", ""))[0]) or m.key not in labels:
                labels[m.key] = (m.label, m.kind)
    need = min(min_outlets, len(groups))
    out = []
    for key, by in rows.items():
        if len(by) < need:
            continue
        if key.startswith("thing:") and (len(by) < 2 or sum(map(len, by.values())) < COMMON_MIN_MENTIONS):
            continue
        _add_plain_mentions(key, labels[key], by, groups)
        terms = {}
        for outlet, ms in by.items():
            c = Counter(_norm(m.term) for m in ms)
            terms[outlet] = [Term(next(m.term for m in ms if _norm(m.term) == t), n,
                                  [m.span for m in ms if _norm(m.term) == t][:SPANS_PER_TERM]) for t, n in c.most_common()]
        tops = {_norm(ts[0].term) for ts in terms.values()}
        out.append(NamingRow(labels[key][0], labels[key][1], terms, len(by), len(tops) > 1))
    kinds = {"state": 0, "act": 1, "person": 2, "organisation": 3, "other": 4, "thing": 5}
    out.sort(key=lambda r: (-r.outlets, kinds[r.kind], -sum(len(v) for v in r.terms.values())))
    return out
