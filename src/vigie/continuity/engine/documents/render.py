"""Jinja2 environment of the HTML templates and the WeasyPrint call, shared by the PCRA and the kit."""

from __future__ import annotations

import logging
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, NoReturn

import jinja2

__all__ = ["TEMPLATES", "css", "html_to_pdf", "render_html"]

TEMPLATES = Path(str(files(__package__).joinpath("templates")))
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one INFO line per rendering step
logging.getLogger("fontTools").setLevel(logging.WARNING)  # font subsetting chatter


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )


@cache
def css(name: str) -> str:
    """The text of a stylesheet shipped in templates/."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render_html(template: str, context: dict[str, Any]) -> str:
    """Render one HTML template (every value autoescaped; an unknown variable is an error, not a blank)."""
    return _environment().get_template(template).render(context)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    # Everything the documents need is inline: a fetch would be a bug or injected content.
    raise ValueError(f"the documents load no external resource (asked for {url[:80]!r})")


def html_to_pdf(html: str) -> bytes:
    """A4 PDF of a self-contained HTML document (no resource is ever fetched)."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # heavy import: Pango costs ~0.3 s, paid only by jobs that print

    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()
    return pdf
