from fastapi import APIRouter, Query, Request

from app.web.contexts import HomeContext, SearchContext
from app.web.deps import SessionDep
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", name="home")
def show_home(request: Request, session: SessionDep, outlet: str = "", date_from: str = Query("", alias="from"),
              date_to: str = Query("", alias="to"), page: int = Query(1, ge=1)):
    ctx = HomeContext.build(session=session, outlet=outlet, date_from=date_from, date_to=date_to, page=page)
    return render(request, "home/index.html", {"ctx": ctx}, block="story_list")


@router.get("/search", name="search")
def search_passages(request: Request, session: SessionDep, q: str = "", mode: str = "text",
                    page: int = Query(1, ge=1, le=100_000)):
    ctx = SearchContext.build(session=session, q=q, mode=mode, page=page)
    return render(request, "search/index.html", {"ctx": ctx}, block="search_results")
