"""Whether a sentence reads on its own, as an event's label must ("He also referenced…" does not:
who is he?). Pure string rules, no model: a recluster labels 100k's of events."""
from __future__ import annotations

import re

# A sentence opening with one of these points back at a sentence the label does not show.
PRONOUNS = frozenset(("he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "his", "its", "their",
                      "our", "my", "your", "this", "these", "those", "that", "such", "both", "another", "either",
                      "neither"))
# ...and one opening with a connective leans on the one before it; dropped, the rest may stand alone.
# Conjunctions are dropped as they are, adverbs with their comma ("Still, …"); an adverb without one
# may be the sentence's own word ("Still water …") and is not dropped, but the sentence is passed over.
CONJUNCTIONS = ("also", "and", "but", "or", "nor", "yet")  # not "so": "So far, …"
ADVERBIALS = ("however", "meanwhile", "moreover", "furthermore", "additionally", "besides", "instead", "still",
              "nevertheless", "nonetheless", "otherwise", "likewise", "similarly", "thus", "therefore", "hence",
              "then", "too", "in addition", "at the same time", "on the other hand", "as a result", "even so",
              "in turn", "by contrast", "in contrast", "after that", "on top of that", "what's more")
_ADVERBS = "|".join(map(re.escape, ADVERBIALS))
_CONNECTIVE = re.compile(rf"(?:(?:{'|'.join(CONJUNCTIONS)})\b,?|(?:{_ADVERBS}),)\s+", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[(\[]*([A-Za-z0-9]+)")
_NOW = re.compile(r"this (?:week|month|year|morning|afternoon|evening|weekend|spring|summer|autumn|fall|winter)\b",
                  re.IGNORECASE)  # "This week, …": a time, not a pointer back
_ADVERBIAL = re.compile(rf"(?:{_ADVERBS})\b", re.IGNORECASE)
_QUOTE = "\"“‘'"
# A quotation closed and attributed to someone named: "“We will not back down,” Mark Carney said."
_QUOTED_BY_NAME = re.compile(r"[,.!?…—-]\s*[\"”’']\s+(?:(?:said|says|told|added|wrote)\s+)?(?:the\s+)?[A-Z]")


def standalone(sentence: str) -> str | None:
    """The sentence as a label that reads on its own: as it is, without a leading connective
    ("However, the court ruled…" -> "The court ruled…"), or None when it opens with a pronoun or
    a lower-case word (a fragment), or with a quotation that does not name its speaker ("…,” he
    said"; "“It's official!”")."""
    text = sentence.strip()
    connective = _CONNECTIVE.match(text)
    stripped = text[connective.end():][:1].upper() + text[connective.end() + 1:] if connective else text
    if _ADVERBIAL.match(stripped):
        return None
    if stripped[:1] in _QUOTE:  # a quotation opens it: it stands alone when it names who said it
        return stripped if _QUOTED_BY_NAME.search(stripped) else None
    first = _FIRST_WORD.match(stripped)
    if first is None or first.group(1)[0].islower():
        return None
    if first.group(1).lower() in PRONOUNS and not _NOW.match(stripped):
        return None
    return stripped
