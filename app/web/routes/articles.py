from fastapi import APIRouter, HTTPException, Query, Request

from app.browse.articles import get_article_detail, list_outlets
from app.web.contexts import ArticleContext, ArticleListContext, OutletContext, OutletListContext
from app.web.deps import SessionDep
from app.web.page_cache import shows_story
from app.web.permalinks import canonical, ref_id
from app.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)


@router.get("/articles", name="list_articles")
def list_articles(request: Request, session: SessionDep, page: int = Query(1, ge=1)):
    ctx = ArticleListContext.build(session=session, page=page)
    return render(request, "articles/index.html", {"ctx": ctx}, block="article_list")


@router.get("/articles/{ref}", name="show_article")
def show_article(request: Request, session: SessionDep, ref: str):
    article_id = ref_id(ref, "article")
    detail = get_article_detail(session=session, article_id=article_id)
    if detail is None:
        raise HTTPException(404, f"There is no article {article_id}.")
    if detail.article.story_id is not None:
        shows_story(request, detail.article.story_id)
    return canonical(request, detail.article.path) or render(
        request, "articles/detail.html", {"ctx": ArticleContext(detail=detail)})


@router.get("/outlets", name="list_outlets")
def show_outlets(request: Request, session: SessionDep):
    return render(request, "outlets/index.html", {"ctx": OutletListContext(outlets=list_outlets(session=session))})


@router.get("/outlets/{ref}", name="show_outlet")
def show_outlet(request: Request, session: SessionDep, ref: str, page: int = Query(1, ge=1)):
    outlet_id = ref_id(ref, "outlet")
    ctx = OutletContext.build(session=session, outlet_id=outlet_id, page=page, profile=not is_htmx(request))
    if ctx is None:
        raise HTTPException(404, f"There is no outlet {outlet_id}.")
    return canonical(request, ctx.detail.outlet.path) or render(
        request, "outlets/detail.html", {"ctx": ctx}, block="outlet_articles")
