"""The base of the commands that run an engine alone (`vigie scan exposure`, `vigie audit ad`): no
database, no system checks, progress on stderr and the report on stdout."""

import time
from typing import TextIO

from django.core.management.base import BaseCommand


class EngineCommand(BaseCommand):
    """A command that calls an engine only: it needs no database, so Django checks nothing first."""

    requires_system_checks: list[str] = []
    requires_migrations_checks = False


class Progress:
    """One progress line on stderr (no dependency), redrawn at most ten times a second; silent unless
    enabled (the commands enable it when stderr is a tty, or when asked)."""

    def __init__(self, stream: TextIO, enabled: bool, width: int = 10) -> None:
        self.stream, self.enabled, self.width = stream, enabled, width  # width: of the stage's label
        self.start, self.last = time.monotonic(), 0.0

    def __call__(self, done: int, total: int, stage: str) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self.last < 0.1 and done != total):
            return
        self.last = now
        filled = int(30 * done / total) if total else 0
        bar = f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}" if total else f"{done}"
        self.stream.write(f"\r{stage:<{self.width}} {bar}  {now - self.start:6.1f}s\033[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
