"""Attribution: who is quoted or paraphrased, with which reporting verb, and what that verb
signals. "Kelly claimed" distances the reporter from Kelly's words where "Kelly said" does not;
"X explained" or "noted" presents the words as fact. Stance classes live in the editable
data/reporting_verbs.txt. Built on spaCy's dependency parse: the verb's subject is the speaker
(through relative clauses, conjunctions, "..., saying" and "before claiming"), its clausal
complement is the content, quotation marks in the sentence are the quotes; a quote with no report
of its own that follows the last one closely (next sentence, paragraph or passage of the article,
no other report in between) continues that speaker's words. Who a subject is ("he", "the
senator", "the statement") is resolved in speakers.py. Flags: negated ("did not say", "denied"),
passive without agent ("it is claimed"), vague sources ("observers say"), words inside a quote."""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from app.framing.common import JsonMixin, Span, by_outlet, read_sections, span_of
from app.framing.inputs import PassageIn
from app.framing.quotes import find_quotes
from app.framing.speakers import SpeakerContext, people

STANCES = ("neutral", "distancing", "endorsing", "emphatic")
HEARSAY_PASSIVE = {"believe", "think", "understand", "rumor", "rumour", "expect", "know", "see"}
HEARSAY_ADVERBS = {"reportedly": "neutral", "allegedly": "distancing", "purportedly": "distancing",
                   "supposedly": "distancing", "ostensibly": "distancing"}
CLAUSE_DEPS = {"ccomp", "xcomp", "parataxis"}
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
    described_as: str | None = None  # how the article names the speaker: "Senator Tom Reed, Democrat of Ohio"


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
    """(subject token or None, passive). Walks up conj/advcl/xcomp and "before/after -ing"; a relative clause's subject
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
        if cur.dep_ == "pcomp" and cur.head.dep_ == "prep" and cur.head.head is not cur.head:
            cur = cur.head.head  # "..., Trump said, before claiming ...": the verb the preposition hangs on
            continue
        if cur.dep_ not in ("conj", "advcl", "xcomp") or cur.head is cur:
            break
        cur = cur.head
    return None, passive


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
    sents = list(doc.sents)  # once: Token.sent walks the doc each time
    starts = [x.start for x in sents]

    def sent_of(tok):
        return sents[bisect_right(starts, tok.i) - 1]
    outer = [q for q in quotes if q.depth == 0]
    for tok in doc:
        lower = tok.lower_
        if lower in HEARSAY_ADVERBS:
            sent = sent_of(tok)
            out.append(dict(tok=tok, verb=tok.text, lemma=lower, stance=HEARSAY_ADVERBS[lower], subj=None,
                            passive=False, negated=False, span=(tok.idx, tok.idx + len(tok)),
                            content=span_of(passage, sent.start_char, sent.end_char)))
            continue
        if lower == "according" and any(c.dep_ == "prep" and c.lower_ == "to" for c in tok.children):
            prep = next(c for c in tok.children if c.lower_ == "to")
            subj = next((g for g in prep.children if g.dep_ == "pobj"), None)
            sent = sent_of(tok)
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
        sent = sent_of(tok)
        quote_here = any(sent.start_char <= q.start < sent.end_char for q in outer)
        has_clause = any(c.dep_ in CLAUSE_DEPS for c in tok.children)
        if key in ("attempt", "purport") and not any(c.dep_ == "xcomp" for c in tok.children):
            continue
        clause_start = min(t.idx for t in tok.subtree)
        if entry is not None and entry.needs_clause and not _introduces(tok, outer, clause_start):
            continue
        quote_before = _closes_before(clause_start, outer)
        leads = re.match(r"[ \t]*:\s*(\n|$)", passage.text[tok.idx + len(tok):]) is not None  # "..., tweeting:" ¶
        if entry is not None and not (has_clause or quote_here or quote_before or leads or any(
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


def _other(r: dict, record: dict | None) -> bool:
    """A report other than `record` and not part of its clause: "said in a statement announcing
    the vote" is one report ("announcing" hangs on "said" and has no subject of its own)."""
    if r is record:
        return False
    tok, verb = r["tok"], record["tok"] if record else None
    return not (verb is not None and tok.doc is verb.doc and verb.is_ancestor(tok)
                and not any(c.dep_.startswith("nsubj") for c in tok.children))


def _sentence_at(sents: list[tuple[int, int]], offset: int) -> tuple[int, int]:
    """[start, end) of the sentence holding offset (the last one that starts at or before it)."""
    return sents[max(0, bisect_right([a for a, _ in sents], offset) - 1)]


def _lead_in(records, text: str, para_start: int) -> dict | None:
    """The last report of the paragraph before para_start when that paragraph ends with a colon
    ("Fox tweeted in response:"): it introduces the quote that opens the next paragraph."""
    before = text[:para_start].rstrip()
    if not before.endswith(":"):
        return None
    start = before.rfind("\n") + 1
    return max((r for r in records if start <= r["span"][0] < len(before)), key=lambda r: r["span"][0], default=None)


def _assign_quotes(passage, records, quotes, doc, thread: _Thread):
    """Each outer quote goes to the nearest report verb in its sentence (or one whose clause starts
    right after it), else to the previous quote's speaker when it continues it (CONTINUE_CHARS, no
    report verb in between, across sentences, paragraphs and passages), else it is unattributed. Inner quotes ride along. `thread` carries
    the last attributed quote from the previous passage of the article and is updated."""
    unattributed = []
    text = passage.text  # the doc's text: Doc.text joins its tokens at each call
    sents = [(x.start_char, x.end_char) for x in doc.sents]  # once: Span.sent walks the doc each time
    last_end = -thread.gap  # where the last attributed quote ended, in this passage's offsets
    for q in quotes:
        if q.depth > 0:
            continue
        first, final = _sentence_at(sents, q.start), _sentence_at(sents, q.end - 1)
        # A parsed sentence never reaches past the quote's paragraph (the parser may join a closing
        # mark to the next paragraph's "He added: ..."), unless the paragraph before ends with a colon
        # ("Fox tweeted in response:" then the tweet).
        para = text.rfind("\n", 0, q.start) + 1
        start = first[0] if text[:para].rstrip().endswith(":") else max(first[0], para)
        stop = text.find("\n", q.end)
        stop = final[1] if stop < 0 else min(final[1], stop)
        here = [r for r in records if (start <= r["span"][0] < stop
                                       or "clause" in r and _closes_before(r["clause"], [q]))
                and not (q.start < r["span"][0] < q.end)]
        inside = [r for r in here if r["content"] is not None
                  and r["content"].start <= q.start < r["content"].end]
        here = inside or here
        between = any(last_end < r["span"][0] < q.start for r in records if _other(r, thread.record))
        lead = _lead_in(records, text, para) if not text[para:q.start].strip() else None
        if here:
            target = min(here, key=lambda r: min(abs(r["span"][0] - q.start), abs(r["span"][0] - q.end)))
        elif lead is not None:
            target = lead
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
    text_end = len(text)
    if (lead := _lead_in(records, text, text_end)) is not None:  # "... tweeted:" ends the passage
        thread.record, last_end = lead, lead["span"][1]
    if any(r["span"][0] > last_end for r in records if _other(r, thread.record)):
        thread.record = None  # a report after the last quote: the next quote is someone else's
    thread.gap = text_end - last_end
    return unattributed


def analyse_attribution(passages: list[PassageIn], docs: dict) -> list[OutletAttribution]:
    """Per outlet: every attribution with spans, and counts by stance, verb and speaker."""
    result = []
    for outlet, ps in by_outlet(passages).items():
        found: list[Attribution] = []
        loose: list[Span] = []
        article, thread, context = None, _Thread(), SpeakerContext()
        for p in ps:
            if p.article_id != article:  # pronouns and quote threads never reach into another article
                article, thread, context = p.article_id, _Thread(), SpeakerContext()
            doc, quotes = docs[p.id], find_quotes(p.text)
            records = _reports(p, doc, quotes)
            loose += [span_of(p, q.start, q.end) for q in _assign_quotes(p, records, quotes, doc, thread)]
            named = people(doc, quotes)
            for r in sorted(records, key=lambda r: r["span"][0]):
                while named and named[0][0] < r["span"][0]:
                    context.see(named.pop(0))
                who = context.resolve(r["subj"], p, r["passive"])
                inside = any(q.depth == 0 and q.start < r["span"][0] < q.end for q in quotes)
                found.append(Attribution(
                    who.name, who.span, who.source, r["verb"], r["lemma"], span_of(p, *r["span"]), r["stance"],
                    r["negated"], r["passive"], inside, r["content"],
                    r.setdefault("quotes", []), r.setdefault("nested", []),  # the lists a later quote extends
                    who.described_as))
            for person in named:  # people named after the passage's last report
                context.see(person)
        counts = Counter(a.stance for a in found if not a.inside_quote)
        result.append(OutletAttribution(
            outlet, found, {s: counts.get(s, 0) for s in STANCES},
            dict(Counter(a.lemma for a in found if not a.inside_quote).most_common()),
            dict(Counter(a.speaker for a in found if a.speaker).most_common()),
            sum(a.source in ("vague", "unattributed") for a in found), loose))
    return result
