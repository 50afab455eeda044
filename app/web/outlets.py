"""Each outlet of a page once: one label, one place and one colour on every panel, row, column and
grid header. The page's columns decide the order (the order the comparison shows them in); the
label is the framing's (app.browse.framing.column_label), so an unknown outlet reads the same in a
panel as above its column; the colour is a class outlet-c0 ... outlet-c7 (static/app.css)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.browse.framing import column_label
from app.browse.views import OutletColumn

COLOURS = 8


@dataclass(frozen=True)
class OutletLink:
    label: str
    href: str | None
    css: str = ""  # outlet-cN: the outlet's colour on this page ("" for an outlet the page has no column for)
    abbr: str = ""  # a short label for narrow tables (the coverage grid), the full one in its legend


def abbreviation(label: str, taken: set[str]) -> str:
    """Initials of the label's words (at most 3), numbered when another outlet of the page has them."""
    words = [w for w in label.replace("(", " ").replace(")", " ").split() if w[:1].isalnum()]
    short = "".join(w[0] for w in words[:3]).upper() or "?"
    if label.startswith("Unknown outlet"):
        short = "?" + "".join(c for c in label if c.isdigit())
    base, n = short, 2
    while short in taken:
        short, n = f"{base}{n}", n + 1
    return short


@dataclass(frozen=True)
class PageOutlets:
    """The page's outlets by label, in the columns' order."""

    by_label: dict[str, OutletLink]
    by_key: dict[str, OutletLink]  # the same links by column key ("outlet-5", "article-9")

    @classmethod
    def of(cls, columns: Iterable[OutletColumn], story_order: Sequence[str] = ()) -> PageOutlets:
        """`story_order`: the column keys in the story page's order, for an event page, so that each
        outlet has the colour it has on its story's page (else: the colours follow the columns)."""
        by_label: dict[str, OutletLink] = {}
        by_key: dict[str, OutletLink] = {}
        colour = {key: n for n, key in enumerate(story_order)}
        for col in columns:
            label = column_label(col)
            if label not in by_label:
                href = col.outlet.path or (col.articles[0].path if col.articles else None)
                taken = {o.abbr for o in by_label.values()}
                n = colour.get(col.key, len(by_label))
                by_label[label] = OutletLink(label, href, f"outlet-c{n % COLOURS}", abbreviation(label, taken))
            by_key.setdefault(col.key, by_label[label])
        return cls(by_label, by_key)

    def link(self, label: str) -> OutletLink:
        return self.by_label.get(label) or OutletLink(label, None)

    def place(self, label: str) -> int:
        """The outlet's place on the page; outlets without a column come last, in their given order."""
        return list(self.by_label).index(label) if label in self.by_label else len(self.by_label)

    def ordered(self, labels: Iterable[str]) -> list[str]:
        return sorted(labels, key=self.place)

    def sort(self, columns: Iterable[OutletColumn]) -> list[OutletColumn]:
        """Columns in the page's order (a story's event shows its outlets in the story's order)."""
        return sorted(columns, key=lambda c: self.place(self.by_key[c.key].label) if c.key in self.by_key else len(self.by_label))

    @property
    def links(self) -> list[OutletLink]:
        return list(self.by_label.values())
