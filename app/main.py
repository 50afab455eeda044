"""create_app(): routers, static files, error pages."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.config import get_settings
from app.web.routes import articles, health
from app.web.templating import render


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Parallax", summary="How news outlets frame the same event", version="0.1.0")
    app.mount("/static", StaticFiles(directory=str(settings.static_dir)), name="static")
    app.include_router(health.router)
    app.include_router(articles.router)

    @app.get("/", include_in_schema=False)
    def home():
        return RedirectResponse("/articles", status_code=307)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api"):
            from fastapi.exception_handlers import http_exception_handler

            return await http_exception_handler(request, exc)
        return render(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                      status_code=exc.status_code)

    return app
