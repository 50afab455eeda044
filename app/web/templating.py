"""Templates and the one render() every route uses: full page, or one block for HTMX."""
from __future__ import annotations

from fastapi import Request
from jinja2_fragments.fastapi import Jinja2Blocks

from app.browse.framing import FIRST_VIEW_PASSAGES, FRAMING_PASSAGES
from app.config import get_settings
from app.security.auth import auth_required, can_write
from app.security.csrf import csrf_token
from app.web.outlets import PageOutlets

templates = Jinja2Blocks(directory=str(get_settings().templates_dir))
EVENTS_SHOWN = 30  # a story page shows its largest events, and loads the rest this many at a time
ONLY_HERE_SHOWN = 20  # passages shown per outlet as "only in this outlet"; the rest are counted

templates.env.globals.update(csrf_token=csrf_token, can_write=can_write, auth_required=auth_required,
                             events_shown=EVENTS_SHOWN, only_here_shown=ONLY_HERE_SHOWN,
                             framing_passages=FRAMING_PASSAGES, first_view_passages=FIRST_VIEW_PASSAGES)
templates.env.filters["page_outlets"] = PageOutlets.of  # columns -> each outlet's label, place and colour


def compile_templates() -> None:
    """Every template compiled now (some 0.3 s in all), not by the first request that renders it."""
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def render(request: Request, name: str, context: dict, *, block: str | None = None, status_code: int = 200,
           headers: dict[str, str] | None = None):
    return templates.TemplateResponse(
        request,
        name,
        context,
        status_code=status_code,
        headers={"Vary": "HX-Request", **(headers or {})},
        block_name=block if is_htmx(request) else None,
    )
