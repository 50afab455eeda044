"""What an input becomes before it is cleaned: an ArticleDraft, or a Rejection with a reason."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


class IngestError(ValueError):
    """Bad input. The message is one line a person can act on."""


@dataclass
class ArticleDraft:
    source_name: str  # where it came from: a path, "path:line 3", "upload"
    source_format: str  # text | markdown | html | jsonl
    raw: str  # the input as given (decoded)
    text: str | None = None  # plain body text, if the input was text
    html: str | None = None  # HTML, if the input was HTML
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    byline: str | None = None
    published: date | None = None
    language: str | None = None


@dataclass
class Rejection:
    source_name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source_name}: {self.reason}"


FUTURE_DAYS = 1  # a publication date may run this far ahead of the server's date (time zones)


class FutureDate(IngestError):
    """A publication date after tomorrow."""


def parse_published(value: object) -> date | None:
    """ISO date or datetime (a string, date or datetime) -> date; empty -> None. A date after
    tomorrow is refused: news is not published in the future, and a stray 2099 would sort first."""
    if value is None or value == "":
        return None
    found = _as_date(value)
    if found is None:
        raise IngestError(f"published {value!r} is not an ISO date (YYYY-MM-DD)")
    if found > date.today() + timedelta(days=FUTURE_DAYS):
        raise FutureDate(f"published {found.isoformat()} is in the future")
    return found


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            pass
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
        except ValueError:
            pass
    return None


def optional_text(value: object, field: str, max_len: int = 2000) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise IngestError(f"{field} must be text, not {type(value).__name__}")
    value = " ".join(value.split())
    if len(value) > max_len:
        raise IngestError(f"{field} is {len(value)} characters long, over the {max_len} limit")
    return value or None
