"""The Gradio app: a Rewrite tab (edit the replacements, the text follows), a Restore tab, an Entities tab, named
API endpoints and the HTTP route, on one server."""

from __future__ import annotations

import html
import logging
import socket
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import gradio as gr
import pandas as pd

from demo import editing, inputs, views
from demo.engine import USER_ERRORS, Engine
from demo.exports import Exports
from demo.health import guarded, health_route
from demo.http_api import ner_route
from demo.inputs import InputError, check_text, read_uploads
from localize import MODES, RewriteResult, restore

EXAMPLES = [
    "My name is Mitchell and I live in Paris.",
    "John Smith flew from New York to Chicago to meet the board of General Motors.",
    "Angela Merkel met Emmanuel Macron in Berlin before the European Union summit.",
]
_CONCURRENCY_ID = "model"  # every event shares the CPU, so they share one concurrency limit
log = logging.getLogger("demo")


def user_error(error: Exception | str) -> gr.Error:
    """A user's mistake as Gradio shows it: the message (escaped: Gradio renders it as HTML), logged as one
    line instead of a traceback."""
    message = str(error)
    log.info("refused: %s", message)
    return gr.Error(html.escape(message), print_exception=False)


def build_app(engine: Engine) -> gr.Blocks:
    """The UI and its named endpoints ``/rewrite``, ``/restore`` and ``/entities``; ``serve`` adds the HTTP route."""
    with gr.Blocks(title="Entity rewriter", analytics_enabled=False) as blocks:
        gr.Markdown(
            "# Entity rewriter\nFinds people, places and organisations, and swaps them for their "
            "counterparts in another context (*Paris* → *Delhi* from USA to India)."
        )
        if engine.config.note:  # the default model could not be loaded: say which one runs, and why
            gr.Markdown(engine.config.note, elem_id="model-note")
        exports = Exports()
        with gr.Tab("Rewrite"):
            _rewrite_tab(engine, exports)
        with gr.Tab("Restore"):
            _restore_tab(engine)
        with gr.Tab("Entities"):
            _entities_tab(engine, exports)
    return blocks.queue(default_concurrency_limit=engine.config.concurrency, max_size=engine.config.queue_size)


def serve(engine: Engine) -> gr.Blocks:
    """Build the app and start it, with the HTTP route, in a background thread: one engine (one model, one
    localizer) serves the UI, the named endpoints and the route. The caller owns ``blocks.close()`` (or
    ``blocks.block_thread()``). ``blocks.local_url`` says where it listens (port 0 picks a free port) and
    ``blocks.share_url`` is the public link, if ``engine.config.share`` got one."""
    config = engine.config
    blocks = build_app(engine)
    blocks.launch(
        server_name=config.host,
        server_port=config.port or free_port(config.host),
        share=config.share,
        max_file_size=4 * config.max_chars,  # bytes: no file over it can hold an acceptable text
        prevent_thread_lock=True,
        quiet=True,  # Gradio's own hints name launch() arguments; the CLI prints its own
        root_path=config.root_path or None,  # None: Gradio reads GRADIO_ROOT_PATH
        auth=list(config.auth) or None,
        app_kwargs={"routes": [guarded(ner_route(engine), config), health_route(engine.tagger, config)]},
    )
    return blocks


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _rewrite_tab(engine: Engine, exports: Exports) -> None:
    config = engine.config
    countries = list(editing.countries())
    with gr.Row():
        with gr.Column():
            text = gr.Textbox(label="Text", lines=6, placeholder="Type or paste English text", elem_id="text")
            upload = gr.UploadButton(
                "Upload a .txt or .md file", file_types=[".txt", ".md"], size="sm", elem_id="upload-text"
            )
            with gr.Row():
                target = _context(countries, config.target, "Target context", "target")
                source = _context(countries, config.source, "Source context", "source")
            mode = gr.Radio(
                list(MODES),
                value="localize",
                label="Mode",
                info="localize: people and places of the target country; pseudonymize: other names of the source "
                "country; redact: numbered tags ([PERSON 1])",
                elem_id="mode",
            )
            types = gr.CheckboxGroup(list(config.entity_types), value=list(config.types), label="Entity types to swap")
            with gr.Accordion("Keep, force, type check, a saved mapping", open=False):
                with gr.Row():
                    keep = gr.Textbox(
                        "",
                        label="Keep (one a line, /regex/ for a pattern)",
                        lines=2,
                        placeholder="Seattle",
                        elem_id="keep",
                    )
                    force = gr.Textbox(
                        "", label="Force ('word TYPE' a line)", lines=2, placeholder="Priya PER", elem_id="force"
                    )
                type_check = gr.Checkbox(
                    config.type_check, label="NER type check of candidates (slower; targets that name no country)"
                )
                saved = gr.File(label="Reuse a mapping (.json from an earlier rewrite)", file_types=[".json"])
            button = gr.Button("Rewrite", variant="primary")
            gr.Examples([[example] for example in EXAMPLES], inputs=[text])
        with gr.Column():
            rewritten = gr.Textbox(
                label="Rewritten text", lines=6, buttons=["copy"], interactive=False, elem_id="rewritten"
            )
            notice = gr.Markdown("", label="notice", show_label=False, elem_id="notice")
            marked_in = _highlights("Entities in the input", "marked-in")
            marked_out = _highlights("Entities in the rewritten text", "marked-out")
            with gr.Row():
                text_file = gr.DownloadButton("Download the text", value=None, elem_id="download-text")
                mapping_file = gr.DownloadButton("Download the mapping", value=None, elem_id="download-mapping")
    gr.Markdown("Edit a replacement, or untick *replace* to keep the original: the text follows at once.")
    table = gr.Dataframe(
        headers=editing.COLUMNS,
        datatype=editing.DATATYPES,
        static_columns=editing.STATIC,
        label="Replacements",
        interactive=True,
        wrap=True,
        max_chars=60,
        elem_id="replacements",
    )
    with gr.Row():
        pick_original = gr.Dropdown([], label="Entity", elem_id="pick-original", scale=1)
        pick_replacement = gr.Dropdown(
            [], label="Replacement (an alternative, or type one)", allow_custom_value=True, elem_id="pick-replacement"
        )
    draft = gr.State(None)

    def shown(result: RewriteResult, draft: editing.Draft, marked: bool = False) -> tuple[Any, ...]:
        """What every widget shows for ``result``: text, highlights, table, notice, downloads and the state."""
        text_path, mapping_path = exports.write_files(
            "rewrite", {".txt": result.text, ".json": editing.mapping_json(result.mapping)}
        )
        return (
            result.text,
            views.highlighted(result.source_text, views.input_spans(result)) if marked else gr.skip(),
            views.highlighted(result.text, views.output_spans(result)),
            editing.table(result),
            f"**Note:** {result.notice}" if result.notice else "",
            text_path,
            mapping_path,
            draft,
        )

    def rewrite(
        text: str,
        target: str,
        source: str,
        types: list[str],
        type_check: bool,
        mode: str = "localize",
        keep: str = "",
        force: str = "",
        mapping: str | None = None,
    ) -> tuple[Any, ...]:
        if isinstance(text, str) and not text.strip():
            gr.Warning("Nothing to rewrite: type or paste a text first.")
            empty = views.highlighted("", [])
            nothing = pd.DataFrame(columns=editing.COLUMNS)
            return "", empty, empty, nothing, "", None, None, None
        try:
            policy = inputs.policy(mode, keep, force)
            saved = editing.read_mapping(mapping) if mapping else None
            entities, result = engine.rewrite(text, target, source, types or [], type_check, policy, saved)
        except USER_ERRORS as error:
            raise user_error(error) from error
        anchor = target.strip() if policy.mode == "localize" else None
        new = editing.Draft(text, entities, anchor, source.strip(), tuple(types or []), result.mapping, policy)
        return shown(result, new, marked=True)

    outputs = [rewritten, marked_in, marked_out, table, notice, text_file, mapping_file, draft]
    button.click(
        rewrite,
        [text, target, source, types, type_check, mode, keep, force, saved],
        outputs,
        api_name="rewrite",
        concurrency_id=_CONCURRENCY_ID,
    ).success(
        lambda current: gr.Dropdown(choices=editing.labels(current.mapping if current else None), value=None),
        draft,
        pick_original,
        api_visibility="private",
    )

    def edited(current: editing.Draft | None, table: pd.DataFrame) -> tuple[Any, ...]:
        if current is None:
            raise user_error("Rewrite a text first; then edit its replacements.")
        try:
            new, result = editing.apply_table(engine.localizer, current, table)
        except USER_ERRORS as error:
            raise user_error(error) from error
        return shown(result, new)

    # No tagging here: the edit re-splices the text with the edited map (demo.editing).
    # "undocumented": callable in the session of a /rewrite (benchmarks/demo_latency.py times it), not in the docs.
    table.input(
        edited, [draft, table], outputs, api_name="edit", api_visibility="undocumented", concurrency_id=_CONCURRENCY_ID
    )

    def choices(current: editing.Draft | None, label: str | None) -> gr.Dropdown:
        options, value = editing.options(current.mapping if current else None, label)
        return gr.Dropdown(choices=options, value=value)

    pick_original.input(choices, [draft, pick_original], pick_replacement, api_visibility="private")

    def picked(current: editing.Draft | None, label: str | None, replacement: str | None) -> tuple[Any, ...]:
        if current is None or not label:
            raise user_error("Pick an entity of the rewritten text first.")
        try:
            mapping = editing.edit(current.mapping, {editing.key_of(label): (replacement or "").strip() or None})
            result = editing.resplice(engine.localizer, current, mapping)
        except USER_ERRORS as error:
            raise user_error(error) from error
        return shown(result, replace(current, mapping=result.mapping))

    pick_replacement.input(
        picked,
        [draft, pick_original, pick_replacement],
        outputs,
        api_visibility="private",
        concurrency_id=_CONCURRENCY_ID,
    )

    def uploaded(path: str | None) -> str:
        try:
            (_, content), *_ = read_uploads([path], config.max_chars, 1) if path else [("", "")]
        except USER_ERRORS as error:
            raise user_error(error) from error
        return content

    upload.upload(uploaded, upload, text, api_visibility="private")
    # Pseudonymize and redact stay in the source country: the target has no say there.
    mode.change(lambda m: gr.Dropdown(interactive=m == "localize"), mode, target, api_visibility="private")


def _context(countries: list[str], value: str, label: str, elem_id: str) -> gr.Dropdown:
    """A country to pick (every one the pools cover), or any other word typed (the open-vocabulary analogy)."""
    return gr.Dropdown(countries, value=value, label=label, allow_custom_value=True, filterable=True, elem_id=elem_id)


def _restore_tab(engine: Engine) -> None:
    gr.Markdown("The original text back from a rewritten one and its mapping (*Download the mapping*), byte for byte.")
    with gr.Row():
        rewritten = gr.Textbox(label="Rewritten text", lines=6, elem_id="restore-text")
        mapping = gr.File(label="Its mapping (.json)", file_types=[".json"], elem_id="restore-mapping")
    button = gr.Button("Restore", variant="primary")
    original = gr.Textbox(label="Original text", lines=6, buttons=["copy"], interactive=False, elem_id="restored")

    def restored(text: str, path: str | None) -> str:
        try:
            check_text(text, engine.config.max_chars)
            if not path:
                raise InputError("Upload the mapping of the rewritten text first (Download the mapping).")
            return restore(text, editing.read_mapping(path))
        except USER_ERRORS as error:
            raise user_error(error) from error

    button.click(restored, [rewritten, mapping], original, api_name="restore", concurrency_id=_CONCURRENCY_ID)


def _entities_tab(engine: Engine, exports: Exports) -> None:
    with gr.Row():
        files = gr.File(label="Upload .txt or .md files", file_count="multiple", file_types=[".txt", ".md"])
        pasted = gr.Textbox(label="…or paste text", lines=8)
    button = gr.Button("Find entities", variant="primary")
    table = gr.Dataframe(headers=views.ENTITY_COLUMNS, label="Entities", interactive=False)
    with gr.Row():
        csv = gr.DownloadButton("Download CSV", value=None)
        json = gr.DownloadButton("Download JSON", value=None)

    def entities(text: str, files: Sequence[str] | None) -> tuple[pd.DataFrame, str, str]:
        try:
            named = read_uploads(files or [], engine.config.max_chars, engine.config.max_files)
            if text and text.strip():
                named.append(("(pasted text)", text))
            if not named:
                raise user_error("Upload a .txt or .md file or paste some text first.")
            found = engine.entities([content for _, content in named])
        except USER_ERRORS as error:
            raise user_error(error) from error
        table = views.entities_table([(name, ents) for (name, _), ents in zip(named, found, strict=True)])
        return table, *exports.write(table)

    button.click(entities, [pasted, files], [table, csv, json], api_name="entities", concurrency_id=_CONCURRENCY_ID)


def _highlights(label: str, elem_id: str) -> gr.HighlightedText:
    return gr.HighlightedText(label=label, color_map=views.COLORS, show_legend=True, elem_id=elem_id)
