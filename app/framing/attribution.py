"""Attribution: who is quoted or paraphrased, with which reporting verb, and what that verb
signals. "Kelly claimed" distances the reporter from Kelly's words where "Kelly said" does not;
"X explained" or "noted" presents the words as fact. Stance classes live in the editable
data/reporting_verbs.txt. Built on spaCy's dependency parse: the verb's subject is the speaker
(through relative clauses, conjunctions and "..., saying"), its clausal complement is the
content, quotation marks in the sentence are the quotes; a quote with no report of its own that
follows the last one closely (next sentence, paragraph or passage of the article, no other report
in between) continues that speaker's words; "he"/"she" is the person last named as the subject
of a main clause, else the last named speaker, else the last person named outside quotes; a role
("the senator said") is the person last named with that title ("Sen. Rubio"), else the last named
speaker; "the statement continued" is the last named speaker's statement. Flags: negated ("did not say", "denied"),
passive without agent ("it is claimed"), vague sources ("observers say"), words inside a quote."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from app.framing.common import JsonMixin, Span, by_outlet, read_sections, span_of
from app.framing.inputs import PassageIn
from app.framing.quotes import find_quotes

STANCES = ("neutral", "distancing", "endorsing", "emphatic")
VAGUE_HEADS = {"observer", "critic", "analyst", "expert", "source", "official", "people", "some", "many",
               "others", "commentator", "insider", "report", "reports", "diplomat", "someone", "person",
               "voice", "activist", "supporter", "opponent", "skeptic", "sceptic", "resident", "user", "most"}
HEARSAY_PASSIVE = {"believe", "think", "understand", "rumor", "rumour", "expect", "know", "see"}
HEARSAY_ADVERBS = {"reportedly": "neutral", "allegedly": "distancing", "purportedly": "distancing",
                   "supposedly": "distancing", "ostensibly": "distancing"}
CLAUSE_DEPS = {"ccomp", "xcomp", "parataxis"}
# Titles before a name ("Sen. Marco Rubio", "President Obama") and the role nouns they stand for, so
# "the senator said" is the senator the article named ("the four-term congressman" too).
TITLES = {"sen.": "senator", "senator": "senator", "rep.": "congressman", "representative": "congressman",
          "congressman": "congressman", "congresswoman": "congressman", "president": "president",
          "gov.": "governor", "governor": "governor", "speaker": "speaker", "secretary": "secretary",
          "sheriff": "sheriff", "leader": "leader", "chairman": "chairman", "chairwoman": "chairman",
          "mayor": "mayor", "judge": "judge", "minister": "minister", "justice": "justice"}
MEDIA_NOUNS = {"statement", "tweet", "post", "message", "release", "video", "op-ed", "email", "memo"}  # ...speak for its author
ROLE_ALIASES = {"lawmaker": "congressman", "congresswoman": "congressman", "chairwoman": "chairman"}
EXPLAIN_COUNTS = "number of attributions per stance class of the reporting verb (data/reporting_verbs.txt)"


@dataclass(frozen=True)
class Attribution(JsonMixin):
    speaker: str | None  # the speaker as named (a pronoun is resolved to the last named speaker)
    speaker_span: Span | None
    source: str  # "named" | "descriptive" | "pronoun" | "vague" | "unattributed"
    verb: str  # as written: "claimed", "pointed out", "according to", "allegedly"
    lemma: str
    verb_span: Span
    stance: str  # neutral | distancing | endorsing | emphatic
    negated: bool  # "did not say", "denied"
    passive: bool
    inside_quote: bool  # the report itself sits inside someone else's quote
    content: Span | None
    quotes: list[Span] = field(default_factory=list)
    nested_quotes: list[Span] = field(default_factory=list)  # quotes inside those quotes


@dataclass(frozen=True)
class OutletAttribution(JsonMixin):
    outlet: str
    attributions: list[Attribution]
    stance_counts: dict[str, int]
    verbs: dict[str, int]  # lemma -> times used
    speakers: dict[str, int]
    vague_or_unattributed: int
    unattributed_quotes: list[Span]
    explain: str = EXPLAIN_COUNTS


@dataclass(frozen=True)
class VerbEntry:
    stance: str
    negating: bool
    needs_clause: bool


@lru_cache(maxsize=1)
def verb_table() -> dict[str, VerbEntry]:
    table = {}
    for stance, lines in read_sections("reporting_verbs.txt").items():
        for line in lines:
            negating, needs = line.startswith("!"), line.endswith("+")
            table[line.strip("!+ ").lower()] = VerbEntry(stance, negating, needs)
    return table


def _verb_key(tok) -> tuple[str, list]:
    prt = [c for c in tok.children if c.dep_ == "prt"]
    if prt and f"{tok.lemma_.lower()} {prt[0].lower_}" in verb_table():
        return f"{tok.lemma_.lower()} {prt[0].lower_}", prt
    return tok.lemma_.lower(), []


def _subject(verb, quoted=lambda tok: False):
    """(subject token or None, passive). Walks up conj/advcl/xcomp; a relative clause's subject
    is the noun it modifies ("the spokesperson, who explained"). A subject inside a quote that the
    verb reports is the parser's mistake ("“..., China,” Mr. Trump wrote"): `quoted` skips it."""
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)
    for c in verb.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None), passive
    cur = verb
    for _ in range(4):
        # Up from an xcomp, the passive subject of a raising verb speaks: "the U.S. is set to announce".
        subj = next((c for c in cur.children if (c.dep_ == "nsubj" or cur is not verb and c.dep_ == "nsubjpass")
                     and not quoted(c)), None)
        if subj is not None and subj.lower_ in ("who", "which", "that") and cur.dep_ == "relcl":
            return cur.head, False
        if subj is not None:
            return subj, False
        if passive and cur is verb:
            return None, True
        if cur.dep_ in ("relcl", "acl") and cur.head.pos_ in ("NOUN", "PROPN"):
            return cur.head, False
        if cur.dep_ not in ("conj", "advcl", "xcomp") or cur.head is cur:
            break
        cur = cur.head
    return None, passive


def _speaker_tokens(subj):
    appos = next((c for c in subj.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if appos is not None and subj.ent_type_ != "PERSON":  # "the ... Representative, Vasily Nebenzya,"
        subj = appos
    toks = [t for t in subj.subtree if t.i <= subj.i and not t.is_punct]
    start = next((i for i, t in enumerate(toks) if t.dep_ not in ("det",)), 0)
    return toks[start:] or [subj]


def _source(toks, subj) -> str:
    if subj.pos_ == "PRON":
        return "pronoun"
    ents = {t.ent_type_ for t in toks}
    if subj.pos_ == "PROPN" or "PERSON" in ents:
        return "named"
    if subj.lemma_.lower() in VAGUE_HEADS and not ents & {"ORG", "GPE", "PERSON"}:
        return "vague"
    return "descriptive"


def _content(verb, passage, offset_end):
    kids = [c for c in verb.children if c.dep_ in CLAUSE_DEPS] or \
           [c for c in verb.children if c.dep_ in ("dobj", "prep") and c.i > verb.i]
    if not kids:
        return None
    toks = [t for k in kids for t in k.subtree]
    start, end = min(t.idx for t in toks), max(t.idx + len(t) for t in toks)
    return span_of(passage, start, min(end, offset_end))


def _closes_before(clause_start: int, outer) -> bool:
    """A quote closes just before the clause (“...,” she added)."""
    return any(0 <= clause_start - q.end <= 3 for q in outer)


def _introduces(verb, outer, clause_start: int) -> bool:
    """Whether a verb with other, non-reporting uses ("show", "add", "write") reports here: it takes
    a that-clause or speech ("data show that...", "he added, ..."), or a quote opens right after it
    ("added: “...") or closes just before its clause ("“...,” she added"); "call" when a quote is what
    it calls ("calling her tenure “negligent”", not "called for a vote"). A purpose clause ("must
    show a pass to enter") or a quote that is its object ("show a so-called “Green Pass”") is not one."""
    if any(c.dep_ in ("ccomp", "parataxis") for c in verb.children) or verb.dep_ == "parataxis":
        return True
    end = verb.idx + len(verb)
    if verb.lemma_.lower() == "call":  # "calling her tenure “dangerously negligent”": the quote is what it called
        last = max(t.idx + len(t) for t in verb.subtree)
        return any(end < q.start < last for q in outer)
    return any(0 <= q.start - end <= 3 for q in outer) or _closes_before(clause_start, outer)


def _reports(passage: PassageIn, doc, quotes) -> list[dict]:
    """Raw attribution records for one passage (speaker resolution happens per outlet)."""
    table, out = verb_table(), []
    outer = [q for q in quotes if q.depth == 0]
    for tok in doc:
        lower = tok.lower_
        if lower in HEARSAY_ADVERBS:
            sent = tok.sent
            out.append(dict(tok=tok, verb=tok.text, lemma=lower, stance=HEARSAY_ADVERBS[lower], subj=None,
                            passive=False, negated=False, span=(tok.idx, tok.idx + len(tok)),
                            content=span_of(passage, sent.start_char, sent.end_char)))
            continue
        if lower == "according" and any(c.dep_ == "prep" and c.lower_ == "to" for c in tok.children):
            prep = next(c for c in tok.children if c.lower_ == "to")
            subj = next((g for g in prep.children if g.dep_ == "pobj"), None)
            sent = tok.sent
            out.append(dict(tok=tok, verb="according to", lemma="according to", stance="neutral", subj=subj,
                            passive=False, negated=False, span=(tok.idx, prep.idx + len(prep)),
                            content=span_of(passage, sent.start_char, sent.end_char)))
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ == "amod":
            continue
        key, prt = _verb_key(tok)
        entry = table.get(key)
        verb_quoted = any(q.start < tok.idx < q.end for q in outer)
        subj, passive = _subject(tok, lambda t, skip=not verb_quoted: skip and any(q.start < t.idx < q.end for q in outer))
        if entry is None and not (key in HEARSAY_PASSIVE and passive and subj is None):
            continue
        sent = tok.sent
        quote_here = any(sent.start_char <= q.start < sent.end_char for q in outer)
        has_clause = any(c.dep_ in CLAUSE_DEPS for c in tok.children)
        if key in ("attempt", "purport") and not any(c.dep_ == "xcomp" for c in tok.children):
            continue
        clause_start = min(t.idx for t in tok.subtree)
        if entry is not None and entry.needs_clause and not _introduces(tok, outer, clause_start):
            continue
        quote_before = _closes_before(clause_start, outer)
        if entry is not None and not (has_clause or quote_here or quote_before or any(
                c.dep_ in ("dobj", "prep", "agent", "advcl") for c in tok.children)
                or tok.dep_ in ("relcl", "parataxis")):
            continue
        if passive and subj is None and not has_clause:
            continue  # "Russia was not acknowledged as the aggressor": a passive, not a hearsay report
        negated = any(c.dep_ == "neg" for c in tok.children) or bool(entry and entry.negating)
        end = (prt[0].idx + len(prt[0])) if prt else tok.idx + len(tok)
        verb_text = passage.text[tok.idx:end]
        if key == "attempt":
            verb_text += " to"
        out.append(dict(tok=tok, verb=verb_text, lemma=key, stance=entry.stance if entry else "neutral",
                        subj=subj, passive=passive, negated=negated, span=(tok.idx, end), clause=clause_start,
                        content=_content(tok, passage, sent.end_char)))
    return out


@dataclass
class _Thread:
    """The last attributed quote of an article, so a quote that follows it with no reporting verb
    in between (the next sentence, the next paragraph, the next passage) keeps its speaker."""

    record: dict | None = None
    gap: int = 0  # characters since that quote ended


CONTINUE_CHARS = 300  # a quote this close after the last one, with no report between, continues it


def _assign_quotes(passage, records, quotes, doc, thread: _Thread):
    """Each outer quote goes to the nearest report verb in its sentence (or one whose clause starts
    right after it), else to the previous quote's speaker when it continues it (CONTINUE_CHARS, no
    report verb in between, across sentences, paragraphs and passages), else it is unattributed. Inner quotes ride along. `thread` carries
    the last attributed quote from the previous passage of the article and is updated."""
    unattributed = []
    last_end = -thread.gap  # where the last attributed quote ended, in this passage's offsets
    for q in quotes:
        if q.depth > 0:
            continue
        first = doc.char_span(q.start, q.start + 1, alignment_mode="expand").sent
        final = doc.char_span(q.end - 1, q.end, alignment_mode="expand").sent
        here = [r for r in records if (first.start_char <= r["span"][0] < final.end_char
                                       or "clause" in r and _closes_before(r["clause"], [q]))
                and not (q.start < r["span"][0] < q.end)]
        inside = [r for r in here if r["content"] is not None
                  and r["content"].start <= q.start < r["content"].end]
        here = inside or here
        between = any(last_end < r["span"][0] < q.start for r in records if r is not thread.record)
        if here:
            target = min(here, key=lambda r: min(abs(r["span"][0] - q.start), abs(r["span"][0] - q.end)))
        elif thread.record is not None and not between and q.start - last_end < CONTINUE_CHARS:
            target = thread.record
        else:
            unattributed.append(q)
            continue
        # Spans, not offsets: a continued quote may lie in a later passage than its report.
        target.setdefault("quotes", []).append(span_of(passage, q.start, q.end))
        target.setdefault("nested", []).extend(span_of(passage, i.start, i.end) for i in quotes
                                               if i.depth > 0 and q.start < i.start < q.end)
        thread.record, last_end = target, q.end
    text_end = len(doc.text)
    if any(r["span"][0] > last_end for r in records if r is not thread.record):
        thread.record = None  # a report after the last quote: the next quote is someone else's
    thread.gap = text_end - last_end
    return unattributed


def _people(doc, quotes) -> list[tuple[int, str, str | None, bool]]:
    """(offset, surname, role, subject) of each person the text names outside quotes, in order; role
    is the title before the name ("Sen. Rubio": senator), if any; subject: the name is the subject
    of its sentence's main clause ("Pelosi did not agree with Ryan's assessment": Pelosi, not Ryan;
    not "Kelly claimed that Kyiv could ...": Kyiv is the subject of what Kelly claimed)."""
    out = []
    for e in doc.ents:
        if e.label_ != "PERSON" or any(q.depth == 0 and q.start <= e.start_char < q.end for q in quotes):
            continue
        before = [t for t in (doc[e.start - 2:e.start] if e.start >= 2 else doc[:e.start])]
        title = next((TITLES[t.lower_] for t in reversed([*before, e[0]]) if t.lower_ in TITLES), None)
        out.append((e.start_char, e[-1].text, title,
                    e.root.dep_ in ("nsubj", "nsubjpass") and e.root.head.dep_ == "ROOT"))
    named = {e.root.i for e in doc.ents}
    for t in doc:  # a main clause's subject the tagger missed as a person ("Pelosi did not agree")
        if (t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" and t.pos_ == "PROPN" and not t.ent_type_
                and t.i not in named
                and t.is_title and not any(q.depth == 0 and q.start <= t.idx < q.end for q in quotes)):
            out.append((t.idx, t.text, None, True))
    return sorted(out)


def _owner(subj) -> str | None:
    """The person whose statement or account speaks ("Trump's account"): the possessor's name."""
    poss = next((c for c in subj.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
    return poss.text if poss is not None else None


def _role(subj, toks) -> str | None:
    """The role a speaker is named by, with no name ("the senator", "the House speaker"), if any."""
    lemma = subj.lemma_.lower()
    role = ROLE_ALIASES.get(lemma, lemma)
    named = any(t.ent_type_ == "PERSON" for t in toks)
    return role if role in TITLES.values() and subj.pos_ in ("NOUN", "PROPN") and not named else None


def analyse_attribution(passages: list[PassageIn], docs: dict) -> list[OutletAttribution]:
    """Per outlet: every attribution with spans, and counts by stance, verb and speaker."""
    result = []
    for outlet, ps in by_outlet(passages).items():
        found: list[Attribution] = []
        loose: list[Span] = []
        last_named: str | None = None  # "he"/"she" -> the last person named outside quotes
        last_any: str | None = None  # "they" -> the last speaker of any kind
        last_person: str | None = None  # ...or, before any named speaker, the last person named
        last_subject: str | None = None
        titled: dict[str, str] = {}  # role -> the last person named with that title ("senator" -> "Rubio")
        article, thread = None, _Thread()
        for p in ps:
            if p.article_id != article:  # pronouns and quote threads never reach into another article
                article, thread, last_named, last_any, last_person = p.article_id, _Thread(), None, None, None
                last_subject = None
                titled = {}
            doc, quotes = docs[p.id], find_quotes(p.text)
            records = _reports(p, doc, quotes)
            loose += [span_of(p, q.start, q.end) for q in _assign_quotes(p, records, quotes, doc, thread)]
            people = _people(doc, quotes)
            for r in sorted(records, key=lambda r: r["span"][0]):
                while people and people[0][0] < r["span"][0]:
                    _, last_person, title, subject = people.pop(0)
                    if subject:
                        last_subject = last_person
                    if title:
                        titled[title] = last_person
                subj, speaker, speaker_span, source = r["subj"], None, None, "unattributed"
                if subj is not None and not (subj.lower_ == "it" and r["passive"]):
                    toks = _speaker_tokens(subj)
                    speaker_span = span_of(p, toks[0].idx, toks[-1].idx + len(toks[-1]))
                    speaker, source = speaker_span.text, _source(toks, subj)
                    if source == "pronoun" and subj.lower_ in ("he", "she") and (last_subject or last_person):
                        speaker = last_subject or last_named or last_person
                    elif source == "pronoun" and subj.lower_ == "they" and last_any:
                        speaker = last_any
                    elif (role := _role(subj, toks)) and (titled.get(role) or last_named):
                        speaker, source = titled.get(role) or last_named, "descriptive"
                    elif subj.lemma_.lower() in MEDIA_NOUNS | {"account"} and (owner := _owner(subj)):
                        speaker = owner  # "Trump's account tweeted", "Pelosi's statement said"
                    elif source == "descriptive" and subj.lemma_.lower() in MEDIA_NOUNS and last_named:
                        speaker = last_named  # "the statement continued": the last named speaker's statement
                    elif source == "named" and subj.ent_type_ in ("PERSON", ""):
                        last_named = speaker.split()[-1]
                    if source != "pronoun":
                        last_any = speaker
                inside = any(q.depth == 0 and q.start < r["span"][0] < q.end for q in quotes)
                found.append(Attribution(
                    speaker, speaker_span, source, r["verb"], r["lemma"], span_of(p, *r["span"]), r["stance"],
                    r["negated"], r["passive"], inside, r["content"],
                    r.setdefault("quotes", []), r.setdefault("nested", [])))  # the lists a later quote extends
        counts = Counter(a.stance for a in found if not a.inside_quote)
        result.append(OutletAttribution(
            outlet, found, {s: counts.get(s, 0) for s in STANCES},
            dict(Counter(a.lemma for a in found if not a.inside_quote).most_common()),
            dict(Counter(a.speaker for a in found if a.speaker).most_common()),
            sum(a.source in ("vague", "unattributed") for a in found), loose))
    return result
