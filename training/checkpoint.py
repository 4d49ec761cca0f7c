"""Atomic checkpoints: write to a temporary folder, then rename, so a kill never leaves a half-written one."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from accelerate import Accelerator

STATE_FILE = "trainer_state.json"


def replace_atomically(final: Path, write: Callable[[Path], None], accelerator: Accelerator) -> None:
    """Let every process ``write`` into ``final.tmp``, then swap it in place of ``final`` on the main one."""
    temporary = final.with_name(final.name + ".tmp")
    if accelerator.is_main_process and temporary.exists():
        shutil.rmtree(temporary)
    accelerator.wait_for_everyone()
    write(temporary)
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        old = final.with_name(final.name + ".old")
        if final.exists():
            final.rename(old)
        temporary.rename(final)
        shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()


def save_checkpoint(accelerator: Accelerator, output_dir: Path, state: dict) -> None:
    """Model, optimizer, scheduler and RNG states plus our own progress counters."""

    def write(folder: Path) -> None:
        accelerator.save_state(str(folder))
        if accelerator.is_main_process:
            (folder / STATE_FILE).write_text(json.dumps(state, indent=2))

    replace_atomically(output_dir / "checkpoint", write, accelerator)


def load_checkpoint(accelerator: Accelerator, output_dir: Path) -> dict | None:
    folder = output_dir / "checkpoint"
    if not (folder / STATE_FILE).is_file():
        return None
    accelerator.load_state(str(folder))
    return json.loads((folder / STATE_FILE).read_text())
