"""create_app(): routers, static files, error pages."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.config import get_settings
from app.web.routes import api, articles, events, health, home, snapshots, stories, upload
from app.web.templating import render


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(title="Parallax", summary="How news outlets frame the same event", version="0.1.0")
    app.mount("/static", StaticFiles(directory=str(settings.static_dir)), name="static")
    for module in (health, home, stories, events, articles, upload, snapshots, api):
        app.include_router(module.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api"):
            return await http_exception_handler(request, exc)
        return render(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                      status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        if request.url.path.startswith("/api"):
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in exc.errors())
        return render(request, "error.html", {"status": 400, "detail": f"Bad request ({problems})."},
                      status_code=400)

    return app
