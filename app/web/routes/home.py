from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Query, Request

from app.web.contexts import HomeContext, SearchContext
from app.web.deps import SessionDep
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", name="home")
def show_home(request: Request, session: SessionDep, outlet: str = "", date_from: str = Query("", alias="from"),
              date_to: str = Query("", alias="to"), page: int = Query(1, ge=1)):
    ctx = HomeContext.build(session=session, outlet=outlet, date_from=date_from, date_to=date_to, page=page)
    return render(request, "home/index.html", {"ctx": ctx}, block="home_results")


@router.get("/search", name="search")
def search_passages(request: Request, session: SessionDep, q: str = "", mode: str = "text",
                    page: int = Query(1, ge=1, le=100_000)):
    ctx = SearchContext.build(session=session, q=q, mode=mode, page=page)
    return render(request, "search/index.html", {"ctx": ctx}, block="search_results")


LAST_VISIT = "parallax_last_visit"  # when this reader last loaded the home page (ISO 8601, the database's clock)
LAST_VISIT_DAYS = 400
# An article's time is its transaction's start, and a bulk import commits a chunk some seconds
# later: arrivals are counted from this long before the last visit, so none is missed.
COMMIT_MARGIN = timedelta(seconds=60)


@router.get("/arrivals", name="arrivals")
def show_arrivals(request: Request, session: SessionDep):
    """What arrived since the reader's last visit (the home page loads it with HTMX; never stored in
    the page cache, which serves every reader the same page). Moves the reader's last visit to now."""
    from sqlalchemy import func, select

    from app.browse.arrivals import arrivals_since

    now = session.scalar(select(func.clock_timestamp()))  # the clock articles are stamped with
    try:
        since = datetime.fromisoformat(request.cookies.get(LAST_VISIT, ""))
        since = since if since.tzinfo else since.replace(tzinfo=UTC)
    except ValueError:
        since = None  # a first visit: nothing to compare with
    arrivals = arrivals_since(session=session, since=since, margin=COMMIT_MARGIN) if since and since < now else None
    response = render(request, "home/_arrivals.html", {"arrivals": arrivals, "first_visit": since is None})
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(LAST_VISIT, now.isoformat(), max_age=LAST_VISIT_DAYS * 86400,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")
    return response
