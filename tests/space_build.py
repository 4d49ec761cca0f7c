"""Build the Space (or the container) as the Dockerfile says, where no container engine can run it: a fresh venv
stands for the image's Python, a folder for its WORKDIR, and the Dockerfile's ENV, ARG, WORKDIR, COPY and RUN
steps run in order from the ``--dry-run`` folder. The root-only ``useradd`` step is skipped; USER is ignored.

``python -m tests.space_build DIR`` builds into DIR, serves the app and prints the figures (time to the first
/rewrite answer, installed size, memory); tests/test_deploy.py runs the same, marked slow.

Build arguments come from the environment, as ``docker build --build-arg`` would give them; where PyTorch's CPU
index is unreachable, TORCH_INDEX_URL falls back to PyPI, where pip finds ``torch==2.13.0+cpu`` only through a
local find-links or a mirror (it never takes the CUDA build for it: the pin names +cpu). SPACE_BUILD_PIP_CACHE=DIR
lets pip cache downloads there across runs (the Dockerfile itself turns the cache off).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from demo.deploy import build_folder, instructions

SKIPPED_RUNS = ("useradd",)  # system steps a venv cannot take (and needs no stand-in for)
_KEPT_ENV = ("HOME", "LANG", "TMPDIR", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE")


@dataclass
class Build:
    root: Path  # holds context/ (the dry-run folder), venv/ and app/ (the WORKDIR)
    env: dict[str, str] = field(default_factory=dict)
    entrypoint: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    seconds: float = 0.0
    log: Path | None = None

    @property
    def context(self) -> Path:
        return self.root / "context"

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def app(self) -> Path:
        return self.root / "app"


def build(root: Path, repo: Path | None = None) -> Build:
    """The dry-run folder in ``root/context``, then the Dockerfile's steps in a fresh ``root/venv``."""
    started = time.perf_counter()
    result = Build(root)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    build_folder(result.context, *([repo] if repo else []))
    dockerfile = instructions((result.context / "Dockerfile").read_text())
    _check_python(dockerfile)
    subprocess.run([sys.executable, "-m", "venv", str(result.venv)], check=True)
    result.log = root / "build.log"
    env = _base_env(result.venv)
    workdir = ""
    for instruction, arguments in dockerfile:
        if instruction == "ARG":
            name, _, default = arguments.partition("=")
            env[name] = os.environ.get(name) or _arg_default(name, default.strip().strip("\"'"))
        elif instruction == "ENV":
            for pair in shlex.split(arguments):
                name, _, value = pair.partition("=")
                env[name] = _inside(value, workdir, result.app)
            if os.environ.get("SPACE_BUILD_PIP_CACHE"):
                env.pop("PIP_NO_CACHE_DIR", None)
                env["PIP_CACHE_DIR"] = os.environ["SPACE_BUILD_PIP_CACHE"]
        elif instruction == "WORKDIR":
            assert not workdir, "one WORKDIR only: later paths are relative to it"
            workdir = arguments
            result.app.mkdir()
            env = {name: _inside(value, workdir, result.app) for name, value in env.items()}
        elif instruction == "COPY":
            _copy(result, arguments)
        elif instruction == "RUN":
            if not arguments.startswith(SKIPPED_RUNS):
                _run(arguments, result.app, env, result.log)
        elif instruction == "HEALTHCHECK":
            result.healthcheck = json.loads(arguments[arguments.index("CMD") + 3 :])
        elif instruction == "ENTRYPOINT":
            result.entrypoint = json.loads(arguments)
    result.env = env
    result.seconds = time.perf_counter() - started
    return result


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    output: Path

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def post(self, path: str, payload: object) -> tuple[int, object]:
        request = urllib.request.Request(
            self.url + path, json.dumps(payload).encode(), {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(built: Build, port: int, extra_env: dict[str, str] | None = None, timeout: float = 900) -> Server:
    """The image's ENTRYPOINT in the WORKDIR with the image's environment, on ``port``; returns once /healthz
    answers 200 (AssertionError with the app's output if it exits or the time runs out)."""
    env = {**built.env, "GRADIO_SERVER_NAME": "127.0.0.1", "GRADIO_SERVER_PORT": str(port), **(extra_env or {})}
    output = built.root / f"serve-{port}.log"
    with output.open("wb") as sink:
        process = subprocess.Popen(
            built.entrypoint, cwd=built.app, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, f"http://127.0.0.1:{port}", output)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the app exited with {process.returncode}:\n{output.read_text()[-3000:]}")
        try:
            if server.get("/healthz", timeout=5)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(2)
    server.stop()
    raise AssertionError(f"no /healthz within {timeout:.0f} s:\n{output.read_text()[-3000:]}")


def healthcheck(built: Build, port: int) -> int:
    """The exit status of the image's HEALTHCHECK command run against the app on ``port``."""
    env = {**built.env, "GRADIO_SERVER_PORT": str(port)}
    return subprocess.run(built.healthcheck, cwd=built.app, env=env, capture_output=True, timeout=30).returncode


def rewrite(url: str, text: str) -> str:
    """The rewritten text of ``/rewrite`` through gradio_client (the caller's, not the built venv's)."""
    from gradio_client import Client

    return Client(url, verbose=False).predict(text, "India", "USA", ["PER", "LOC", "ORG"], False, api_name="/rewrite")[
        0
    ]


def installed_mb(built: Build) -> dict[str, float]:
    return {name: _du(path) / 1e6 for name, path in (("venv", built.venv), ("app", built.app))}


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _check_python(dockerfile: list[tuple[str, str]]) -> None:
    base = next(arguments for instruction, arguments in dockerfile if instruction == "FROM")
    match = re.match(r"python:(\d+\.\d+)", base)
    here = f"{sys.version_info.major}.{sys.version_info.minor}"
    if match and match.group(1) != here:
        raise RuntimeError(f"the image is {base}; this Python is {here}: run the build with Python {match.group(1)}")


def _base_env(venv: Path) -> dict[str, str]:
    """A clean environment: the venv's bin first, pip's own settings of this machine (index mirrors, find-links,
    certificates), nothing of the caller's venv or PYTHONPATH."""
    env = {name: os.environ[name] for name in _KEPT_ENV if name in os.environ}
    env.update({name: value for name, value in os.environ.items() if name.startswith("PIP_")})
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}/usr/local/bin:/usr/bin:/bin"
    env["VIRTUAL_ENV"] = str(venv)
    return env


def _arg_default(name: str, default: str) -> str:
    """A build argument's default; an index URL that does not answer within 10 s becomes PyPI's."""
    if not name.endswith("INDEX_URL") or not default.startswith("http"):
        return default
    try:
        urllib.request.urlopen(default.rstrip("/") + "/", timeout=10).close()
        return default
    except OSError:
        print(f"space_build: {default} does not answer; {name}=https://pypi.org/simple", file=sys.stderr)
        return "https://pypi.org/simple"


def _inside(value: str, workdir: str, app: Path) -> str:
    """A path under the image's WORKDIR as the same path under the build's app folder."""
    if workdir and (value == workdir or value.startswith(workdir.rstrip("/") + "/")):
        return str(app) + value[len(workdir.rstrip("/")) :]
    return value


def _copy(built: Build, arguments: str) -> None:
    words = [word for word in shlex.split(arguments) if not word.startswith("--")]
    *sources, destination = words
    target = built.app / destination
    for source in sources:
        origin = built.context / source
        if origin.is_dir():
            shutil.copytree(origin, target if len(sources) == 1 else target / origin.name, dirs_exist_ok=True)
        else:
            into_dir = destination.endswith("/") or len(sources) > 1
            (target if into_dir else target.parent).mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / origin.name if into_dir else target)


def _run(command: str, cwd: Path, env: dict[str, str], log: Path) -> None:
    started = time.perf_counter()
    with log.open("a") as sink:
        sink.write(f"\n$ {command}\n")
        sink.flush()
        done = subprocess.run(["/bin/sh", "-c", command], cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT)
        sink.write(f"# {time.perf_counter() - started:.0f} s, exit {done.returncode}\n")
    if done.returncode:
        raise AssertionError(f"RUN {command}\nexited with {done.returncode}:\n{log.read_text()[-4000:]}")


def _du(path: Path) -> int:
    return sum(item.stat().st_size for item in path.rglob("*") if item.is_file() and not item.is_symlink())


def main(argv: list[str]) -> int:
    """Build into argv[0], serve with the default model and with the fallback, and print the figures as JSON."""
    root = Path(argv[0]).resolve()
    started = time.perf_counter()
    built = build(root)
    figures: dict[str, object] = {"build_s": round(built.seconds), "installed_mb": installed_mb(built)}
    server = start(built, free_port())
    try:
        answer = rewrite(server.url, "John Smith flew from New York to Chicago.")
        figures["first_rewrite_s"] = round(time.perf_counter() - started)
        figures["rewrite"] = answer
        figures["healthz"] = json.loads(server.get("/healthz")[1])
        figures["healthcheck_exit"] = healthcheck(built, int(server.url.rsplit(":", 1)[1]))
        figures["accurate_rss_mb"] = round(server.rss_mb())
        figures["accurate_peak_rss_mb"] = round(server.peak_rss_mb())
    finally:
        server.stop()
    # Without the unpacked MPNet-base (its wheels are gone after the build), the app starts on fast, with a note.
    server = start(built, free_port(), {"XDG_CACHE_HOME": str(root / "empty-cache")})
    try:
        figures["fallback_healthz"] = json.loads(server.get("/healthz")[1])
        figures["fallback_rewrite"] = rewrite(server.url, "John Smith flew from New York to Chicago.")
        figures["fast_rss_mb"] = round(server.rss_mb())
        figures["fast_peak_rss_mb"] = round(server.peak_rss_mb())
    finally:
        server.stop()
    print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
