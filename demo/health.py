"""``GET /healthz`` for container health checks and load balancers, and Basic auth around the HTTP route when the
app has a login (routes added to Gradio's server are outside its login)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import platform
import secrets
from importlib import metadata
from pathlib import Path
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from demo.config import DemoConfig
from ner.config import DEFAULT_MODEL, named_model

PACKAGES = ("torch", "transformers", "peft", "gradio")
_WEIGHTS = ("model.safetensors", "adapter_model.safetensors")


def health_route(tagger: object, config: DemoConfig) -> APIRoute:
    """``GET config.health_route``: 200 with what :func:`describe` says, computed once. It answers only once the
    model is loaded (the server starts after it), so a 200 means the app can serve. No login: it names no data."""
    body = describe(tagger, config)

    async def healthz() -> JSONResponse:
        return JSONResponse(body)

    return APIRoute(config.health_route, healthz, methods=["GET"], summary="The loaded model and the versions")


def describe(tagger: object, config: DemoConfig) -> dict[str, Any]:
    """The model the app runs on (name, folder, precision, base, test F1, a digest of its weights), whether it is a
    fallback for the default model, and the versions of Python and the packages that compute the answers."""
    name = config.model or DEFAULT_MODEL
    named = named_model(config.model)
    folder = named[1] if named else Path(name)
    model: dict[str, Any] = {"name": name, "precision": getattr(tagger, "precision", None)}
    if folder.is_dir():
        model["folder"] = f"models/{folder.name}" if named else str(folder)
        model.update(_model_files(folder))
    return {
        "status": "ok",
        "model": model,
        "default_model": DEFAULT_MODEL,
        "fallback": config.note is not None and name != DEFAULT_MODEL,
        "note": config.note,
        "versions": {"python": platform.python_version(), **{package: _version(package) for package in PACKAGES}},
    }


def require_login(config: DemoConfig):
    """A FastAPI dependency: HTTP Basic credentials of one of ``config.auth``, or the session cookie of a user
    logged in to the app; 401 otherwise."""
    accepted = [f"{user}:{password}".encode() for user, password in config.auth]

    def check(request: Request) -> None:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                given = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                given = b""
            if any(secrets.compare_digest(given, pair) for pair in accepted):
                return
        app = request.app  # Gradio's App: the tokens of users logged in through its login page
        for cookie in (f"access-token-{app.cookie_id}", f"access-token-unsecure-{app.cookie_id}"):
            token = request.cookies.get(cookie)
            if token and app.tokens.get(token):
                return
        raise HTTPException(401, "log in with HTTP Basic auth", {"WWW-Authenticate": "Basic"})

    return check


def guarded(route: APIRoute, config: DemoConfig) -> APIRoute:
    """``route`` itself without a login; with one, the same route behind :func:`require_login`."""
    if not config.auth:
        return route
    return APIRoute(
        route.path,
        route.endpoint,
        methods=list(route.methods or ()),
        summary=route.summary,
        dependencies=[*route.dependencies, Depends(require_login(config))],
    )


def _model_files(folder: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    adapter = folder / "adapter_config.json"
    if adapter.is_file():
        found["base"] = json.loads(adapter.read_text()).get("base_model_name_or_path")
    metrics = folder / "metrics.json"
    if metrics.is_file():
        test = json.loads(metrics.read_text()).get("test") or {}
        if "f1" in test:
            found["test_f1"] = round(float(test["f1"]), 4)
    weights = next((folder / name for name in _WEIGHTS if (folder / name).is_file()), None)
    if weights is not None:
        digest = hashlib.sha256()
        with weights.open("rb") as data:
            while chunk := data.read(1 << 20):
                digest.update(chunk)
        found["weights"] = weights.name
        found["weights_sha256"] = digest.hexdigest()[:16]  # which version of the shipped file this is
    return found


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
