"""All settings of the demo app in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass

_AT_LEAST_ONE = ("max_chars", "max_texts", "max_files", "concurrency", "queue_size", "http_small_chars", "http_queue")


@dataclass(frozen=True)
class DemoConfig:
    host: str = "127.0.0.1"
    port: int = 7860
    share: bool = False
    model: str | None = None  # NER model: accurate, fast (ner.config.MODELS), a directory, a hub id; None: default
    vectors: str | None = None  # vectors file or gensim-downloader name; None: the embedded GloVe
    precision: str = "auto"  # NER model: auto (fastest on this CPU within 0.3 F1), float32, bfloat16 or int8
    max_chars: int = 100_000  # per request, over all texts and files together
    max_texts: int = 256  # texts in one HTTP request's list
    max_files: int = 20  # files in one upload
    concurrency: int = 2  # requests computed at once (UI, gradio_client and HTTP each); CPU-bound
    # torch threads per request; None: the cores shared out among concurrent requests. Threads beyond the
    # free cores make every request wait on the busiest one (measured: 6 ms -> 290 ms on 2 busy cores).
    torch_threads: int | None = None
    queue_size: int = 256  # waiting UI/gradio_client requests before new ones are refused
    # The HTTP route's two lanes: requests of at most this many characters in all never wait behind larger
    # ones (a few sentences; a 100,000-character request takes seconds), and each lane holds this many waiting.
    http_small_chars: int = 2_000
    http_queue: int = 64
    target: str = "India"
    source: str = "USA"
    types: tuple[str, ...] = ("PER", "LOC", "ORG")
    entity_types: tuple[str, ...] = ("PER", "LOC", "ORG", "MISC")  # offered in the type picker
    type_check: bool = False  # default of the "check replacements with the NER model" option (slower)
    http_route: str = "/models/ner"  # the Hugging Face Inference API compatible POST route
    health_route: str = "/healthz"  # GET: the loaded model, its precision and the package versions
    # Behind a reverse proxy that serves the app under a path prefix ("/rewriter"), or a full URL.
    root_path: str = ""
    # (user, password) pairs; none: no login. They guard the UI, the Gradio API and the HTTP route (Basic auth).
    auth: tuple[tuple[str, str], ...] = ()
    note: str | None = None  # shown above the app, e.g. why it runs on another model than the default

    def __post_init__(self) -> None:
        for name in _AT_LEAST_ONE:
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.torch_threads is not None and self.torch_threads < 1:
            raise ValueError(f"torch_threads must be at least 1, got {self.torch_threads}")
        for user, password in self.auth:
            if not user or not password:
                raise ValueError("auth needs a user name and a password in every user:password pair")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be between 0 and 65535, got {self.port}")

    @property
    def threads(self) -> int:
        if self.torch_threads is not None:
            return self.torch_threads
        return max(1, (os.cpu_count() or 1) // self.concurrency)
