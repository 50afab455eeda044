from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.db.models import Article
from app.web.deps import SessionDep
from app.web.templating import render

router = APIRouter()

PAGE_SIZE = 50


@router.get("/articles", name="list_articles")
def list_articles(request: Request, session: SessionDep, page: int = 1):
    page = max(page, 1)
    stmt = select(Article).options(selectinload(Article.outlet)).order_by(
        Article.published.desc().nulls_last(), Article.id.desc()
    )
    total = session.scalar(select(func.count()).select_from(Article)) or 0
    articles = session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    pages = max(1, -(-total // PAGE_SIZE))
    return render(request, "articles/index.html",
                  {"articles": articles, "total": total, "page": page, "pages": pages}, block="article_list")


@router.get("/articles/{article_id}", name="show_article")
def show_article(request: Request, session: SessionDep, article_id: int):
    article = session.scalars(
        select(Article).where(Article.id == article_id).options(
            selectinload(Article.outlet), selectinload(Article.passages))
    ).one_or_none()
    if article is None:
        raise HTTPException(404, f"There is no article {article_id}.")
    return render(request, "articles/detail.html", {"article": article})
