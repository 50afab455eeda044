"""What the pages and the API show, as plain Pydantic models built from the database up front.
They double as API response models and as the JSON a snapshot stores (model_dump / model_validate)."""
from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, computed_field

from app.browse.slugs import article_path, event_path, outlet_path, story_path
from app.db.models import Article, Event, Outlet, Passage, Story

LEDE_MARK = "[from the lede] "
FRAMING_EVENT = (
    "The framing analysis of this event (app.framing EventFraming.to_json()): naming, distinctive wording "
    "and loaded terms, attribution verbs with their stance, tone, the closest passage pair's word diff and "
    "the outlets that omitted it. Outlets are named by label ('Unknown outlet (article N)' when unknown); "
    "every signal carries spans {passage_id, start, end, text} into the passage texts and an `explain` line. "
    "Null for the events inside a story (the story's framing has them); a snapshot keeps the framing as it "
    "was when it was taken.")
FRAMING_STORY = (
    "The framing analysis of this story (app.framing StoryFraming.to_json()): story-wide naming, wording, "
    "attribution and tone, coverage per outlet, independence ('N articles, M independent reports' with the "
    "near-copy groups) and `events`: each event's framing by event id.")


class OutletRef(BaseModel):
    id: int | None  # None: the outlet is unknown
    name: str | None

    @computed_field
    @property
    def path(self) -> str | None:
        return outlet_path(self.id, self.name or "") if self.id is not None else None

    @classmethod
    def of(cls, outlet: Outlet | None) -> OutletRef:
        return cls(id=outlet.id, name=outlet.name) if outlet else cls(id=None, name=None)


class ArticleRef(BaseModel):
    id: int
    title: str | None  # None: the article has no title of its own
    display_title: str  # the title, or words of the lede clearly marked "[from the lede]"
    outlet: OutletRef
    url: str | None
    published: date | None
    byline: str | None
    story_id: int | None

    @computed_field
    @property
    def path(self) -> str:
        return article_path(self.id, self.title or self.display_title.removeprefix(LEDE_MARK))

    @classmethod
    def of(cls, article: Article) -> ArticleRef:
        return cls(id=article.id, title=article.title, display_title=article.display_title,
                   outlet=OutletRef.of(article.outlet), url=article.url, published=article.published,
                   byline=article.byline, story_id=article.story_id)


class PassageView(BaseModel):
    id: int
    article_id: int
    position: int
    text: str
    event_id: int | None
    embedding_model: str | None

    @classmethod
    def of(cls, passage: Passage) -> PassageView:
        return cls(id=passage.id, article_id=passage.article_id, position=passage.position, text=passage.text,
                   event_id=passage.event_id, embedding_model=passage.embedding_model)


class StoryRef(BaseModel):
    id: int
    title: str

    @computed_field
    @property
    def display_title(self) -> str:
        return self.title or f"Untitled story {self.id}"

    @computed_field
    @property
    def path(self) -> str:
        return story_path(self.id, self.title)

    @classmethod
    def of(cls, story: Story) -> StoryRef:
        return cls(id=story.id, title=story.title or "")


class EventRef(BaseModel):
    id: int
    label: str
    story_id: int

    @computed_field
    @property
    def display_label(self) -> str:
        return self.label or f"Unlabelled event {self.id}"

    @computed_field
    @property
    def path(self) -> str:
        return event_path(self.id, self.label)

    @classmethod
    def of(cls, event: Event) -> EventRef:
        return cls(id=event.id, label=event.label or "", story_id=event.story_id)


class OutletColumn(BaseModel):
    """One outlet's side of a comparison (articles with an unknown outlet get a column each)."""

    key: str  # "outlet-5", or "article-9" when the outlet is unknown
    outlet: OutletRef
    articles: list[ArticleRef]
    # Made empty by a factory, not copied from a default: a large story's page makes thousands.
    passages: list[PassageView] = Field(default_factory=list)  # its passages reporting the event
    only_here: list[PassageView] = Field(default_factory=list)  # its passages of the story that are in no event


class EventComparison(BaseModel):
    event: EventRef
    story: StoryRef
    columns: list[OutletColumn]  # outlets that reported the event
    missing: list[OutletColumn] = []  # outlets of the story that did not
    story_order: list[str] = []  # column keys of all the story's outlets, in the story page's order
    framing: dict[str, Any] | None = Field(default=None, description=FRAMING_EVENT)
    framing_read: int | None = None  # how many of its passages the framing read, when not all

    def column(self, key: str) -> OutletColumn | None:
        return next((c for c in self.columns if c.key == key), None)

    @computed_field
    @property
    def outlet_names(self) -> list[str]:
        return [c.outlet.name or "unknown outlet" for c in self.columns]

    @computed_field
    @property
    def fingerprint(self) -> str:
        """Changes whenever what the page shows changes (passages, labels, articles)."""
        return fingerprint(self.model_dump(mode="json", include={"event", "story", "columns", "missing"}))


class StoryOverview(BaseModel):
    story: StoryRef
    columns: list[OutletColumn]  # every outlet of the story, with its "only here" passages
    events: list[EventComparison]
    framing: dict[str, Any] | None = Field(default=None, description=FRAMING_STORY)
    framing_read: int | None = None  # how many of its passages the framing read, when not all
    # True: none was kept, so this view read the smaller sample a waiting reader gets (app.browse.framing)
    framing_first_view: bool = False

    @property
    def passage_count(self) -> int:
        return (sum(len(col.passages) for e in self.events for col in e.columns)
                + sum(len(col.only_here) for col in self.columns))

    def cell(self, event: EventComparison, key: str) -> OutletColumn | None:
        return event.column(key)

    def covered_after(self, start: int, key: str) -> int:
        """How many of the events from `start` on the outlet `key` reported."""
        return sum(1 for e in self.events[start:] if e.column(key))

    @computed_field
    @property
    def outlet_names(self) -> list[str]:
        return [c.outlet.name or "unknown outlet" for c in self.columns]

    @computed_field
    @property
    def fingerprint(self) -> str:
        return fingerprint(self.model_dump(mode="json", include={"story", "columns", "events"}))


class EventSummary(BaseModel):
    event: EventRef
    articles: int  # how many articles report it
    passages: int


class StorySummary(BaseModel):
    story: StoryRef
    articles: int
    outlets: list[OutletRef]
    unknown_outlet_articles: int
    first_published: date | None
    last_published: date | None
    top_events: list[EventSummary]


class PassageInArticle(BaseModel):
    passage: PassageView
    event: EventRef | None
    lead: str = ""  # text of the clean text between the previous passage and this one


class ArticleDetail(BaseModel):
    article: ArticleRef
    story: StoryRef | None
    language: str | None
    passages: list[PassageInArticle]
    tail: str = ""

    @computed_field
    @property
    def events(self) -> list[EventRef]:
        seen: dict[int, EventRef] = {}
        for p in self.passages:
            if p.event is not None:
                seen.setdefault(p.event.id, p.event)
        return list(seen.values())


class OutletSummary(BaseModel):
    outlet: OutletRef
    domain: str | None
    articles: int


class StoryCoverage(BaseModel):
    story: StoryRef
    articles: int  # of this outlet's articles


class OutletDetail(BaseModel):
    outlet: OutletRef
    domain: str | None
    articles: list[ArticleRef]
    total_articles: int
    stories: list[StoryCoverage]


class SearchHit(BaseModel):
    passage: PassageView
    article: ArticleRef
    event: EventRef | None
    segments: list[tuple[str, bool]]  # (text, matched) pieces of the passage
    score: float


def fingerprint(data: object) -> str:
    import json

    return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
