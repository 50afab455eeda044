"""Log in with PARALLAX_ADMIN_TOKEN once; a signed, HttpOnly session cookie carries it after that."""
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from app.security.auth import (
    COOKIE,
    SESSION_SECONDS,
    auth_required,
    has_session,
    session_cookie,
    token_matches,
)
from app.web.templating import render

router = APIRouter(include_in_schema=False)


def _local(path: str) -> str:
    """Only paths on this site: no open redirect through ?next=."""
    return path if path.startswith("/") and not path.startswith(("//", "/\\")) else "/"


@router.get("/login", name="show_login")
def show_login(request: Request, next: str = "/upload"):
    return render(request, "auth/login.html", {"next": _local(next), "error": None,
                                               "logged_in": has_session(request), "needed": auth_required()})


@router.post("/login", name="log_in")
def log_in(request: Request, token: str = Form(""), next: str = Form("/upload")):
    if not auth_required() or not token_matches(token):
        error = "That is not the admin token." if auth_required() else "No admin token is set: writing is open."
        return render(request, "auth/login.html", {"next": _local(next), "error": error, "logged_in": False,
                                                   "needed": auth_required()}, status_code=401)
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(COOKIE, session_cookie(), max_age=SESSION_SECONDS, httponly=True, samesite="lax",
                        secure=request.url.scheme == "https", path="/")
    return response


@router.post("/logout", name="log_out")
def log_out():
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
