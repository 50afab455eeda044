from fastapi import APIRouter
from sqlalchemy import text

from app.web.deps import SessionDep

router = APIRouter(tags=["operations"])


@router.get("/healthz", name="health")
def health() -> dict:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", name="ready")
def ready(session: SessionDep) -> dict:
    """The database answers."""
    session.execute(text("SELECT 1"))
    return {"status": "ready"}
