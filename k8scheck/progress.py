"""A one-line progress display on stderr, for runs long enough to wonder about.

Silent unless stderr is a terminal, and silent for the first second, so a
pre-commit hook or a pipe never sees it.
"""

from __future__ import annotations

import time

SHOW_AFTER_SECONDS = 1.0


class Progress:
    def __init__(self, stream=None, enabled: bool | None = None, clock=time.monotonic):
        self.stream = stream
        self.enabled = bool(stream is not None and (stream.isatty() if enabled is None else enabled))
        self.clock = clock
        self.start = clock()
        self.shown = False

    def __call__(self, text: str, done: int | None = None, total: int | None = None) -> None:
        if not self.enabled or self.clock() - self.start < SHOW_AFTER_SECONDS:
            return
        bar = ""
        if done is not None and total:
            width = 24
            filled = int(width * done / total)
            bar = f" [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        self.stream.write(f"\r\033[Kk8scheck: {text}{bar}")
        self.stream.flush()
        self.shown = True

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


def silent(text: str, done: int | None = None, total: int | None = None) -> None:
    return None
