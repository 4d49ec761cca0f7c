"""``POST {"inputs": ...}`` -> entities, in the Hugging Face Inference API's token-classification format."""

from __future__ import annotations

import json
from typing import Any

import anyio
from fastapi import Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from demo.engine import USER_ERRORS, Engine
from demo.inputs import TooLarge

_JSON_OVERHEAD = 65_536  # bytes of a request beyond its text: keys, quotes, escapes of short lists


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def ner_route(engine: Engine) -> APIRoute:
    """The route to add to the Gradio server's FastAPI app (at ``engine.config.http_route``)."""
    limiter: list[anyio.CapacityLimiter] = []  # made on first use: it needs the server's event loop

    async def ner(request: Request) -> JSONResponse:
        try:
            inputs = parse(await read_body(request, _body_limit(engine)), engine.config.max_texts)
            if not limiter:
                limiter.append(anyio.CapacityLimiter(engine.config.concurrency))
            texts = [inputs] if isinstance(inputs, str) else inputs
            found = await anyio.to_thread.run_sync(engine.entities, texts, limiter=limiter[0])
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
    return 6 * engine.config.max_chars + _JSON_OVERHEAD  # "\uXXXX" escapes take 6 bytes per character


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
