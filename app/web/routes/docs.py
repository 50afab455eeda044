"""/docs: Swagger UI over /openapi.json, served from static/vendor (npm swagger-ui-dist), as HTMX
is: FastAPI's own page loads it from a CDN, and is blank where that cannot be reached."""
from fastapi import APIRouter, Request

from app.web.templating import render

SWAGGER_UI = "/static/vendor/swagger-ui-5.35.0"

router = APIRouter(include_in_schema=False)


@router.get("/docs", name="api_docs")
def api_docs(request: Request):
    return render(request, "api_docs.html", {"swagger_ui": SWAGGER_UI, "openapi_url": request.app.openapi_url})
