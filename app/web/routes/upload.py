from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse

from app.config import get_settings
from app.web.contexts import UploadContext
from app.web.deps import SessionDep
from app.web.submissions import Submission, submit_article
from app.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/upload", name="show_upload")
def show_upload(request: Request, session: SessionDep):
    return render(request, "upload/index.html", {"ctx": UploadContext.build(session=session)}, block="upload_panel")


@router.post("/upload", name="upload_article")
def upload_article(
    request: Request, session: SessionDep, outlet: str = Form(""), title: str = Form(""), url: str = Form(""),
    published: str = Form(""), byline: str = Form(""), text: str = Form(""), text_format: str = Form("text"),
    file: UploadFile | None = None,
):
    """Plain POST: redirect to the new article. HTMX: the panel again, with what the article joined."""
    settings = get_settings()
    file_name = file.filename if file is not None and file.filename else None
    form = Submission(outlet=outlet, title=title, url=url, published=published, byline=byline, text=text,
                      text_format=text_format, file_name=file_name,
                      file_data=file.file.read(settings.max_article_bytes + 1) if file_name else None)
    outcome = submit_article(session=session, submission=form, settings=settings)
    ctx = UploadContext.build(session=session, form=form, outcome=outcome)
    if outcome.ok and request.headers.get("HX-Request") != "true":
        return RedirectResponse(ctx.joined.article.path, status_code=303)
    return render(request, "upload/index.html", {"ctx": ctx}, block="upload_panel",
                  status_code=200 if outcome.ok else 422)
