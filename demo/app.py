"""The Gradio app: a Rewrite tab, an Entities tab, named API endpoints and the HTTP route, on one server."""

from __future__ import annotations

import html
import logging
import socket
from collections.abc import Sequence
from typing import Any

import gradio as gr
import pandas as pd

from demo import views
from demo.engine import USER_ERRORS, Engine
from demo.exports import Exports
from demo.health import guarded, health_route
from demo.http_api import ner_route
from demo.inputs import read_uploads

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
    """The UI and its named endpoints ``/rewrite`` and ``/entities``; ``serve`` adds the HTTP route."""
    with gr.Blocks(title="Entity rewriter", analytics_enabled=False) as blocks:
        gr.Markdown(
            "# Entity rewriter\nFinds people, places and organisations, and swaps them for their "
            "counterparts in another context (*Paris* → *Delhi* from USA to India)."
        )
        if engine.config.note:  # the default model could not be loaded: say which one runs, and why
            gr.Markdown(engine.config.note, elem_id="model-note")
        with gr.Tab("Rewrite"):
            _rewrite_tab(engine)
        with gr.Tab("Entities"):
            _entities_tab(engine, Exports())
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


def _rewrite_tab(engine: Engine) -> None:
    config = engine.config
    with gr.Row():
        with gr.Column():
            text = gr.Textbox(label="Text", lines=6, placeholder="Type or paste English text", elem_id="text")
            with gr.Row():
                target = gr.Textbox(config.target, label="Target context")
                source = gr.Textbox(config.source, label="Source context")
            types = gr.CheckboxGroup(list(config.entity_types), value=list(config.types), label="Entity types to swap")
            type_check = gr.Checkbox(
                config.type_check, label="NER type check of candidates (slower; targets that name no country)"
            )
            button = gr.Button("Rewrite", variant="primary")
            gr.Examples([[example] for example in EXAMPLES], inputs=[text])
        with gr.Column():
            rewritten = gr.Textbox(
                label="Rewritten text", lines=6, buttons=["copy"], interactive=False, elem_id="rewritten"
            )
            marked_in = _highlights("Entities in the input", "marked-in")
            marked_out = _highlights("Entities in the rewritten text", "marked-out")
    table = gr.Dataframe(
        headers=views.REPLACEMENT_COLUMNS, label="Replacements", interactive=False, wrap=True, max_chars=60
    )

    def rewrite(
        text: str, target: str, source: str, types: list[str], type_check: bool
    ) -> tuple[str, dict[str, Any], dict[str, Any], pd.DataFrame]:
        if isinstance(text, str) and not text.strip():
            gr.Warning("Nothing to rewrite: type or paste a text first.")
            empty = views.highlighted("", [])
            return "", empty, empty, pd.DataFrame(columns=views.REPLACEMENT_COLUMNS)
        try:
            entities, result = engine.rewrite(text, target, source, types or [], type_check)
        except USER_ERRORS as error:
            raise user_error(error) from error
        return (
            result.text,
            views.highlighted(text, entities),
            views.highlighted(result.text, views.output_spans(result)),
            views.replacements_table(result),
        )

    button.click(
        rewrite,
        [text, target, source, types, type_check],
        [rewritten, marked_in, marked_out, table],
        api_name="rewrite",
        concurrency_id=_CONCURRENCY_ID,
    )


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
