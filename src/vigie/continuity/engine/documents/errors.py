"""Errors raised by the document generators.

Tree (catch the root to handle every failure)::

    DocumentError              root of every error of vigie.continuity.engine.documents
    ├── InvalidInput           an input value is wrong; ``field`` names it (e.g. "activities[2].runbook.steps[0]")
    ├── TemplateError          a DOCX template is unreadable or does not render
    ├── KitError               the kit cannot be written there (folder not empty, not a folder…)
    └── ManifestError          MANIFEST.sha256 is missing or malformed; carries ``file`` and ``line`` (1-based)

Nothing is written when one of them is raised: ``build_kit`` writes into a temporary folder and moves
it into place only once every file is written.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DocumentError", "InvalidInput", "KitError", "ManifestError", "TemplateError"]


class DocumentError(Exception):
    """Root of every error raised by ``vigie.continuity.engine.documents``."""


class InvalidInput(DocumentError):
    """An input value cannot be printed as it is. ``field`` is the path of the value at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class TemplateError(DocumentError):
    """The DOCX template cannot be read or rendered (``template`` is its path, or "built-in")."""

    def __init__(self, template: str, message: str) -> None:
        self.template = template
        self.message = message
        super().__init__(f"{template}: {message}")


class KitError(DocumentError):
    """The kit folder cannot be written or read (``directory`` names it)."""

    def __init__(self, directory: Path | str, message: str) -> None:
        self.directory = str(directory)
        self.message = message
        super().__init__(f"{self.directory}: {message}")


class ManifestError(DocumentError):
    """MANIFEST.sha256 is missing or malformed. ``line`` is 1-based, 0 when not tied to a line."""

    def __init__(self, file: Path | str, line: int, message: str) -> None:
        self.file = str(file)
        self.line = line
        self.message = message
        where = f"{self.file}, line {line}" if line else self.file
        super().__init__(f"{where}: {message}")
