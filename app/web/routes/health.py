from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.web.deps import SessionDep

router = APIRouter(tags=["operations"])


@router.get("/healthz", name="health")
def health() -> dict:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", name="ready", responses={503: {"description": "Not ready; `checks` says why"}})
def ready(session: SessionDep):
    """Ready to serve: the database answers, its schema is at the latest migration, the model is loaded."""
    from app.db.migrate import current_revisions, head_revisions
    from app.embed.model import load_embedder

    checks: dict[str, str] = {}
    try:
        session.execute(text("SELECT 1"))
        checks["database"] = "ok"
        current, heads = current_revisions(session.connection()), head_revisions()
        checks["migrations"] = "ok" if current == heads else f"at {', '.join(current) or 'nothing'}, head is {', '.join(heads)}"
    except Exception as exc:
        checks["database"] = f"unreachable ({type(exc).__name__})"
        checks["migrations"] = "unknown"
    checks["model"] = "ok" if load_embedder.cache_info().currsize else "not loaded"
    ok = all(v == "ok" for v in checks.values())
    return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks}, status_code=200 if ok else 503)
