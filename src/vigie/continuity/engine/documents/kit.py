"""The offline crisis kit: static HTML pages, a PDF binder and MANIFEST.sha256, in one folder.

The folder works without any server or network (relative links, one local stylesheet, no script), so it
can be opened from a USB stick by double-clicking index.html. It is written into a temporary sibling
folder and moved into place only when complete: a failure leaves nothing behind.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import shutil
import uuid
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .context import kit_context
from .errors import KitError
from .manifest import MANIFEST, read_manifest, verify_kit, write_manifest
from .model import Kit, KitFile, KitManifest
from .render import css, html_to_pdf, render_html
from .texts import check_language
from .validation import check_kit

__all__ = ["build_kit", "data_fingerprint", "zip_kit"]

Progress = Callable[[int, int, str], None]
BINDER = "classeur.pdf"


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint {type(value).__name__}")


def data_fingerprint(kit: Kit) -> str:
    """sha256 of everything the kit prints except ``generated_at``: equal fingerprints, same content."""
    data = dataclasses.asdict(kit)
    data.pop("generated_at")
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _pages(kit: Kit, language: str) -> list[tuple[str, bytes | str]]:
    """Every file of the kit but the manifest, as (relative path, content)."""
    ctx = kit_context(kit, language)
    t = ctx["t"]

    def page(template: str, path: str, title: str, **extra: Any) -> tuple[str, str]:
        root = "../" * path.count("/")
        values = dict(ctx, root=root, current=path, title=title,
                      form_link=lambda code: f"{root}formulaires/{code}.html", **extra)
        return path, render_html(template, values)

    files: list[tuple[str, bytes | str]] = [("kit.css", css("kit.css"))]
    files.append(page("kit/index.html", "index.html", t["kit_title"]))
    files.append(page("kit/cellule.html", "cellule.html", t["s_cell"]))
    files.append(page("kit/procedures.html", "procedures.html", t["s_all_procedures"]))
    for activity in ctx["activities"]:
        files.append(page("kit/activite.html", activity["file"], activity["name"], a=activity))
    files.append(page("kit/reprise.html", "reprise.html", t["s_kit_runbook"]))
    files.append(page("kit/formulaires.html", "formulaires.html", t["s_forms"]))
    for spec in ctx["forms"]:
        files.append(page("kit/formulaire.html", f"formulaires/{spec.code}.html", spec.title, spec=spec))
    files.append(("LISEZMOI.txt", t["readme"]))
    listed = sorted([p for p, _ in files] + ["verifier.html", BINDER])
    files.append(page("kit/verifier.html", "verifier.html", t["s_verify"], files=listed))
    # One WeasyPrint run for the whole binder: its cost is per row, not per call, but Pango set-up is paid once.
    binder = render_html("kit/binder.html", dict(ctx, css=Markup(css("kit.css") + css("pdf.css"))))
    files.append((BINDER, binder))
    return files


def build_kit(kit: Kit, directory: Path, *, language: str = "fr",
              on_progress: Progress | None = None) -> KitManifest:
    """Write the crisis kit of ``kit`` into ``directory`` (new or empty) and return its manifest."""
    language = check_language(language)
    check_kit(kit)
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise KitError(directory, "exists and is not a folder")
    if directory.is_dir() and any(directory.iterdir()):
        raise KitError(directory, "the folder is not empty: a kit is written into a new or empty folder, "
                                  "so no stale file can remain in it")
    try:
        directory.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KitError(directory, f"cannot create the parent folder: {exc.strerror}") from exc
    files = _pages(kit, language)
    total = len(files) + 1
    staging = directory.parent / f".{directory.name}.partial-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    try:
        staging.mkdir()
        for done, (path, content) in enumerate(files):
            if on_progress:
                on_progress(done, total, path)
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if path == BINDER:
                assert isinstance(content, str)
                target.write_bytes(html_to_pdf(content))
            elif isinstance(content, str):
                target.write_text(content, encoding="utf-8", newline="\n")
            else:
                target.write_bytes(content)
        if on_progress:
            on_progress(total - 1, total, MANIFEST)
        entries = write_manifest(staging)
        if directory.is_dir():
            directory.rmdir()  # empty (checked above): replaced by the complete folder
        staging.rename(directory)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise KitError(directory, f"cannot write the kit: {exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if on_progress:
        on_progress(total, total, "")
    return KitManifest(
        directory=str(directory), files=entries, data_as_of=kit.data_as_of, generated_at=kit.generated_at,
        data_fingerprint=data_fingerprint(kit), pdf=BINDER, index="index.html",
        manifest_sha256=hashlib.sha256((directory / MANIFEST).read_bytes()).hexdigest(),
    )


def zip_kit(directory: Path) -> bytes:
    """The kit folder as a ZIP (entries under the folder's name), refused if it fails its manifest."""
    directory = Path(directory)
    check = verify_kit(directory)
    if not check.ok:
        problems = [f"{len(check.altered)} altered", f"{len(check.missing)} missing", f"{len(check.extra)} extra"]
        raise KitError(directory, "the kit does not match its manifest (" + ", ".join(problems) + "); "
                                  "rebuild it instead of sending it")
    entries: tuple[KitFile, ...] = read_manifest(directory)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted([e.path for e in entries] + [MANIFEST]):
            archive.write(directory / path, f"{directory.name}/{path}")
    return out.getvalue()
