"""deploy: the Space folder (``python -m demo.deploy --dry-run``), LFS rules, the self-hosting options (env
variables, auth, root path), /healthz, the fallback to ``fast``, and, slow and opt-in, the Space built from the
dry-run folder in a fresh venv by the Dockerfile's own steps (tests/space_build.py)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from demo import cli
from demo.cli import parse_args, read_auth
from demo.config import DemoConfig
from demo.deploy import build_folder, copied_sources, front_matter, instructions, main, space_files
from demo.engine import Engine, LoadError
from demo.health import describe
from ner import NerError
from tests.helpers import REPO

SAMPLE = "John Smith flew from New York to Chicago."


# --- the Space folder -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("deploy") / "space"
    assert main(["--dry-run", str(folder)]) == 0
    return folder


def test_space_folder_holds_what_the_dockerfile_copies_and_nothing_of_training(space: Path) -> None:
    files = {path.relative_to(space).as_posix() for path in space.rglob("*") if path.is_file()}
    for source in copied_sources(REPO / "Dockerfile"):
        assert any(f == source or f.startswith(source + "/") for f in files), source
    assert {"Dockerfile", "README.md", ".gitattributes", "app.py", "requirements.txt"} <= files
    assert "models/ner-default/model.safetensors" in files
    assert "models/ner-accurate/adapter_model.safetensors" in files
    assert not [f for f in files if f.split("/")[0] in ("tests", "training", "corpus", "benchmarks", ".venv")]
    assert not [f for f in files if "__pycache__" in f or f.endswith(".pyc")]


def test_space_front_matter_is_a_docker_space_on_the_app_port(space: Path) -> None:
    meta = front_matter(space / "README.md")
    assert meta["sdk"] == "docker"
    assert meta["app_port"] == "7860"
    assert meta["title"]
    assert len(meta["short_description"]) <= 60  # the Hub refuses longer ones
    env = " ".join(arguments for kind, arguments in instructions((space / "Dockerfile").read_text()) if kind == "ENV")
    assert "GRADIO_SERVER_NAME=0.0.0.0" in env.split() and "GRADIO_SERVER_PORT=7860" in env.split()


def test_repo_front_matter_says_docker_too() -> None:
    """A git push of the repo itself (with LFS and a fresh history) must not make a Gradio SDK Space, which
    cannot install MPNet-base with --no-deps."""
    meta = front_matter(REPO / "README.md")
    assert (meta["sdk"], meta["app_port"]) == ("docker", "7860")


def test_dry_run_again_replaces_an_earlier_dry_run_only(space: Path, tmp_path: Path) -> None:
    folder = build_folder(tmp_path / "space")
    (folder / "models" / "stale.bin").write_bytes(b"left from an earlier run")
    build_folder(folder)
    assert not (folder / "models" / "stale.bin").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in space.iterdir())
    (folder / "notes.txt").write_text("not ours")
    with pytest.raises(SystemExit, match="notes.txt"):
        build_folder(folder)
    assert (folder / "notes.txt").exists()
    with pytest.raises(SystemExit, match=".git"):
        build_folder(REPO)


def test_deploy_needs_a_space_name() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([])
    assert exit_info.value.code == 2


def test_deploy_creates_a_docker_space_and_replaces_its_files(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import huggingface_hub

    calls: dict[str, dict] = {}

    def upload_folder(**kwargs: object) -> object:
        folder = Path(str(kwargs["folder_path"]))
        calls["upload"] = {**kwargs, "files": sorted(p.name for p in folder.iterdir())}
        return type("Commit", (), {"commit_url": "https://huggingface.co/spaces/ann/rw/commit/1"})()

    monkeypatch.setattr(huggingface_hub, "create_repo", lambda repo_id, **kwargs: calls.update(create=kwargs))
    monkeypatch.setattr(huggingface_hub, "upload_folder", upload_folder)
    assert main(["ann/rw", "--private"]) == 0
    assert calls["create"]["repo_type"] == "space" and calls["create"]["space_sdk"] == "docker"
    assert calls["create"]["private"] is True and calls["create"]["exist_ok"] is True
    upload = calls["upload"]
    assert (upload["repo_id"], upload["repo_type"], upload["delete_patterns"]) == ("ann/rw", "space", "*")
    assert {"Dockerfile", "README.md", "models", "demo"} <= set(upload["files"])
    assert "huggingface.co/spaces/ann/rw" in capsys.readouterr().out


def test_every_binary_the_repo_ships_goes_through_lfs() -> None:
    if not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    binaries = []
    for name in space_files(REPO) + _tracked():
        path = REPO / name
        if path.is_file() and path.stat().st_size and b"\0" in path.open("rb").read(8000):
            binaries.append(name)
    assert "models/ner-default/model.safetensors" in binaries
    attributes = subprocess.run(
        ["git", "-C", str(REPO), "check-attr", "filter", "--", *binaries], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert [line for line in attributes if not line.endswith(": filter: lfs")] == []


def _tracked() -> list[str]:
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True, check=True)
    return listed.stdout.split()


# --- options from the command line and the environment -------------------------------------------


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in list(os.environ):
        if name.startswith(("REWRITER_", "GRADIO_")):
            monkeypatch.delenv(name)
    return monkeypatch


def test_environment_sets_what_the_options_set(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("REWRITER_MODEL", "fast")
    clean_env.setenv("REWRITER_PRECISION", "float32")
    clean_env.setenv("REWRITER_MAX_CHARS", "5000")
    clean_env.setenv("GRADIO_ROOT_PATH", "/rewriter/")
    clean_env.setenv("REWRITER_AUTH", "ann:se:cret")
    config = parse_args([])
    assert (config.model, config.precision, config.max_chars) == ("fast", "float32", 5000)
    assert config.root_path == "/rewriter"
    assert config.auth == (("ann", "se:cret"),)
    # the command line wins
    config = parse_args(["--model", "accurate", "--max-chars", "7", "--auth", "bob:pw", "--root-path", "/x"])
    assert (config.model, config.max_chars, config.auth, config.root_path) == ("accurate", 7, (("bob", "pw"),), "/x")


def test_auth_file_adds_users(tmp_path: Path, clean_env: pytest.MonkeyPatch) -> None:
    file = tmp_path / "users"
    file.write_text("# who may log in\nann:one\n\n  bob:two  \n")
    assert parse_args(["--auth", "cy:three", "--auth-file", str(file)]).auth == (
        ("cy", "three"),
        ("ann", "one"),
        ("bob", "two"),
    )
    clean_env.setenv("REWRITER_AUTH_FILE", str(file))
    assert parse_args([]).auth == (("ann", "one"), ("bob", "two"))


@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["--auth", "nocolon"], {}),
        (["--auth", ":pw"], {}),
        (["--auth-file", "/nonexistent/users"], {}),
        ([], {"REWRITER_PRECISION": "int4"}),
        ([], {"REWRITER_MAX_CHARS": "lots"}),
        ([], {"REWRITER_MAX_CHARS": "0"}),
    ],
)
def test_bad_options_exit_2(argv: list[str], env: dict[str, str], clean_env: pytest.MonkeyPatch) -> None:
    for name, value in env.items():
        clean_env.setenv(name, value)
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv)
    assert exit_info.value.code == 2


def test_read_auth_keeps_colons_in_passwords() -> None:
    assert read_auth(["a:b:c"]) == (("a", "b:c"),)


# --- the fallback to fast ----------------------------------------------------------------------------


class _Loaded:
    def __init__(self, config: DemoConfig) -> None:
        self.config = config


def _loader(fails: set[str | None], cause: type[Exception] = NerError):
    def load(config: DemoConfig) -> _Loaded:
        if config.model in fails:
            raise LoadError("the MPNet-base encoder is not installed") from cause("not installed")
        return _Loaded(config)

    return load


def test_default_model_that_cannot_load_falls_back_to_fast(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli.Engine, "load", _loader({None, "accurate"}))
    engine, config = cli.load(DemoConfig(model=None))
    assert engine.config is config
    assert config.model == "fast"
    assert "`accurate`" in config.note and "MPNet-base encoder is not installed" in config.note
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "starting on fast" in err


@pytest.mark.parametrize(
    ("model", "cause", "fails"),
    [
        ("fast", NerError, {"fast"}),  # asked for fast: nothing to fall back to
        ("accurate", NerError, {"accurate"}),  # asked for accurate by name: its failure is the answer
        ("some/dir", NerError, {"some/dir"}),  # asked for another model: its failure is the answer
        (None, ValueError, {None, "fast"}),  # the vectors failed (not the model): fast would fail the same
    ],
)
def test_no_fallback_where_fast_cannot_help(
    monkeypatch: pytest.MonkeyPatch, model: str | None, cause: type[Exception], fails: set[str | None]
) -> None:
    monkeypatch.setattr(cli.Engine, "load", _loader(fails, cause))
    with pytest.raises(LoadError):
        cli.load(DemoConfig(model=model))


def test_main_exits_2_with_one_line_when_nothing_loads(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clean_env: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli.Engine, "load", _loader({None, "accurate", "fast"}))
    assert cli.main([]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2 and lines[0].startswith("demo: the accurate model cannot be loaded")


def test_healthz_names_the_shipped_model_and_its_weights() -> None:
    if not (REPO / "models" / "ner-default" / "model.safetensors").is_file():
        pytest.skip("models/ner-default is not shipped here")
    body = describe(object(), DemoConfig(model="fast", note="accurate failed"))
    assert body["model"]["folder"] == "models/ner-default"
    assert len(body["model"]["weights_sha256"]) == 16 and 0.8 < body["model"]["test_f1"] <= 1
    assert body["fallback"] is True and body["note"] == "accurate failed"
    assert body["versions"]["torch"] and body["versions"]["gradio"]
    accurate = describe(object(), DemoConfig())["model"]
    assert (accurate["name"], accurate["base"]) == ("accurate", "mpnet")
    assert accurate["weights"] == "adapter_model.safetensors"


# --- a served app: /healthz, the login, the root path, the note ------------------------------------


@pytest.fixture(scope="module")
def guarded_url(tmp_path_factory: pytest.TempPathFactory, tiny_parts):
    from demo.app import serve

    tagger, localizer = tiny_parts(tmp_path_factory.mktemp("guarded"))
    config = DemoConfig(port=0, auth=(("ann", "pw"),), root_path="/rewriter", note="NOTE-1")
    blocks = serve(Engine(tagger, localizer, config))
    yield blocks.local_url.rstrip("/"), blocks
    blocks.close()


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_healthz_answers_without_login(guarded_url) -> None:
    url, _ = guarded_url
    response = httpx.get(f"{url}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["note"] == "NOTE-1"
    assert body["model"]["precision"] in ("float32", "int8", "bfloat16")


def test_http_route_needs_the_login(guarded_url) -> None:
    url, _ = guarded_url
    payload = {"inputs": SAMPLE}
    assert httpx.post(f"{url}/models/ner", json=payload).status_code == 401
    assert httpx.post(f"{url}/models/ner", json=payload, headers=_basic("ann", "wrong")).status_code == 401
    answer = httpx.post(f"{url}/models/ner", json=payload, headers=_basic("ann", "pw"))
    assert answer.status_code == 200 and isinstance(answer.json(), list)
    # the Gradio login's cookie opens it too
    with httpx.Client(base_url=url) as session:
        assert session.post("/login", data={"username": "ann", "password": "pw"}).status_code == 200
        assert session.post("/models/ner", json=payload).status_code == 200


def test_gradio_api_needs_the_login(guarded_url) -> None:
    from gradio_client import Client

    url, _ = guarded_url
    with pytest.raises(Exception):  # noqa: B017 - gradio_client raises various errors for a refused login
        Client(url, verbose=False)
    client = Client(url, auth=("ann", "pw"), verbose=False)
    assert client.predict("Paris", "India", "USA", ["LOC"], False, api_name="/rewrite")[0]


def test_root_path_and_note_reach_the_page(guarded_url) -> None:
    url, blocks = guarded_url
    assert blocks.root_path == "/rewriter"
    with httpx.Client(base_url=url) as session:
        session.post("/login", data={"username": "ann", "password": "pw"})
        config = session.get("/config").json()
    assert config["root"].endswith("/rewriter")
    assert any(c.get("props", {}).get("value") == "NOTE-1" for c in config["components"])


# --- the Space, built as its Dockerfile says (slow) ------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("SPACE_BUILD"),
    reason="the Space build downloads ~1 GB and takes ~8 min: SPACE_BUILD=1 (make space-check) runs it",
)
def test_space_builds_from_the_dry_run_folder_and_serves(tmp_path: Path) -> None:
    from tests import space_build

    built = space_build.build(tmp_path / "build")
    server = space_build.start(built, space_build.free_port())
    try:
        assert "John Smith" not in space_build.rewrite(server.url, SAMPLE)
        status, found = server.post("/models/ner", {"inputs": SAMPLE})
        assert status == 200 and {e["entity_group"] for e in found} >= {"PER", "LOC"}
        health = json.loads(server.get("/healthz")[1])
        assert (health["model"]["name"], health["fallback"]) == ("accurate", False)
        assert space_build.healthcheck(built, int(server.url.rsplit(":", 1)[1])) == 0
    finally:
        server.stop()
    print(json.dumps({"build_s": round(built.seconds), **space_build.installed_mb(built)}))
    # its MPNet-base wheels are gone: without the unpacked copy the app starts on fast and says so
    server = space_build.start(built, space_build.free_port(), {"XDG_CACHE_HOME": str(tmp_path / "empty")})
    try:
        health = json.loads(server.get("/healthz")[1])
        assert (health["model"]["name"], health["fallback"]) == ("fast", True)
        assert "could not be loaded" in health["note"]
        assert "starting on fast" in server.output.read_text()
    finally:
        server.stop()
