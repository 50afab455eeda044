"""What the framing analysis reads: plain passages, no database rows, so it can run anywhere."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PassageIn:
    id: int
    article_id: int
    outlet: str  # display label, e.g. "socialbites.ca" or "Unknown outlet (article 3)"
    text: str
