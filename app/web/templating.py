"""Templates and the one render() every route uses: full page, or one block for HTMX."""
from __future__ import annotations

from fastapi import Request
from jinja2_fragments.fastapi import Jinja2Blocks

from app.config import get_settings

templates = Jinja2Blocks(directory=str(get_settings().templates_dir))


def render(request: Request, name: str, context: dict, *, block: str | None = None, status_code: int = 200):
    partial = request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")
    return templates.TemplateResponse(
        request,
        name,
        context,
        status_code=status_code,
        headers={"Vary": "HX-Request"},
        block_name=block if partial else None,
    )
