"""demo: the named Gradio endpoints and the HTTP route on a real server, bad inputs, the CLI.

A tiny random BERT stands in for the real model, so these check the plumbing (shapes, offsets, errors,
status codes); the real model's answers are checked only when models/ner-default exists."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError

from demo import editing
from demo.cli import main as cli_main
from demo.cli import parse_args
from demo.config import DemoConfig
from demo.engine import Engine
from demo.http_api import HttpError, Lane
from localize import Localizer, restore
from ner import EntityTagger
from tests.helpers import LABELS, REPO, tiny_model_dir

SENTENCE = "My name is Mitchell and I live in Paris"
MAX_CHARS = 2_000  # small, so over-long inputs stay cheap to send
REAL_MODEL = REPO / "models" / "ner-default" / "config.json"


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory, tiny_parts: Any) -> tuple[EntityTagger, Localizer]:
    return tiny_parts(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def url(parts: tuple[EntityTagger, Localizer]):
    from demo.app import serve

    blocks = serve(Engine(*parts, DemoConfig(port=0, max_chars=MAX_CHARS, max_texts=8)))
    yield blocks.local_url
    blocks.close()


@pytest.fixture(scope="module")
def client(url: str) -> Client:
    return Client(url, verbose=False)


def joined(highlighted: list[dict]) -> str:
    return "".join(token["token"] for token in highlighted)


def check_entities(text: str, entities: list[dict]) -> None:
    for entity in entities:
        assert set(entity) == {"entity_group", "score", "word", "start", "end"}
        assert text[entity["start"] : entity["end"]] == entity["word"]
        assert 0.0 <= entity["score"] <= 1.0


# --- /rewrite ---------------------------------------------------------------------------------------


def rewrite(
    client: Client,
    text: str = SENTENCE,
    target: str = "India",
    types=("PER", "LOC", "ORG", "MISC"),
    type_check: bool = False,
    mode: str = "localize",
    keep: str = "",
    force: str = "",
    mapping=None,
    source: str = "USA",
) -> tuple:
    """``/rewrite`` as a gradio_client caller makes it: (text, marked in, marked out, table, notice, text file,
    mapping file)."""
    return client.predict(text, target, source, list(types), type_check, mode, keep, force, mapping,
                          api_name="/rewrite")  # fmt: skip


def test_rewrite_returns_text_highlights_table_and_files(client: Client) -> None:
    text, marked_in, marked_out, table, notice, text_path, mapping_path = rewrite(client)
    assert isinstance(text, str) and text
    assert joined(marked_in) == SENTENCE
    assert joined(marked_out) == text
    assert table["headers"] == editing.COLUMNS
    tagged = [t["token"] for t in marked_in if t["class_or_confidence"]]
    assert [row[1] for row in table["data"]] == list(dict.fromkeys(tagged))  # one row per original
    for ticked, original, replacement, _note, entity_type, kind, pool, *_ in table["data"]:
        assert entity_type in {"PER", "ORG", "LOC", "MISC"}
        assert (replacement or original) in text and ticked == bool(replacement)
        assert bool(replacement) == bool(kind) == bool(pool)  # every replacement says what it is and where from
    assert notice == ""  # India names a country: nothing to warn about
    assert Path(text_path).read_text(encoding="utf-8") == text
    assert restore(text, json.loads(Path(mapping_path).read_text())) == SENTENCE


def test_rewrite_takes_its_later_inputs_as_optional_keywords(client: Client) -> None:
    """README's calls: the inputs added by #26 (mode, keep, force, mapping) have defaults."""
    text, *_ = client.predict(SENTENCE, "India", "USA", api_name="/rewrite")
    redacted, *_ = client.predict(SENTENCE, source="USA", mode="redact", force="Mitchell PER", api_name="/rewrite")
    assert text and "Mitchell" not in redacted


def test_rewrite_says_when_the_target_names_no_country(client: Client) -> None:
    *_, notice, _, _ = rewrite(client, target="delhi")  # in the tiny vectors, and no country
    assert "names no country" in notice


def test_rewrite_with_no_types_keeps_the_text(client: Client) -> None:
    text, _, _, table, *_ = rewrite(client, types=())
    assert text == SENTENCE
    assert all(row[2] in ("", None) for row in table["data"])


def test_rewrite_with_type_check_runs(client: Client) -> None:
    text, marked_in, *_ = rewrite(client, types=("PER", "LOC"), type_check=True)
    assert isinstance(text, str) and joined(marked_in) == SENTENCE


def test_each_mode_keep_and_force(client: Client) -> None:
    force = "Mitchell PER\nParis LOC"  # the tiny random tagger finds nothing for sure: force the entities
    localized, *_ = rewrite(client, force=force)
    assert "Mitchell" not in localized and "Paris" not in localized
    kept, *_ = rewrite(client, force=force, keep="/Par.s/")
    assert "Mitchell" not in kept and "Paris" in kept
    redacted, _, _, table, *_ = rewrite(client, force=force, mode="redact")
    assert "Mitchell" not in redacted and "Paris" not in redacted and "[" in redacted
    # Pseudonymize stays in the source country; the tiny vectors know "india", not "united states".
    pseudonymized, *_, mapping_path = rewrite(client, force=force, mode="pseudonymize", source="India")
    assert "Mitchell" not in pseudonymized
    assert client.predict(pseudonymized, handle_file(mapping_path), api_name="/restore") == SENTENCE


def test_a_saved_mapping_is_reused(client: Client, tmp_path: Path) -> None:
    force, types = "Mitchell PER\nParis LOC", ("PER", "LOC")
    *_, mapping_path = rewrite(client, types=types, force=force)
    saved = json.loads(Path(mapping_path).read_text())
    saved["entries"]["LOC"]["Paris"]["replacement"] = "Mumbai"  # an edited mapping file
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(saved))
    text, *_ = rewrite(client, text="Paris, then Mitchell.", types=types, force=force, mapping=handle_file(edited))
    assert text == f"Mumbai, then {saved['entries']['PER']['Mitchell']['replacement']}."


@pytest.mark.parametrize(
    ("text", "target", "settings", "message"),
    [
        ("x" * (MAX_CHARS + 1), "India", {}, "limit is 2,000"),
        (SENTENCE, "  ", {}, "target context"),
        (SENTENCE, "zzqx", {}, "unknown target word"),
        (SENTENCE, "India", {"keep": "/Par(is/"}, "does not compile"),
        (SENTENCE, "India", {"force": "Paris CITY"}, "unknown type"),
        (SENTENCE, "India", {"force": "PER"}, "is not &#x27;word TYPE&#x27;"),
        (SENTENCE, "India", {"mode": "translate"}, "unknown mode|translate"),
    ],
)
def test_rewrite_refuses_bad_input_with_a_message(
    client: Client, text: str, target: str, settings: dict, message: str
) -> None:
    with pytest.raises(AppError, match=message):
        rewrite(client, text, target, ("LOC",), **settings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"version": 1, "target": "India", "source": "USA", "strategy": "grounded"}', "version 1"),
        ('{"version": 2, "entries": {}}', "malformed mapping"),
        ("[1, 2]", "malformed mapping"),
    ],
)
def test_bad_mappings_are_refused(client: Client, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "mapping.json"
    path.write_text(content)
    with pytest.raises(AppError, match=message):
        rewrite(client, mapping=handle_file(path))
    with pytest.raises(AppError, match=message):
        client.predict("some text", handle_file(path), api_name="/restore")


def test_restore_refuses_a_mapping_that_does_not_fit(client: Client) -> None:
    text, *_, mapping_path = rewrite(client, force="Paris LOC")
    with pytest.raises(AppError, match="does not fit"):
        client.predict("Something else entirely, longer than it.", handle_file(mapping_path), api_name="/restore")
    with pytest.raises(AppError, match="Upload the mapping"):
        client.predict(text, None, api_name="/restore")


def test_rewrite_of_nothing_answers_empty(client: Client) -> None:
    text, marked_in, _, table, *_ = rewrite(client, " \n ", types=("LOC",))
    assert text == "" and joined(marked_in) == ""
    assert not any(any(row) for row in table["data"])


def test_user_errors_are_escaped_and_logged_as_one_line(caplog: pytest.LogCaptureFixture) -> None:
    from demo.app import user_error

    with caplog.at_level("INFO", logger="demo"):
        error = user_error("unknown target word '<img src=x>'")
    assert error.message == "unknown target word &#x27;&lt;img src=x&gt;&#x27;"
    assert error.print_exception is False
    assert [r.getMessage() for r in caplog.records] == ["refused: unknown target word '<img src=x>'"]


# --- /entities --------------------------------------------------------------------------------------


def test_entities_of_pasted_text_with_downloads(client: Client) -> None:
    table, csv_path, json_path = client.predict(SENTENCE, [], api_name="/entities")
    assert table["headers"] == ["source", "entity_group", "word", "score", "start", "end"]
    for source, _, word, _, start, end in table["data"]:
        assert source == "(pasted text)" and SENTENCE[start:end] == word
    records = json.loads(Path(json_path).read_text())
    assert [list(r.values()) for r in records] == table["data"]
    assert Path(csv_path).read_text().splitlines()[0] == ",".join(table["headers"])


def test_entities_of_uploaded_files(client: Client, tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# Trip\n\nAngela flew from Berlin to Paris.\n", encoding="utf-8")
    plain = tmp_path / "plain.txt"
    plain.write_bytes("\ufeffJosé lives in São Paulo.".encode())  # a BOM is not part of the text
    table, _, _ = client.predict("", [handle_file(notes), handle_file(plain)], api_name="/entities")
    texts = {"notes.md": notes.read_text(), "plain.txt": "José lives in São Paulo."}
    for source, _, word, _, start, end in table["data"]:
        assert texts[source][start:end] == word


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("binary.txt", b"abc\x00\x01\x02", "binary file"),
        ("latin1.txt", "café crème".encode("latin-1"), "not UTF-8 text"),
        ("big.txt", b"word " * (MAX_CHARS // 4), "limit"),
        ("report.pdf", b"%PDF-1.4", "Invalid file type"),
    ],
)
def test_entities_refuses_bad_uploads(client: Client, tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(AppError, match=message):
        client.predict("", [handle_file(path)], api_name="/entities")


def test_files_over_the_upload_limit_are_refused(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes(b"a" * (4 * MAX_CHARS + 1))  # no text within the limit can take more bytes
    with pytest.raises((AppError, ValueError), match="maximum file size"):
        client.predict("", [handle_file(path)], api_name="/entities")


def test_entities_needs_some_input(client: Client) -> None:
    with pytest.raises(AppError, match="paste some text"):
        client.predict("  ", [], api_name="/entities")


# --- the Hugging Face Inference API route ------------------------------------------------------------


def test_http_route_one_text(url: str) -> None:
    response = httpx.post(f"{url}models/ner", json={"inputs": SENTENCE})
    assert response.status_code == 200
    check_entities(SENTENCE, response.json())


def test_http_route_list_of_texts(url: str) -> None:
    texts = [SENTENCE, "", "Angela lives in Berlin."]
    response = httpx.post(f"{url}models/ner", json={"inputs": texts, "parameters": {"aggregation_strategy": "simple"}})
    assert response.status_code == 200
    found = response.json()
    assert len(found) == 3 and found[1] == []
    for text, entities in zip(texts, found, strict=True):
        check_entities(text, entities)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"\xff\xfe\x00", 400, "not valid JSON"),
        (b'["a"]', 422, "JSON object"),
        (b'{"text": "a"}', 422, "JSON object"),
        (b'{"inputs": 5}', 422, "string or a list of strings"),
        (b'{"inputs": ["a", 1]}', 422, "string or a list of strings"),
        (json.dumps({"inputs": "x" * (MAX_CHARS + 1)}).encode(), 413, "limit is 2,000"),
        (json.dumps({"inputs": ["x" * 1500, "y" * 1500]}).encode(), 413, "in all"),
        (json.dumps({"inputs": ["a"] * 9}).encode(), 413, "limit is 8"),
        (b" " * (12 * MAX_CHARS + 70_000), 413, "bytes"),
        (b'{"inputs": ' + b"[" * 40_000 + b"]" * 40_000 + b"}", 400, "nested too deep"),
    ],
)
def test_http_route_refuses_bad_requests(url: str, body: bytes, status: int, message: str) -> None:
    response = httpx.post(f"{url}models/ner", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status
    assert message in response.json()["error"]


def test_http_route_takes_escaped_emoji_up_to_the_character_limit(url: str) -> None:
    text = "😀" * (MAX_CHARS - 20) + " Paris"  # 12 bytes per emoji as JSON escapes: over 6 bytes per character
    response = httpx.post(f"{url}models/ner", content=json.dumps({"inputs": text}).encode())
    assert response.status_code == 200


def test_a_full_lane_refuses_with_429_instead_of_queueing_without_end() -> None:
    lane = Lane(slots=1, room=1)
    started = threading.Event()
    release = threading.Event()

    def work() -> str:
        started.set()
        release.wait(10)
        return "done"

    async def two_requests() -> tuple[str, int]:
        async with anyio.create_task_group() as group:
            results: list[str] = []

            async def first() -> None:
                results.append(await lane.run(work))

            group.start_soon(first)
            await anyio.to_thread.run_sync(started.wait, 10)
            try:
                await lane.run(work)
            except HttpError as error:
                refused = error.status
            release.set()
        return results[0], refused

    assert anyio.run(two_requests) == ("done", 429)
    assert lane.waiting == 0


def test_http_route_is_post_only(url: str) -> None:
    assert httpx.get(f"{url}models/ner").status_code == 405


def test_ui_page_is_served(url: str) -> None:
    assert httpx.get(url).status_code == 200


# --- CLI and configuration -------------------------------------------------------------------------


def test_cli_missing_model_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert cli_main(["--model", str(tmp_path / "absent")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("demo: ") and "absent" in err and "\n" not in err


def test_cli_missing_vectors_is_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    model = tiny_model_dir(tmp_path / "model", labels=LABELS)
    assert cli_main(["--model", str(model), "--vectors", str(tmp_path / "absent.txt")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("demo: ") and "absent.txt" in err and "\n" not in err


def test_python_m_demo_exits_without_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "demo", "--model", str(tmp_path / "absent")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and done.stderr.strip().startswith("demo: ")


def test_cli_options_and_hosting_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    config = parse_args(["--port", "8000", "--share", "--max-chars", "50", "--concurrency", "3"])
    assert (config.port, config.share, config.max_chars, config.concurrency) == (8000, True, 50, 3)
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    assert parse_args([]).host == "0.0.0.0"
    with pytest.raises(SystemExit):
        parse_args(["--concurrency", "0"])


# --- the real model, when it has been trained ---------------------------------------------------------


@pytest.mark.skipif(not REAL_MODEL.exists(), reason="models/ner-default is not trained yet (make model)")
def test_real_model_finds_and_replaces() -> None:
    engine = Engine.load(DemoConfig())
    entities, result = engine.rewrite(SENTENCE, "India", "USA", ["PER", "LOC", "ORG"])
    found = {(e["entity_group"], e["word"]) for e in entities}
    assert {("PER", "Mitchell"), ("LOC", "Paris")} <= found
    assert "Paris" not in result.text and result.text.startswith("My name is ")
