"""``POST {"inputs": ...}`` -> entities, in the Hugging Face Inference API's token-classification format."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from demo.engine import USER_ERRORS, Engine
from demo.inputs import TooLarge

_JSON_OVERHEAD = 65_536  # bytes of a request beyond its text: keys, quotes, escapes of short lists
# The longest JSON escape of one character: a surrogate pair, "\ud83d\ude00" for one emoji.
_BYTES_PER_ESCAPED_CHAR = 12
log = logging.getLogger("demo.http")


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Lane:
    """Requests of one size class: at most ``slots`` computed at once and ``room`` waiting; more are refused
    (429) rather than queued without end."""

    slots: int
    room: int
    waiting: int = 0
    limiter: anyio.CapacityLimiter | None = field(default=None, repr=False)  # made in the server's event loop

    async def run(self, work: Any, *args: Any) -> Any:
        if self.waiting >= self.room:
            raise HttpError(429, f"the server is busy ({self.waiting} requests waiting); retry in a few seconds")
        if self.limiter is None:
            self.limiter = anyio.CapacityLimiter(self.slots)
        self.waiting += 1
        try:
            return await anyio.to_thread.run_sync(work, *args, limiter=self.limiter)
        finally:
            self.waiting -= 1


def ner_route(engine: Engine) -> APIRoute:
    """The route to add to the Gradio server's FastAPI app (at ``engine.config.http_route``).

    Small requests (a few sentences) and large ones wait in separate lanes, so a one-sentence request is never
    queued behind documents of 100,000 characters; the large lane computes one request fewer at once."""
    config = engine.config
    small = Lane(config.concurrency, config.http_queue)
    large = Lane(max(1, config.concurrency - 1), config.http_queue)

    async def ner(request: Request) -> JSONResponse:
        try:
            inputs = parse(await read_body(request, _body_limit(engine)), config.max_texts)
            texts = [inputs] if isinstance(inputs, str) else inputs
            lane = small if sum(map(len, texts)) <= config.http_small_chars else large
            found = await lane.run(engine.entities, texts)
        except HttpError as error:
            return _error(error.status, str(error))
        except TooLarge as error:
            return _error(413, str(error))
        except USER_ERRORS as error:
            return _error(422, str(error))
        return JSONResponse(found[0] if isinstance(inputs, str) else found)

    return APIRoute(
        engine.config.http_route,
        ner,
        methods=["POST"],
        summary="Entities of a text or a list of texts (Hugging Face Inference API format)",
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused with 413 as soon as it grows past ``limit`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HttpError(413, f"request body is {int(declared):,} bytes; the limit is {limit:,}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HttpError(413, f"request body is over the limit of {limit:,} bytes")
    return bytes(body)


def parse(body: bytes, max_texts: int) -> str | list[str]:
    """The ``inputs`` of a JSON body: a string or a list of strings (other keys, such as ``parameters``,
    are accepted and ignored)."""
    try:
        payload: Any = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise HttpError(400, f"body is not valid JSON: {error}") from error
    except RecursionError as error:
        raise HttpError(400, "body is not valid JSON: nested too deep") from error
    if not isinstance(payload, dict) or "inputs" not in payload:
        raise HttpError(422, 'expected a JSON object such as {"inputs": "some text"}')
    inputs = payload["inputs"]
    if isinstance(inputs, str):
        return inputs
    if not isinstance(inputs, list) or not all(isinstance(item, str) for item in inputs):
        raise HttpError(422, '"inputs" must be a string or a list of strings')
    if len(inputs) > max_texts:
        raise HttpError(413, f'"inputs" has {len(inputs)} texts; the limit is {max_texts}')
    return inputs


def _body_limit(engine: Engine) -> int:
    return _BYTES_PER_ESCAPED_CHAR * engine.config.max_chars + _JSON_OVERHEAD


def _error(status: int, message: str) -> JSONResponse:
    log.info("refused with %d: %s", status, message)  # a user's mistake: one line, no traceback
    headers = {"Retry-After": "5"} if status == 429 else None
    return JSONResponse({"error": message}, status_code=status, headers=headers)
