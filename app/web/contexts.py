"""Page contexts: every query a page needs runs in build(), so templates never touch the database."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, partial
from urllib.parse import urlencode

from sqlalchemy.orm import Session

from app.browse.articles import (
    get_article_detail,
    get_outlet_detail,
    list_articles,
    list_outlets,
    outlet_names,
)
from app.browse.outlet_profile import OutletProfileView, get_outlet_profile
from app.browse.search import LIMIT as SEARCH_PAGE
from app.browse.search import SIMILAR_DEPTH, only_common_words, search_similar, search_text, tidy_query
from app.browse.stories import PAGE_SIZE, list_stories
from app.browse.views import (
    ArticleDetail,
    ArticleRef,
    EventComparison,
    OutletDetail,
    OutletSummary,
    SearchHit,
    StoryOverview,
    StorySummary,
)
from app.config import get_settings
from app.jobs.models import Job
from app.snapshots.models import Snapshot
from app.snapshots.service import LiveState, compare_with_live, stored_view
from app.web.panels import Panels, event_panels, story_panels
from app.web.submissions import Outcome, Submission

LATEST_ARTICLES = 10


@dataclass
class Pager:
    page: int
    total: int
    size: int
    params: dict = field(default_factory=dict)  # the other query parameters to keep
    open_ended: bool = False  # total not known (a ranking by meaning): "page N", no "of M"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def url(self, page: int) -> str:
        return "?" + urlencode({**{k: v for k, v in self.params.items() if v not in (None, "")}, "page": page})

    def past_the_end(self, shown: int) -> bool:
        """Whether this page showed nothing because it lies past the last one (an old link): then
        the page to show is the last."""
        return not shown and self.total > 0 and self.page > self.pages


def parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        return None


def parse_int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


@dataclass
class HomeContext:
    stories: list[StorySummary]
    pager: Pager
    outlets: list[OutletSummary]
    outlet_id: int | None
    date_from: date | None
    date_to: date | None
    latest: list[ArticleRef]  # the newest articles matching the same filters as the stories
    ignored: list[str]  # filter values that could not be read

    @property
    def filtered(self) -> bool:
        return bool(self.outlet_id or self.date_from or self.date_to)

    @classmethod
    def build(cls, *, session: Session, outlet: str = "", date_from: str = "", date_to: str = "",
              page: int = 1) -> HomeContext:
        outlet_id, start, end = parse_int(outlet), parse_date(date_from), parse_date(date_to)
        ignored = [f"{name} {value!r}" for name, value, parsed in
                   (("outlet", outlet, outlet_id), ("from", date_from, start), ("to", date_to, end))
                   if value and parsed is None]
        params = {"outlet": outlet_id, "from": start and start.isoformat(), "to": end and end.isoformat()}
        stories, total = list_stories(session=session, outlet_id=outlet_id, date_from=start, date_to=end,
                                      page=page)
        pager = Pager(page, total, PAGE_SIZE, params)
        if pager.past_the_end(len(stories)):
            pager.page = pager.pages
            stories, _ = list_stories(session=session, outlet_id=outlet_id, date_from=start, date_to=end,
                                      page=pager.page)
        latest, _ = list_articles(session=session, outlet_id=outlet_id, date_from=start, date_to=end,
                                  page=1, page_size=LATEST_ARTICLES, count=False)
        return cls(stories=stories, pager=pager, outlets=list_outlets(session=session),
                   outlet_id=outlet_id, date_from=start, date_to=end, latest=latest, ignored=ignored)


@dataclass
class ArticleListContext:
    articles: list[ArticleRef]
    pager: Pager

    @classmethod
    def build(cls, *, session: Session, page: int = 1) -> ArticleListContext:
        articles, total = list_articles(session=session, page=page)
        pager = Pager(page, total, 50)
        if pager.past_the_end(len(articles)):
            pager.page = pager.pages
            articles, _ = list_articles(session=session, page=pager.page)
        return cls(articles=articles, pager=pager)


@dataclass
class ArticleContext:
    detail: ArticleDetail


@dataclass
class OutletListContext:
    outlets: list[OutletSummary]


@dataclass
class OutletContext:
    detail: OutletDetail
    pager: Pager
    profile: OutletProfileView | None = None  # how it frames: the full page only, not a page of its articles

    @classmethod
    def build(cls, *, session: Session, outlet_id: int, page: int = 1, profile: bool = True) -> OutletContext | None:
        detail = get_outlet_detail(session=session, outlet_id=outlet_id, page=page)
        if detail is None:
            return None
        pager = Pager(page, detail.total_articles, 50)
        if pager.past_the_end(len(detail.articles)):
            pager.page = pager.pages
            detail = get_outlet_detail(session=session, outlet_id=outlet_id, page=pager.page)
        return cls(detail=detail, pager=pager,
                   profile=get_outlet_profile(session=session, outlet_id=outlet_id) if profile else None)


@dataclass
class SharedLink:
    """A snapshot just made, shown next to the share button."""

    snapshot_id: str
    url: str


@dataclass
class StoryContext:
    overview: StoryOverview
    share: SharedLink | None = None
    share_error: str | None = None

    @property
    def description(self) -> str:
        return share_description(self.overview)

    @cached_property
    def panels(self) -> Panels | None:
        return story_panels(self.overview)


@dataclass
class EventContext:
    comparison: EventComparison
    share: SharedLink | None = None
    share_error: str | None = None

    @property
    def description(self) -> str:
        return share_description(self.comparison)

    @cached_property
    def panels(self) -> Panels | None:
        return event_panels(self.comparison)


@dataclass
class SearchContext:
    q: str
    mode: str  # "text" | "similar"
    hits: list[SearchHit]
    model: str
    pager: Pager  # text: every match counted; similar: those over the floor among the SIMILAR_DEPTH closest
    floor: float  # similar: the similarity a passage must reach
    shortened: bool = False  # the query was cut to search.MAX_QUERY characters
    common_words_only: bool = False  # full text, and every word of the query is one search ignores

    @classmethod
    def build(cls, *, session: Session, q: str, mode: str, page: int = 1) -> SearchContext:
        from app.embed.model import get_embedder

        q, shortened = tidy_query(q)
        mode = mode if mode in ("text", "similar") else "text"
        floor = get_settings().similar_floor
        pager = Pager(page, 0, SEARCH_PAGE, {"q": q, "mode": mode})
        hits: list[SearchHit] = []
        if q:
            search = search_text if mode == "text" else partial(search_similar, embedder=get_embedder(), floor=floor)
            hits, pager.total = search(session=session, q=q, limit=SEARCH_PAGE, offset=(page - 1) * SEARCH_PAGE)
            pager.open_ended = mode == "similar" and pager.total >= SIMILAR_DEPTH  # more may pass the floor
            if pager.past_the_end(len(hits)):
                pager.page = pager.pages
                hits, _ = search(session=session, q=q, limit=SEARCH_PAGE, offset=(pager.page - 1) * SEARCH_PAGE)
        common = bool(q) and mode == "text" and not hits and only_common_words(session=session, q=q)
        return cls(q=q, mode=mode, hits=hits, model=get_settings().model, pager=pager, floor=floor,
                   shortened=shortened, common_words_only=common)


STEPS = {
    "ingest_article": ("queued", "embedding", "clustering", "done"),
    "fetch_article": ("queued", "fetching", "embedding", "clustering", "done"),
    "recluster": ("queued", "clustering", "done"),
}
STEP_LABELS = {"queued": "Queued", "fetching": "Fetching the page", "embedding": "Embedding the passages",
               "clustering": "Grouping into stories and events", "done": "Done"}


@dataclass
class JobView:
    """A job as the upload panel shows it: its steps, and once done, what the article joined."""

    job: Job
    joined: ArticleDetail | None = None

    @property
    def polling(self) -> bool:
        return not self.job.finished

    @property
    def duplicate(self) -> bool:
        return bool((self.job.result or {}).get("duplicate"))

    @property
    def field(self) -> str | None:
        return (self.job.result or {}).get("field") if self.job.status == "failed" else None

    @property
    def steps(self) -> list[tuple[str, str]]:
        """(label, state) with state done | current | todo."""
        names = STEPS.get(self.job.kind, ("queued", "done"))
        now = self.job.progress if self.job.progress in names else ("queued" if self.polling else "done")
        if self.job.status == "done":
            now = "done"
        at = names.index(now)
        return [(STEP_LABELS[n], "done" if k < at or self.job.status == "done" else "current" if k == at else "todo")
                for k, n in enumerate(names)]

    @classmethod
    def build(cls, *, session: Session, job: Job) -> JobView:
        joined = None
        article_id = (job.result or {}).get("article_id")
        if job.status == "done" and article_id:
            joined = get_article_detail(session=session, article_id=article_id)
        return cls(job=job, joined=joined)


def submission_from_job(job: Job) -> Submission:
    """The form as it was sent, for a job that failed (a file must be chosen again)."""
    if job.kind == "fetch_article":
        meta = job.payload.get("meta") or {}
        return Submission(url=job.payload.get("url", ""), **{k: meta.get(k) or "" for k in
                                                             ("outlet", "title", "published", "byline")})
    draft = job.payload.get("draft") or {}
    fields = {k: draft.get(k) or "" for k in ("outlet", "title", "url", "published", "byline")}
    if job.payload.get("field") == "text":
        fmt = draft.get("source_format", "text")
        fields.update(text=draft.get("raw") or "", text_format=fmt if fmt in ("text", "markdown", "html") else "text")
    return Submission(**fields)


@dataclass
class UploadContext:
    form: Submission
    outlet_names: list[str]
    max_bytes: int
    outcome: Outcome | None = None
    job: JobView | None = None  # the job of the last submission: its progress, then what it joined

    @property
    def joined(self) -> ArticleDetail | None:
        return self.job.joined if self.job else None

    @property
    def polling(self) -> bool:
        return self.job is not None and self.job.polling

    @property
    def errors(self) -> dict[str, str]:
        if self.outcome:
            return self.outcome.errors
        if self.job and self.job.job.status == "failed":
            return {self.job.field or "text": self.job.job.error or "failed"}
        return {}

    @classmethod
    def build(cls, *, session: Session, form: Submission | None = None, outcome: Outcome | None = None,
              job: Job | None = None) -> UploadContext:
        if outcome is not None and outcome.ok:
            job, outcome = outcome.job, None
        view = JobView.build(session=session, job=job) if job is not None else None
        if view is not None:
            form = submission_from_job(job) if job.status == "failed" else Submission()
        return cls(form=form or Submission(), outlet_names=outlet_names(session=session),
                   max_bytes=get_settings().max_article_bytes, outcome=outcome, job=view)


@dataclass
class SnapshotContext:
    snapshot: Snapshot
    view: EventComparison | StoryOverview
    live: LiveState

    @property
    def is_event(self) -> bool:
        return isinstance(self.view, EventComparison)

    @property
    def title(self) -> str:
        if isinstance(self.view, EventComparison):
            return self.view.event.display_label
        return self.view.story.display_title

    @property
    def description(self) -> str:
        return share_description(self.view)

    @cached_property
    def panels(self) -> Panels | None:
        """From the framing frozen in the snapshot, never recomputed."""
        return event_panels(self.view) if isinstance(self.view, EventComparison) else story_panels(self.view)

    @classmethod
    def build(cls, *, session: Session, snapshot: Snapshot) -> SnapshotContext:
        return cls(snapshot=snapshot, view=stored_view(snapshot), live=compare_with_live(session=session,
                                                                                         snapshot=snapshot))


def share_description(view: EventComparison | StoryOverview) -> str:
    names = view.outlet_names
    if not names:
        return "A Parallax comparison."
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return f"How {listed} reported it, side by side."
