"""The web app: pages for people (`web.pages`) and a JSON API (`web.api`) over one read-only archive.

Safety is the app's, not each route's: every response gets the security headers, every error is a plain
message (400 for a bad parameter, naming it; never a stack trace), and no route writes: the engine cannot.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crawler.sites import Registry
from web import api, pages
from web.params import BadParameter
from web.rendering import render

logger = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")
# Pages load only their own stylesheet; there is no script anywhere, so none is allowed.
APP_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none';"
    " frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("content-security-policy", APP_CSP),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cross-origin-opener-policy", "same-origin"),
)
STATUS_TEXT = {400: "请求参数有误", 404: "找不到这个页面", 405: "不支持的请求方法", 500: "服务器内部错误"}


def create_app(engine: Engine, registry: Registry | None = None) -> FastAPI:
    """The app over `engine` (read-only: see `web.archive.open_archive`); `registry` adds what only the
    site registry knows (verified, enabled) to the sites page."""
    app = FastAPI(
        title="canlian-archive",
        summary="Read-only API of the archive of reports about China's disability federations (残联)",
        version="1",
        openapi_url="/api/openapi.json",
        docs_url=None,  # the interactive docs load scripts from a CDN: the schema is enough
        redoc_url=None,
    )
    app.state.engine, app.state.registry = engine, registry
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(BadParameter, _bad_parameter)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _server_error)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    return app


class SecurityHeaders:
    """Adds the security headers to every response that does not set its own (the raw page does)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def error_response(request: Request, status: int, message: str, **extra: Any) -> Response:
    """JSON for the API, a page for people; the same message in both."""
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": STATUS_TEXT.get(status, "error"), "message": message, **extra}, status)
    context = {"status": status, "heading": STATUS_TEXT.get(status, "错误"), "message": message}
    return render(request, "error.html", context, status)


async def _bad_parameter(request: Request, error: Exception) -> Response:
    assert isinstance(error, BadParameter)
    return error_response(request, 400, str(error), parameter=error.name)


async def _invalid_request(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    problems = [
        f"{'.'.join(str(part) for part in problem['loc'][1:])}: {problem['msg']}"
        for problem in error.errors()
    ]
    return error_response(request, 400, "; ".join(problems) or "invalid request")


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    standard = HTTPStatus(error.status_code).phrase  # Starlette's own detail, e.g. "Not Found"
    detail = error.detail if isinstance(error.detail, str) and error.detail != standard else None
    message = detail or STATUS_TEXT.get(error.status_code, standard)
    response = error_response(request, error.status_code, message)
    if error.headers:
        response.headers.update(error.headers)
    return response


async def _server_error(request: Request, error: Exception) -> Response:
    logger.error("error answering %s %s", request.method, request.url.path, exc_info=error)
    response = error_response(request, 500, "出错了：服务器无法完成这个请求。详情已写入服务器日志。")
    # Starlette answers unhandled errors outside every middleware: the headers are added here instead.
    response.headers.update(dict(SECURITY_HEADERS))
    return response
