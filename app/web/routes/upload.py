"""Add an article: checked at once (field errors, 422), then embedded and grouped by a job whose
progress the panel shows (HTMX polls /upload?job=N every second; without JavaScript the page reloads)."""
from fastapi import APIRouter, Depends, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse

from app.config import get_settings
from app.jobs.queue import get_job
from app.security.auth import can_write, require_writer
from app.web.contexts import UploadContext
from app.web.deps import SessionDep
from app.web.submissions import Submission, submit_article
from app.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)


@router.get("/upload", name="show_upload")
def show_upload(request: Request, session: SessionDep, job: int | None = None):
    if not can_write(request):
        return RedirectResponse("/login?next=/upload", status_code=303)
    found = None
    if job is not None:
        found = get_job(session=session, job_id=job)
        if found is None:
            raise HTTPException(404, f"There is no job {job}.")
    ctx = UploadContext.build(session=session, job=found)
    if ctx.joined is not None and not is_htmx(request):  # a plain page load of a finished job: the article
        return RedirectResponse(ctx.joined.article.path, status_code=303)
    return render(request, "upload/index.html", {"ctx": ctx}, block="upload_panel")


# The request body limit (BodyLimitMiddleware, settings.request_limit) bounds every form field; the
# form parser's own default of 1 MiB a field would refuse pasted text under max_article_bytes with
# a bare 400, and text over it must reach submit_article to be told its size at its field.
FORM_LIMITS = {"max_part_size": 1 << 30}


@router.post("/upload", name="upload_article", dependencies=[Depends(require_writer)], form_limits=FORM_LIMITS)
def upload_article(
    request: Request, session: SessionDep, outlet: str = Form(""), title: str = Form(""), url: str = Form(""),
    published: str = Form(""), byline: str = Form(""), text: str = Form(""), text_format: str = Form("text"),
    file: UploadFile | None = None,
):
    """Valid: 202 and the panel following the job (HTMX), or 303 to it (plain POST). Invalid: 422."""
    settings = get_settings()
    file_name = file.filename if file is not None and file.filename else None
    form = Submission(outlet=outlet, title=title, url=url, published=published, byline=byline, text=text,
                      text_format=text_format, file_name=file_name,
                      file_data=file.file.read(settings.max_article_bytes + 1) if file_name else None)
    outcome = submit_article(session=session, submission=form, settings=settings)
    if outcome.ok and not is_htmx(request):
        return RedirectResponse(f"/upload?job={outcome.job.id}", status_code=303)
    ctx = UploadContext.build(session=session, form=form, outcome=outcome)
    return render(request, "upload/index.html", {"ctx": ctx}, block="upload_panel",
                  status_code=202 if outcome.ok else 422)
