"""create_app(): routers, /static mount, middleware, error pages, and the inline worker thread."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.config import get_settings
from app.db.generation import CorpusState
from app.security.csrf import verify_csrf
from app.security.middleware import BodyLimitMiddleware, RateLimitMiddleware, RequestContextMiddleware
from app.web.page_cache import PageCacheMiddleware
from app.web.routes import (
    api,
    articles,
    auth,
    docs,
    events,
    health,
    home,
    snapshots,
    sources,
    stories,
    upload,
)
from app.web.templating import render


@asynccontextmanager
async def lifespan(app: FastAPI):
    """On the embedded database (or PARALLAX_INLINE_WORKER=on) one worker thread runs the jobs."""
    settings = get_settings()
    worker = None
    if settings.runs_inline_worker:
        from app.embed.model import get_embedder
        from app.jobs.worker import start_in_thread

        worker = start_in_thread(embedder=get_embedder(), settings=settings)
    try:
        yield
    finally:
        if worker is not None:
            thread, stop = worker
            stop.set()
            thread.join(timeout=60)


def create_app(*, corpus_generation: Callable[[int | None], Awaitable[CorpusState]] | None = None) -> FastAPI:
    """`corpus_generation` tells the page cache when the corpus changed (tests that write inside one
    rolled-back transaction pass a counter, so every request builds its page)."""
    settings = get_settings()
    app = FastAPI(title="Parallax", summary="How news outlets frame the same event", version="0.1.0",
                  lifespan=lifespan, docs_url=None, redoc_url=None)  # /docs: routes/docs.py, no CDN
    app.mount("/static", StaticFiles(directory=str(settings.static_dir)), name="static")
    for module in (health, home, stories, events, articles, upload, snapshots, sources, auth, docs):
        app.include_router(module.router, dependencies=[Depends(verify_csrf)])
    app.include_router(api.router)  # Bearer token, no cookies: no CSRF to guard against
    # Added last runs first: request id and headers around everything, then the rate limit, then the
    # size limit, then stored pages (inside, so it sees the reader's CSRF token).
    app.add_middleware(PageCacheMiddleware, max_bytes=settings.page_cache_mb * 1024 * 1024,
                       generation=corpus_generation)
    app.add_middleware(BodyLimitMiddleware, limit=settings.request_limit)
    app.add_middleware(RateLimitMiddleware, per_minute=settings.rate_limit_per_minute,
                       burst=settings.rate_limit_burst)
    app.add_middleware(RequestContextMiddleware)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 405:  # every method the path answers, not only the first route's (RFC 9110)
            exc.headers = {**(exc.headers or {}), "Allow": allowed_methods(app, request.scope)}
        if request.url.path.startswith("/api"):
            return await http_exception_handler(request, exc)
        return render(request, "error.html", {"status": exc.status_code, "detail": exc.detail},
                      status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        if request.url.path.startswith("/api"):
            return await request_validation_exception_handler(request, exc)
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in exc.errors())
        return render(request, "error.html", {"status": 400, "detail": f"Bad request ({problems})."},
                      status_code=400)

    @app.exception_handler(DataError)
    async def out_of_range(request: Request, exc: DataError):
        """A value Postgres cannot take (an id past the integer range): the request's fault, not ours."""
        detail = "A value in the request is out of range."
        if request.url.path.startswith("/api"):
            return JSONResponse({"detail": detail}, status_code=422)
        return render(request, "error.html", {"status": 404, "detail": detail}, status_code=404)

    return app


def allowed_methods(app: FastAPI, scope: dict) -> str:
    """The methods some route of the app fully matches on this request's path, as an Allow value."""
    methods = [m for m in ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
               if any(route.matches({**scope, "method": m})[0] == Match.FULL for route in app.router.routes)]
    return ", ".join(methods)
