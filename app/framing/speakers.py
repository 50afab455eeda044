"""Speakers: who a report's subject is. A name is taken as written ("Sen. Marco Rubio"); "he"/"she"
is the person last named as the subject of a main clause or as a speaker, whichever came last, else
the last person named outside quotes; "they" is the last speaker of any kind; a role ("the
senator said") is the person last named with that title ("Sen. Rubio"), else the last named
speaker; a document or account speaks for its owner ("Trump's account", "the NAACP resolution",
"the lawsuit from Nebraska"), and "the statement continued" for the last named speaker. Each
speaker also carries how the article describes them: the name with its titles and appositions,
first or fullest mention ("St. Louis Tea Party organizer Bill Hennessy", "Senator Richard
Blumenthal, Democrat of Connecticut"), so a pronoun or a bare surname keeps the group it speaks
for."""
from __future__ import annotations

from dataclasses import dataclass, field

from app.framing.common import Span, span_of

VAGUE_HEADS = {"observer", "critic", "analyst", "expert", "source", "official", "people", "some", "many",
               "others", "commentator", "insider", "report", "reports", "diplomat", "someone", "person",
               "voice", "activist", "supporter", "opponent", "skeptic", "sceptic", "resident", "user", "most"}
# Titles before a name ("Sen. Marco Rubio", "President Obama") and the role nouns they stand for, so
# "the senator said" is the senator the article named ("the four-term congressman" too).
TITLES = {"sen.": "senator", "senator": "senator", "rep.": "congressman", "representative": "congressman",
          "congressman": "congressman", "congresswoman": "congressman", "president": "president",
          "gov.": "governor", "governor": "governor", "speaker": "speaker", "secretary": "secretary",
          "sheriff": "sheriff", "leader": "leader", "chairman": "chairman", "chairwoman": "chairman",
          "mayor": "mayor", "judge": "judge", "minister": "minister", "justice": "justice"}
MEDIA_NOUNS = {"statement", "tweet", "post", "message", "release", "video", "op-ed", "email", "memo"}  # ...speak for its author
# Documents that speak for whoever the noun phrase names as their author ("the NAACP resolution",
# "the lawsuit from Nebraska and Oklahoma"), never for the last speaker.
DOCUMENT_NOUNS = MEDIA_NOUNS | {"account", "letter", "resolution", "lawsuit", "suit", "complaint", "filing",
                                "petition", "ad", "advertisement", "brief", "motion"}
ROLE_ALIASES = {"lawmaker": "congressman", "congresswoman": "congressman", "chairwoman": "chairman"}
DESCRIPTION_DEPS = {"appos"}  # "Blumenthal, Democrat of Connecticut"; relative clauses are left out


def speaker_tokens(subj):
    appos = next((c for c in subj.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if appos is not None and subj.ent_type_ != "PERSON":  # "the ... Representative, Vasily Nebenzya,"
        subj = appos
    toks = [t for t in subj.subtree if t.i <= subj.i and not t.is_punct]
    start = next((i for i, t in enumerate(toks) if t.dep_ not in ("det",)), 0)
    return toks[start:] or [subj]


def source_of(toks, subj) -> str:
    if subj.pos_ == "PRON":
        return "pronoun"
    ents = {t.ent_type_ for t in toks}
    if subj.pos_ == "PROPN" or "PERSON" in ents:
        return "named"
    if subj.lemma_.lower() in VAGUE_HEADS and not ents & {"ORG", "GPE", "PERSON"}:
        return "vague"
    return "descriptive"


def _clauses(head) -> set[int]:
    """Token indices of the relative and participial clauses inside a noun phrase."""
    return {t.i for c in head.subtree if c.dep_ in ("relcl", "acl") for t in c.subtree}


def _words(head, skip: set[int], upto: int | None = None) -> str:
    """The words of a noun phrase as written ("D-N.Y.", "Representative-elect"), less the tokens in
    skip, its articles ("the", "a") before it or of its own and those after upto, with no punctuation at either end of a piece."""
    kept = [t for t in head.subtree if t.i not in skip and (upto is None or t.i <= upto)
            and not (t.dep_ == "det" and (t.head is head or t.i < head.i))]
    pieces, run = [], []
    for t in kept:
        if run and t.i != run[-1].i + 1:
            pieces.append(run)
            run = []
        run.append(t)
    pieces.append(run)
    texts = [head.doc[r[0].i:r[-1].i + 1].text.strip(" ,;:()—–-\"“”‘’") for r in pieces if r]
    return " ".join(x for x in texts if x)


def description(head) -> str:
    """The noun phrase a person is named by, with its titles and appositions and without relative
    clauses: "Fellow Democratic Sen. Chris Coons", "Senator Richard Blumenthal, Democrat of Connecticut"."""
    skip = _clauses(head)
    parts = [_words(head, skip, upto=head.i)]
    for c in head.children:
        if c.dep_ in DESCRIPTION_DEPS and c.i > head.i:
            parts.append(_words(c, skip))
    return ", ".join(p for p in parts if p)


def people(doc, quotes) -> list[tuple[int, str, str | None, bool, str]]:
    """(offset, surname, role, subject, description) of each person the text names outside quotes,
    in order; role is the title before the name ("Sen. Rubio": senator), if any; subject: the name
    is the subject of its sentence's main clause ("Pelosi did not agree with Ryan's assessment":
    Pelosi, not Ryan; not "Kelly claimed that Kyiv could ...": Kyiv is the subject of what Kelly claimed)."""
    out = []
    for e in doc.ents:
        if e.label_ != "PERSON" or any(q.depth == 0 and q.start <= e.start_char < q.end for q in quotes):
            continue
        before = [t for t in (doc[e.start - 2:e.start] if e.start >= 2 else doc[:e.start])]
        title = next((TITLES[t.lower_] for t in reversed([*before, e[0]]) if t.lower_ in TITLES), None)
        out.append((e.start_char, e[-1].text, title,
                    e.root.dep_ in ("nsubj", "nsubjpass") and e.root.head.dep_ == "ROOT", description(e.root)))
    named = {e.root.i for e in doc.ents}
    for t in doc:  # a main clause's subject the tagger missed as a person ("Pelosi did not agree")
        if (t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" and t.pos_ == "PROPN" and not t.ent_type_
                and t.i not in named
                and t.is_title and not any(q.depth == 0 and q.start <= t.idx < q.end for q in quotes)):
            out.append((t.idx, t.text, None, True, description(t)))
    return sorted(out)


def owner(subj) -> str | None:
    """Whose document or account speaks: the possessor ("Trump's account"), the name before the noun
    ("the NAACP resolution") or the author after it ("the lawsuit from Nebraska and Oklahoma")."""
    for c in subj.children:
        if c.dep_ == "poss" and c.pos_ == "PROPN":
            return c.text
    names = [c for c in subj.children if c.dep_ == "compound" and c.i < subj.i and c.ent_type_ in ("ORG", "PERSON",
                                                                                                     "GPE", "NORP")]
    if names:
        return _words(names[-1], set())
    for c in subj.children:
        if c.dep_ == "prep" and c.lower_ in ("from", "by"):
            pobj = next((g for g in c.children if g.dep_ == "pobj" and g.pos_ == "PROPN"), None)
            if pobj is not None:
                return _words(pobj, _clauses(pobj))  # "from Nebraska and Oklahoma, where ...": the states
    return None


def _role(subj, toks) -> str | None:
    """The role a speaker is named by, with no name ("the senator", "the House speaker"), if any."""
    lemma = subj.lemma_.lower()
    role = ROLE_ALIASES.get(lemma, lemma)
    named = any(t.ent_type_ == "PERSON" for t in toks)
    return role if role in TITLES.values() and subj.pos_ in ("NOUN", "PROPN") and not named else None


@dataclass(frozen=True)
class Speaker:
    name: str | None
    span: Span | None
    source: str
    described_as: str | None


@dataclass
class SpeakerContext:
    """What one article has named so far, in text order, to resolve "he", "they" and "the senator"."""

    last_named: str | None = None  # the last named speaker's surname
    last_any: str | None = None  # "they" -> the last speaker of any kind
    last_person: str | None = None  # the last person named outside quotes
    last_subject: str | None = None  # the last person named as a main clause's subject or as a speaker
    titled: dict[str, str] = field(default_factory=dict)  # role -> the last person named with that title
    described: dict[str, str] = field(default_factory=dict)  # surname -> the fullest description seen

    def see(self, person: tuple[int, str, str | None, bool, str]) -> None:
        _, name, title, subject, desc = person
        self.last_person = name
        if subject:
            self.last_subject = name
        if title:
            self.titled[title] = name
        self._describe(name, desc)

    def _describe(self, name: str, desc: str | None) -> None:
        if desc and len(desc) > len(self.described.get(name, "")):
            self.described[name] = desc

    def resolve(self, subj, passage, passive: bool) -> Speaker:
        if subj is None or (subj.lower_ == "it" and passive):
            return Speaker(None, None, "unattributed", None)
        toks = speaker_tokens(subj)
        span = span_of(passage, toks[0].idx, toks[-1].idx + len(toks[-1]))
        speaker, source, described = span.text, source_of(toks, subj), None
        lemma = subj.lemma_.lower()
        if source == "pronoun" and subj.lower_ in ("he", "she") and (self.last_subject or self.last_person):
            speaker = self.last_subject or self.last_named or self.last_person
            described = self.described.get(speaker)
        elif source == "pronoun" and subj.lower_ == "they" and self.last_any:
            speaker = self.last_any
        elif (role := _role(subj, toks)) and (self.titled.get(role) or self.last_named):
            speaker, source = self.titled.get(role) or self.last_named, "descriptive"
            described = ", ".join(d for d in (self.described.get(speaker), description(subj)) if d)
        elif lemma in DOCUMENT_NOUNS and (author := owner(subj)):
            speaker = author  # "Trump's account tweeted", "the NAACP resolution said"
        elif source == "descriptive" and lemma in MEDIA_NOUNS and self.last_named:
            speaker = self.last_named  # "the statement continued": the last named speaker's statement
            described = self.described.get(speaker)
        elif source == "named" and subj.ent_type_ in ("PERSON", ""):
            surname = speaker.split()[-1]
            self._describe(surname, description(toks[-1]))
            self.last_named = self.last_subject = surname
            described = self.described[surname]
        elif source == "named":
            described = description(toks[-1])
        if source != "pronoun":
            self.last_any = speaker
        return Speaker(speaker, span, source, described)
