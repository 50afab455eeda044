"""The Sources page: every feed and sitemap Parallax polls, with its health, and a form to add one."""
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from app.browse.sources import list_sources
from app.config import get_settings
from app.ingest.fetch import FetchError
from app.security.auth import can_write, require_writer
from app.web.deps import SessionDep
from app.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, session, *, error: str | None = None, form: dict | None = None, status_code: int = 200):
    return render(request, "sources/index.html", {
        "sources": list_sources(session=session), "writable": can_write(request), "error": error,
        "form": form or {"url": "", "outlet": ""}}, status_code=status_code)


@router.get("/sources", name="list_sources")
def show_sources(request: Request, session: SessionDep):
    return _page(request, session)


@router.post("/sources", name="add_source", dependencies=[Depends(require_writer)])
def add_source_form(request: Request, session: SessionDep, url: str = Form(""), outlet: str = Form("")):
    """Added: 303 back to the list, the new source marked. Refused: 422 with the reason at the field."""
    from app.sources.polling import add_source

    if not url.strip():
        return _page(request, session, error="give the URL of a feed or sitemap", form={"url": url, "outlet": outlet},
                     status_code=422)
    try:
        source = add_source(session, url, outlet=outlet[:200], settings=get_settings())
    except FetchError as exc:
        return _page(request, session, error=str(exc), form={"url": url, "outlet": outlet}, status_code=422)
    return RedirectResponse(f"/sources#source-{source.id}", status_code=303)
