"""The HTTP service (FastAPI): ``POST /v1/check``, ``POST /v1/check/batch``, ``POST
/v1/originals``, ``GET`` and ``DELETE /v1/originals/{id}``, ``GET /v1/health``.

One :class:`~xigao.pipeline.Index` is opened once and shared: checks run in a bounded thread pool
(the index is thread-safe) and originals added through the API are visible to the next check,
without a restart. With a token, every ``/v1/`` route except health wants
``Authorization: Bearer TOKEN`` (401 otherwise); bodies over ``max_body_bytes`` get 413, malformed
JSON and wrong fields 422 with a message, and unexpected errors a generic 500 (logged here, never
sent to the client). Every response carries an ``X-Request-ID`` (the client's, when it sends a
sane one), and every request is logged as one JSON line on the ``xigao.access`` logger: time,
request id, method, path, status, latency and, for checks, the verdict. OpenAPI at ``/docs``.
Run it with ``xigao serve``, or::

    import uvicorn
    from xigao.service import create_app

    uvicorn.run(create_app("demo-out/index", token="s3cret"), port=8000)
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import json
import logging
import os
import re
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xigao import __version__
from xigao.errors import IndexFormatError, InputError, ModelError, XigaoError
from xigao.offsets import Offsets
from xigao.pipeline import Index, parse_detect
from xigao.storage import write_trouble
from xigao.types import LIMIT, Document, Result, lone_surrogate, whole_characters

__all__ = ["create_app"]

log = logging.getLogger(__name__)
#: One JSON line per request (see :class:`_AccessLog`).
access_log = logging.getLogger("xigao.access")

#: The most originals one check may align (``limit``): a compilation of a few hundred posts.
MAX_LIMIT = 500
#: Routes that need no token.
OPEN_PATHS = frozenset({"/v1/health"})


# -- request and response models ----------------------------------------------------------------
def _id_str(v: Any) -> Any:
    """Ids may be JSON numbers; they become strings (as in the JSONL readers)."""
    return str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v


def _asked_limit(item: Any) -> int:
    """The ``limit`` a batch's document asks for, as far as it can be read before it is
    validated (the default where it says none or none that is a number)."""
    got = item.get("limit") if isinstance(item, dict) else None
    return got if isinstance(got, int) and not isinstance(got, bool) and got > 0 else LIMIT


class CheckRequest(BaseModel):
    """One document to check."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"title": "标题", "body": "正文……", "id": "a-1", "detect": "repost,partial"}
            ]
        },
    )
    body: str = Field(description="The text to check; evidence offsets index into it.")
    title: str | None = Field(default=None, description="Title (not used for matching).")
    id: Annotated[str | None, BeforeValidator(_id_str)] = Field(
        default=None, description="Echoed back as the result's id."
    )
    detect: str | list[str] | None = Field(
        default=None,
        description="Comma list (or array) of repost, partial, rewrite; default: every kind "
        "the index supports (repost,partial is the fast path).",
    )
    exclude: list[Annotated[str, BeforeValidator(_id_str)]] = Field(
        default_factory=list,
        description="Ids of indexed originals to leave out, as if they were not indexed: the "
        "document's own id when an edit of an accepted post is checked again.",
        max_length=1000,
    )
    limit: int = Field(
        default=LIMIT,
        ge=1,
        le=MAX_LIMIT,
        strict=True,  # (a JSON integer: true, "5" and 5.0 are a client's bug, as the library says)
        description="How many originals sharing a copied run are aligned at most; a result "
        "that left more unaligned says more_sources (a compilation of many posts: check it "
        "again with a larger limit).",
    )
    exclude_quotes: bool = Field(
        default=False,
        strict=True,
        description="Leave quotations (text in quotation marks, block quotes) out of what can "
        "match; by default they count and each match says how many characters are quoted.",
    )
    meta: dict[str, Any] | None = Field(
        default=None,
        description="The document's metadata: credits (source, publisher, author) and "
        "publication time (published_at or time), for each match's credited and direction.",
    )
    offsets: Offsets = Field(
        default="codepoints",
        description="The unit of every offset in the answer: codepoints (Python str indices) "
        "or utf16 (code units, JavaScript string indices: an emoji before a span counts two); "
        "with utf16 the answer says offsets: utf16.",
    )

    def answer(self, idx: Index) -> tuple[Result, dict[str, Any]]:
        """This request checked against ``idx``: the result, and its JSON with the offsets in
        the unit asked for (the originals read as the check read them: an original replaced
        meanwhile is converted as it was checked)."""
        with idx.reading():
            result = self.run(idx)
            if self.offsets == "utf16":
                return result, idx.in_utf16(result, self.body)
        return result, result.to_dict()

    def run(self, idx: Index) -> Result:
        """This request checked against ``idx``."""
        return idx.check(
            self.body,
            title=self.title,
            id=self.id,
            detect=self.detect,
            meta=self.meta,
            exclude=self.exclude,
            exclude_quotes=self.exclude_quotes,
            limit=self.limit,
        )

    @field_validator("body")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("body is empty")
        return v

    @model_validator(mode="after")
    def _whole_characters(self) -> CheckRequest:
        """Half of a character (a lone surrogate escape such as the ``\\ud83d`` of an emoji
        cut in two), which no answer could carry: in the id, an error (an id comes back as
        given); in a text, U+FFFD, one character for one, so that positions stay."""
        if half := lone_surrogate(self.id, "id"):
            raise ValueError(half)
        self.body, self.title, self.meta = whole_characters((self.body, self.title, self.meta))
        return self

    @field_validator("detect")
    @classmethod
    def _detect(cls, v: str | list[str] | None) -> str | None:
        return None if v is None else ",".join(parse_detect(v))


class OriginalIn(BaseModel):
    """One original: ``id``, ``body`` (or ``text``), optional ``title``; other fields are kept."""

    model_config = ConfigDict(extra="allow")
    id: Annotated[str, BeforeValidator(_id_str)] = Field(min_length=1)
    title: str | None = None
    body: str | None = None
    text: str | None = None

    @model_validator(mode="after")
    def _has_body(self) -> OriginalIn:
        text = self.body if self.body is not None else self.text
        if text is None or not text.strip():
            raise ValueError(f"document {self.id!r} has no body (or text)")
        if half := lone_surrogate(self.id, "id"):
            raise ValueError(half)
        return self


class OriginalsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[OriginalIn] = Field(
        description="Same ids replace what is in the index; one id twice in a request is "
        "refused, as neither could be told to win."
    )

    @model_validator(mode="after")
    def _ids_once(self) -> OriginalsRequest:
        first: dict[str, int] = {}
        for k, d in enumerate(self.documents):
            if d.id in first:
                raise ValueError(
                    f"documents.{k} repeats the id {d.id!r} of documents.{first[d.id]}"
                )
            first[d.id] = k
        return self


class OriginalsResponse(BaseModel):
    added: int
    replaced: int
    documents: int = Field(description="Documents in the index after the addition.")


class HealthResponse(BaseModel):
    status: str
    documents: int
    version: str


class EvidenceOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    kind: str = Field(description="verbatim | paraphrase")
    suspect: list[int] = Field(description="[start, end) in the checked body")
    source: list[int] = Field(description="[start, end) in the original's body")
    similarity: float


class MatchOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    source_id: str
    kind: str = Field(description="repost | partial | rewrite")
    score: float
    containment: float
    coverage: float
    evidence: list[EvidenceOut]
    credited: bool = Field(
        default=False, description="The suspect credits this original's publisher or author."
    )


class CreditOut(BaseModel):
    kind: str = Field(description="source | title | author | image")
    names: list[str]
    span: list[int] | None = Field(description="[start, end) in the checked body; null: metadata")


class ResultOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str | None
    verdict: str = Field(description="repost | partial | rewrite | original")
    score: float
    matches: list[MatchOut]
    attribution: list[CreditOut] = Field(
        default=[], description="The credit lines of the body (来源, 原标题, bylines…)."
    )
    summary: str = Field(
        default="", description="The whole result in plain Chinese, for a moderator."
    )
    offsets: str | None = Field(
        default=None, description="utf16 where the request asked for offsets in UTF-16 units."
    )


class BatchRequest(BaseModel):
    """Documents to check in one request, each as ``POST /v1/check`` takes one."""

    model_config = ConfigDict(extra="forbid")
    documents: list[Any] = Field(
        description="Each a check request; one that is invalid gets its own error in the answer."
    )


class BatchResponse(BaseModel):
    results: list[dict[str, Any]] = Field(
        description="In the order given: a result, or {id, error, message} for that document."
    )


class OriginalOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    title: str | None
    body: str


class RemovedResponse(BaseModel):
    removed: str
    documents: int = Field(description="Documents in the index after the removal.")


class ErrorOut(BaseModel):
    error: str
    message: str
    detail: list[dict[str, Any]] | None = None


# -- errors -------------------------------------------------------------------------------------
def _error(status: int, error: str, message: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"error": error, "message": message, **extra}, status, headers=headers)


class _TooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body over the limit of {limit} bytes")


def _loc(loc: Any) -> str:
    """A validation error's place in the request's JSON: pydantic's location without the
    ``body`` it starts with (a field named ``body`` stays: ``documents.0.body``)."""
    parts = [str(p) for p in loc]
    return ".".join(parts[1:] if parts[:1] == ["body"] else parts) or "body"


def _msg(err: Mapping[str, Any]) -> str:
    """A validation error's message without pydantic's "Value error, " prefix."""
    return str(err.get("msg", "invalid value")).removeprefix("Value error, ")


def _where(err: Mapping[str, Any], base: str) -> str:
    """Where a batch document's validation error stands: ``documents.3.body``, or the
    document itself for one about it as a whole."""
    loc = ".".join(str(p) for p in err.get("loc", ()))
    return f"{base}.{loc}" if loc else base


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "") or "no Content-Type"


def _not_json(request: Request) -> bool:
    """The request does not say its body is JSON (``curl -d`` says form data)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return kind != "application/json" and not kind.endswith("+json")


def _json_kind(value: Any) -> str:
    names = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    detail, messages = [], []
    for err in exc.errors():
        if err.get("type") == "json_invalid":
            pos = err["loc"][-1] if err.get("loc") else "?"
            msg = f"malformed JSON at character {pos}: {err.get('ctx', {}).get('error', '')}"
            loc = "body"
        elif err.get("type") == "missing" and tuple(err.get("loc", ())) == ("body",):
            msg, loc = "the request body is empty: send a JSON object", "body"
        elif err.get("type") in ("model_attributes_type", "dict_type") and _not_json(request):
            msg = (
                "the body must be a JSON object sent with the header 'Content-Type: "
                f"application/json' (this request says {_content_type(request)!r})"
            )
            loc = "body"
        else:
            msg = _msg(err)
            loc = _loc(err.get("loc", ()))
        detail.append({"loc": loc, "msg": msg, "type": err.get("type", "")})
        messages.append(f"{loc}: {msg}")
    return _error(422, "invalid_request", "; ".join(messages) or "invalid request", detail=detail)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and "parsing the body" in str(exc.detail):
        # bytes that are no UTF-8 (a GBK body), or JSON nested past what the parser takes
        return _error(
            422,
            "invalid_request",
            "body: cannot be read as JSON: send UTF-8 JSON (not GBK or another encoding), "
            "nested no deeper than a few hundred levels",
        )
    names = {
        400: "bad_request",
        401: "unauthorized",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
    }
    resp = _error(exc.status_code, names.get(exc.status_code, "error"), str(exc.detail))
    if exc.headers:
        resp.headers.update(exc.headers)
    return resp


async def _on_crash(request: Request, exc: Exception) -> JSONResponse:
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return _server_error(exc)


#: Seconds a write through the service waits for another process's write to the index (a cron
#: ``xigao index add``) to end before it answers 503 with ``Retry-After``.
WRITE_WAIT = 5.0


def _server_error(exc: BaseException) -> JSONResponse:
    """The answer to a request that failed on the server's side: SQLite's own errors in
    words an uploader can act on (503: another process is writing the index, the disk is
    full), anything else a 500 whose details are in the log."""
    said, trouble = str(exc), write_trouble(exc)
    if trouble == "busy":
        resp = _error(
            503,
            "unavailable",
            "another process is writing the index (a cron `xigao index add`?): nothing was "
            f"written; retry later ({said})",
        )
        resp.headers["Retry-After"] = str(max(1, round(WRITE_WAIT)))
        return resp
    if trouble == "full":
        return _error(503, "unavailable", f"the index's disk is full: nothing was written ({said})")
    return _error(500, "internal_error", "internal server error; the server log has the details")


class _Crash:
    """Pure ASGI middleware, innermost of ours: a request that raises gets its error answer
    here, so Starlette's outermost error middleware (which answers too, but then re-raises to
    the server, which closes the connection) never sees it, and the client's next request
    on the same keep-alive connection is served (black-box review 8)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception as exc:
            if started:  # (too late to answer: the server closes the connection)
                raise
            resp = _server_error(exc)
            if resp.status_code == 503:  # (said in full to the client: no traceback to keep)
                log.warning("%s %s: %s", scope.get("method"), scope.get("path"), exc)
            else:
                log.error("%s %s failed", scope.get("method"), scope.get("path"), exc_info=exc)
            await resp(scope, receive, send)


# -- guard: auth and size limit before the body is read ----------------------------------------
class _Guard:
    """Pure ASGI middleware: bearer token for ``/v1/`` routes (except health) and a body limit,
    checked on ``Content-Length`` and again on the bytes actually received."""

    def __init__(self, app: ASGIApp, *, token: str | None, max_body_bytes: int) -> None:
        self.app, self.token, self.limit = app, token, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", ())}
        path: str = scope.get("path", "")
        protected = self.token is not None and path.startswith("/v1/") and path not in OPEN_PATHS
        auth = headers.get("authorization", b"").decode("latin-1")
        if protected and not _token_ok(auth, self.token or ""):
            await _error(401, "unauthorized", _AUTH_MESSAGE)(scope, receive, send)
            return
        declared = headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                await _error(400, "bad_request", "invalid Content-Length")(scope, receive, send)
                return
            if size > self.limit:
                await _error(413, "too_large", _TooLarge(self.limit).detail)(scope, receive, send)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge(self.limit)
            return message

        await self.app(scope, counted, send)


# -- access log: a request id and one JSON line per request -----------------------------------
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


class _AccessLog:
    """Pure ASGI middleware, outermost: takes the client's ``X-Request-ID`` (when it is 1-64
    of ``[A-Za-z0-9._:-]``) or makes one, returns it on the response, and logs the request as
    one JSON line on ``xigao.access`` when it ends. Handlers add fields to it (a check's
    verdict) through ``request.state.log``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", ())}
        given = headers.get("x-request-id", b"").decode("latin-1")
        rid = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex[:16]
        extra: dict[str, Any] = {}
        scope.setdefault("state", {})["log"] = extra
        status = 500
        started = time.perf_counter()

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []),
                                      (b"x-request-id", rid.encode("latin-1"))]  # fmt: skip
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                line = {
                    "ts": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
                    "request_id": rid,
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "ms": round(1000 * (time.perf_counter() - started), 1),
                    **extra,
                }
                access_log.info(json.dumps(line, ensure_ascii=False))


_T = TypeVar("_T")
_bearer = HTTPBearer(auto_error=False, description="Needed when the server has a token.")
_AUTH_MESSAGE = "missing or wrong bearer token: send the header 'Authorization: Bearer TOKEN'"


def check_token(token: str | None) -> str | None:
    """The service's token as requests must send it: without the whitespace around it (a
    secret read from a file ends in a newline), or ``ValueError`` for one no request could send:
    empty, or not printable ASCII without spaces (an HTTP header carries no other). None: no
    authentication.

    >>> check_token(" s3cret\\n")
    's3cret'
    """
    if token is None:
        return None
    token = token.strip()
    if not token:
        raise ValueError("the token is empty; give a secret, or no token for no authentication")
    if not all("!" <= c <= "~" for c in token):
        raise ValueError(
            "the token must be printable ASCII without spaces, which an HTTP header can carry"
        )
    return token


def _token_ok(header: str, token: str) -> bool:
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        given.strip().encode("utf-8"), token.encode("utf-8")
    )


# -- the app ------------------------------------------------------------------------------------
DOCS_ASSETS = "/docs-assets"


def _offline_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from the pip-installed ``swagger-ui-bundle``, not a CDN, so that
    the API documentation opens on a machine without internet."""
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.staticfiles import StaticFiles
    from swagger_ui_bundle import swagger_ui_path

    app.mount(DOCS_ASSETS, StaticFiles(directory=swagger_ui_path), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="xigao API",
            swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
        )


def create_app(
    index: Index | str | os.PathLike[str],
    *,
    token: str | None = None,
    max_body_bytes: int = 2_000_000,
    check_threads: int | None = None,
    max_batch: int = 100,
) -> FastAPI:
    """The service over ``index`` (an open :class:`Index`, or a path to open once, here).

    ``token``: when set, ``/v1/check`` and ``/v1/originals`` want ``Authorization: Bearer TOKEN``.
    ``max_body_bytes``: larger request bodies get 413.
    ``max_batch``: most documents one ``POST /v1/check/batch`` takes (more get 422).
    ``check_threads``: checks running at once (default: the CPU count, at most 4); more wait
    their turn in arrival order. Checks are CPU-bound and share the GIL, so more threads add
    switching, not throughput, and stretch every request's latency.
    """
    threads = check_threads if check_threads is not None else min(os.cpu_count() or 1, 4)
    if threads < 1:
        raise ValueError(f"check_threads must be positive, not {check_threads}")
    if max_body_bytes < 1:
        raise ValueError(f"max_body_bytes must be positive, not {max_body_bytes}")
    token = check_token(token)
    owned = not isinstance(index, Index)
    idx = Index.open(index) if not isinstance(index, Index) else index

    async def write(fn: Callable[[float], _T]) -> _T:
        """``fn(wait)`` (a write to the index, waiting ``wait`` seconds at most for another
        process's write lock) in a thread, one write at a time: writes waiting never hold the
        threads checks and health answer in. The request's ``WRITE_WAIT`` for another
        process's lock counts from its arrival: one queued behind this process's own writes
        (each quick) is written when its turn comes, however long it queued, but with
        another process holding the lock, the tenth upload queued behind the first is
        answered as soon as that one is (503), not nine waits later."""
        got: anyio.CapacityLimiter | None = getattr(app.state, "write_limiter", None)
        if got is None:
            got = app.state.write_limiter = anyio.CapacityLimiter(1)
        deadline = anyio.current_time() + WRITE_WAIT
        await got.acquire()
        try:
            left = max(0.0, deadline - anyio.current_time())
            return await anyio.to_thread.run_sync(fn, left)
        finally:
            got.release()

    def limiter() -> anyio.CapacityLimiter:
        """The checks' thread limiter, made on first use in the running loop: the app's own
        startup makes it, but a mounted app's startup never runs (Starlette runs the parent's)."""
        got: anyio.CapacityLimiter | None = getattr(app.state, "limiter", None)
        if got is None:
            got = app.state.limiter = anyio.CapacityLimiter(threads)
        return got

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        limiter()
        # the postings and, for rewrites, the fact table, before the first check
        await anyio.to_thread.run_sync(idx.prepare)
        yield
        if owned:
            idx.close()

    app = FastAPI(
        title="xigao",
        version=__version__,
        summary="Is this Chinese article a repost, a partial copy, a rewrite (洗稿) or original?",
        lifespan=lifespan,
        docs_url=None,  # served below from the installed assets: /docs works offline
        redoc_url=None,
    )
    _offline_docs(app)
    app.state.index = idx
    app.add_middleware(_Crash)  # (added first: innermost)
    app.add_middleware(_Guard, token=token, max_body_bytes=max_body_bytes)
    app.add_middleware(_AccessLog)  # added last: outermost, so it sees every answer
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_crash)

    async def authorized(
        creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        """Also enforced before the body is read (see ``_Guard``); declared here for OpenAPI.
        (async: a sync dependency would take a thread of the pool the writes wait in)"""
        if token is not None and (
            creds is None or not _token_ok(f"Bearer {creds.credentials}", token)
        ):
            raise HTTPException(401, _AUTH_MESSAGE, headers={"WWW-Authenticate": "Bearer"})

    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": ErrorOut} for code in (401, 413, 422, 500)
    }

    @app.post(
        "/v1/check",
        responses={200: {"model": ResultOut}, 503: {"model": ErrorOut}, **errors},
        dependencies=[Depends(authorized)],
    )
    async def check(req: CheckRequest, request: Request) -> JSONResponse:
        """Check one document against the index: verdict, score, matches with evidence."""
        run = functools.partial(req.answer, idx)
        try:
            result, answer = await anyio.to_thread.run_sync(run, limiter=limiter())
        except (ModelError, IndexFormatError) as e:  # the server's fault: say so, and why
            return _error(503, "unavailable", str(e))
        except XigaoError as e:  # e.g. rewrite detection asked of an index without vectors
            return _error(422, "invalid_request", str(e))
        request.state.log.update(id=result.id, verdict=result.verdict)
        return JSONResponse(answer)

    @app.post(
        "/v1/check/batch",
        response_model=BatchResponse,
        responses={503: {"model": ErrorOut}, **errors},
        dependencies=[Depends(authorized)],
    )
    async def check_batch(req: BatchRequest, request: Request) -> JSONResponse:
        """Check up to ``max_batch`` documents in one request; each document that is invalid
        or fails gets its own error, the others their results, in the order given."""
        if len(req.documents) > max_batch:
            return _error(
                422, "invalid_request", f"{len(req.documents)} documents; at most {max_batch}"
            )
        out: list[dict[str, Any]] = []
        # what the batch may align in all: as many originals as max_batch checks at the
        # default limit (diff review 13: 100 documents at limit 500 were 50,000 alignments);
        # a document at the default limit or under is never refused for it, one above gets
        # what the others leave, in order (diff review 15)
        budget = max_batch * LIMIT
        spent = sum(min(_asked_limit(item), LIMIT) for item in req.documents)
        for k, item in enumerate(req.documents):
            # half of a character (why such an id is refused) echoed as U+FFFD
            doc_id = whole_characters(item.get("id")) if isinstance(item, dict) else None
            if not isinstance(item, dict):
                msg = f"documents.{k}: must be an object with a body, not {_json_kind(item)}"
                out.append({"id": None, "error": "invalid_request", "message": msg})
                continue
            try:
                one = CheckRequest.model_validate(item)
            except ValidationError as e:
                msg = "; ".join(f"{_where(x, f'documents.{k}')}: {_msg(x)}" for x in e.errors())
                out.append({"id": doc_id, "error": "invalid_request", "message": msg})
                continue
            extra = max(one.limit - LIMIT, 0)
            spent += extra
            if spent > budget:
                msg = (
                    f"documents.{k}: with its limit of {one.limit} the batch would align up "
                    f"to {spent} originals (every document at up to {LIMIT}, and the extra "
                    f"of those before it over {LIMIT}), over the {budget} a batch aligns "
                    f"({max_batch} documents at limit {LIMIT}): check a document with a large "
                    "limit alone (POST /v1/check)"
                )
                out.append({"id": one.id, "error": "invalid_request", "message": msg})
                spent -= extra
                continue
            run = functools.partial(one.answer, idx)
            try:
                _, answer = await anyio.to_thread.run_sync(run, limiter=limiter())
            except (ModelError, IndexFormatError) as e:
                return _error(503, "unavailable", str(e))
            except XigaoError as e:
                out.append({"id": one.id, "error": "invalid_request", "message": str(e)})
                continue
            out.append(answer)
        verdicts = [r.get("verdict", "error") for r in out]
        request.state.log.update(documents=len(out), verdicts=dict(Counter(verdicts)))
        return JSONResponse({"results": out})

    @app.get(
        "/v1/originals/{doc_id:path}",
        response_model=OriginalOut,
        responses={404: {"model": ErrorOut}, 503: {"model": ErrorOut}, **errors},
        dependencies=[Depends(authorized)],
    )
    def get_original(doc_id: str) -> JSONResponse:
        """One indexed original: id, title, body and its other fields."""
        try:
            doc = idx.get(doc_id)
        except IndexFormatError as e:  # damaged, or closed
            return _error(503, "unavailable", str(e))
        if doc is None:
            return _error(404, "not_found", f"no original {doc_id!r} in the index")
        return JSONResponse({**doc.meta, "id": doc.id, "title": doc.title, "body": doc.body})

    @app.delete(
        "/v1/originals/{doc_id:path}",
        response_model=RemovedResponse,
        responses={404: {"model": ErrorOut}, 503: {"model": ErrorOut}, **errors},
        dependencies=[Depends(authorized)],
    )
    async def delete_original(doc_id: str) -> JSONResponse:
        """Remove an original from the index; later checks no longer see it."""

        def remove(wait: float) -> tuple[list[str], int]:
            return idx.remove([doc_id], wait=wait), len(idx)

        try:
            missing, n = await write(remove)
        except IndexFormatError as e:  # the index was rebuilt or removed under the service
            return _error(503, "unavailable", str(e))
        if missing:
            return _error(404, "not_found", f"no original {doc_id!r} in the index")
        return JSONResponse({"removed": doc_id, "documents": n})

    @app.post(
        "/v1/originals",
        response_model=OriginalsResponse,
        responses={503: {"model": ErrorOut}, **errors},
        dependencies=[Depends(authorized)],
    )
    async def add_originals(req: OriginalsRequest) -> OriginalsResponse | JSONResponse:
        """Add originals to the index (same ids replace); later checks see them at once. An
        original with no content is refused (422), and none of the request is added. While
        another process writes the index (a cron ``xigao index add``), 503 with
        ``Retry-After`` after ``WRITE_WAIT`` seconds, and nothing is added."""
        docs = [
            Document.coerce(whole_characters(d.model_dump(exclude_none=True)))
            for d in req.documents
        ]

        def add(wait: float) -> tuple[Any, int]:
            return idx.add(docs, wait=wait), len(idx)

        try:
            report, n = await write(add)
        except IndexFormatError as e:  # the index was rebuilt or removed under the service
            return _error(503, "unavailable", str(e))
        except InputError as e:
            return _error(422, "invalid_request", str(e))
        return OriginalsResponse(added=report.added, replaced=report.replaced, documents=n)

    @app.get("/v1/health", response_model=HealthResponse, responses={503: {"model": ErrorOut}})
    def health() -> HealthResponse | JSONResponse:
        """Liveness and the index size (with what other processes wrote taken in); needs no
        token. 503 once the index was rebuilt or removed under the service, which then
        answers no check: restart it on the new index."""
        try:
            return HealthResponse(status="ok", documents=len(idx), version=__version__)
        except IndexFormatError as e:
            return _error(503, "unavailable", str(e))

    return app
