"""The offline crisis kit: files, manifest (checked with the real sha256sum too), tampering, ZIP, binder."""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.continuity.documents_data import KIT
from vigie.continuity.engine.documents import (
    MANIFEST, Contact, InvalidInput, KitError, ManifestError, build_kit, data_fingerprint, verify_kit, zip_kit,
)

PAGES = {"index.html", "cellule.html", "procedures.html", "reprise.html", "formulaires.html", "verifier.html",
         "activites/01-urgences-adultes.html", "activites/02-biologie.html", "formulaires/main-courante.html",
         "formulaires/journal-decisions.html", "formulaires/suivi-patients.html",
         "formulaires/demande-laboratoire.html", "formulaires/demande-imagerie.html",
         "formulaires/annuaire-papier.html"}


@pytest.fixture(scope="module")
def kit_dir(tmp_path_factory) -> Path:
    """One kit built for the read-only tests of this module (the PDF binder takes a second)."""
    directory = tmp_path_factory.mktemp("kit") / "kit-de-crise"
    build_kit(KIT, directory)
    return directory


def _copy(kit_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "copy"
    shutil.copytree(kit_dir, target)
    return target


def test_it_writes_every_page_the_binder_and_a_manifest_of_every_file(tmp_path):
    progress = []
    manifest = build_kit(KIT, tmp_path / "kit", on_progress=lambda done, total, message: progress.append((done, total)))
    files = {f.path for f in manifest.files}
    assert PAGES <= files
    assert {"kit.css", "classeur.pdf", "LISEZMOI.txt"} <= files
    on_disk = {p.relative_to(tmp_path / "kit").as_posix() for p in (tmp_path / "kit").rglob("*") if p.is_file()}
    assert on_disk == files | {MANIFEST}
    lines = (tmp_path / "kit" / MANIFEST).read_text().splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == sorted(files)
    assert progress[-1] == (progress[-1][1], progress[-1][1]) and progress == sorted(progress)
    assert manifest.data_fingerprint == data_fingerprint(KIT) and len(manifest.manifest_sha256) == 64
    assert not list(tmp_path.glob(".kit.partial-*"))  # the staging folder was moved into place


def test_the_real_sha256sum_accepts_the_manifest(kit_dir):
    result = subprocess.run(["sha256sum", "--check", "--strict", MANIFEST], cwd=kit_dir, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(PAGES) + 3
    # the macOS command that verifier.html gives reads the same file
    result = subprocess.run(["shasum", "-a", "256", "-c", MANIFEST], cwd=kit_dir, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.count(": OK") == len(PAGES) + 3, result.stdout + result.stderr
    assert "shasum -a 256 -c MANIFEST.sha256" in (kit_dir / "verifier.html").read_text()


def test_every_page_is_self_contained_and_carries_the_data_date(kit_dir):
    for path in PAGES:
        html = (kit_dir / path).read_text()
        assert "Données au 28/11/2026 17:45" in html, path
        assert "<script" not in html.lower(), path
        for url in re.findall(r'(?:href|src)="([^"]*)"', html):
            assert not re.match(r"^[a-z]+:|^//|^/", url), (path, url)  # relative links only
            target = (kit_dir / path).parent / url.split("#")[0]
            assert target.resolve().is_file(), (path, url)  # every link leads to a file of the kit
    assert "http" not in (kit_dir / "kit.css").read_text()
    assert "@import" not in (kit_dir / "kit.css").read_text()


def test_the_binder_holds_the_same_content_with_the_data_date_on_every_page(kit_dir):
    reader = PdfReader(kit_dir / "classeur.pdf")
    assert len(reader.pages) >= 2 + len(KIT.activities) + len(KIT.forms)
    texts = [page.extract_text() for page in reader.pages]
    for number, text in enumerate(texts, start=1):
        assert "Données au 28/11/2026 17:45" in text, number
        assert f"Page {number} / {len(texts)}" in text
    everything = "\n".join(texts)
    for needle in ("Cellule de crise", "Salle du conseil", "Accueil et tri des patients sans DPI",
                   "Résultats urgents par téléphone", "Ordre de reprise du système d'information",
                   "Main courante de la cellule de crise", "Suivi des patients en mode dégradé", "06 11 22 33 44"):
        assert needle in everything, needle
    assert everything.index("Annuaire Active Directory") < everything.index("Laboratoire (SIL)")


def test_a_binder_page_rendered_by_pdftoppm_is_not_blank(kit_dir, tmp_path):
    # The cell page (page 2) rendered in grey at 40 dpi: a page WeasyPrint left blank would be all white.
    result = subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", "40", "-gray", str(kit_dir / "classeur.pdf"),
                             str(tmp_path / "page")], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    (image,) = tmp_path.glob("page*.pgm")
    data = image.read_bytes()
    magic, width, height, maximum = data.split(maxsplit=4)[:4]
    assert magic == b"P5" and maximum == b"255"
    pixels = data[-int(width) * int(height):]
    dark = sum(1 for value in pixels if value < 128)
    assert int(width) < int(height)  # portrait A4
    assert dark > len(pixels) // 200, f"only {dark} dark pixels of {len(pixels)}"  # text and tables were drawn


def test_a_changed_byte_a_missing_file_and_an_extra_file_are_reported(kit_dir, tmp_path):
    kit = _copy(kit_dir, tmp_path)
    assert verify_kit(kit).ok and verify_kit(kit).checked == len(PAGES) + 3
    page = kit / "reprise.html"
    data = bytearray(page.read_bytes())
    data[len(data) // 2] ^= 0x01
    page.write_bytes(bytes(data))
    (kit / "formulaires" / "main-courante.html").unlink()
    (kit / "activites" / "03-intrus.html").write_text("<p>ajouté</p>")
    check = verify_kit(kit)
    assert not check.ok
    assert check.altered == ("reprise.html",)
    assert check.missing == ("formulaires/main-courante.html",)
    assert check.extra == ("activites/03-intrus.html",)
    result = subprocess.run(["sha256sum", "-c", MANIFEST], cwd=kit, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "reprise.html: FAILED" in result.stdout


def test_a_malformed_manifest_is_refused_with_its_line(kit_dir, tmp_path):
    kit = _copy(kit_dir, tmp_path)
    manifest = kit / MANIFEST
    lines = manifest.read_text().splitlines()
    manifest.write_text("\n".join(lines[:2] + ["abc  index.html"] + lines[2:]) + "\n")
    with pytest.raises(ManifestError) as caught:
        verify_kit(kit)
    assert caught.value.line == 3 and "64 hexadecimal digits" in caught.value.message
    manifest.write_text(lines[0] + "\n" + "0" * 64 + "  ../outside.txt\n")
    with pytest.raises(ManifestError, match="line 2: '../outside.txt' is not a relative path"):
        verify_kit(kit)
    manifest.unlink()
    with pytest.raises(ManifestError, match="has no MANIFEST.sha256"):
        verify_kit(kit)


def test_the_zip_holds_the_kit_and_an_altered_kit_is_not_zipped(kit_dir, tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(zip_kit(kit_dir)))
    names = set(archive.namelist())
    assert {f"kit-de-crise/{p}" for p in PAGES} <= names and "kit-de-crise/MANIFEST.sha256" in names
    assert archive.read("kit-de-crise/index.html") == (kit_dir / "index.html").read_bytes()
    kit = _copy(kit_dir, tmp_path)
    (kit / "index.html").write_text("remplacé")
    with pytest.raises(KitError, match="1 altered, 0 missing, 0 extra"):
        zip_kit(kit)


def test_a_non_empty_folder_is_refused_and_left_untouched(tmp_path):
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "notes.txt").write_text("à garder")
    with pytest.raises(KitError, match="not empty"):
        build_kit(KIT, tmp_path / "kit")
    assert [p.name for p in (tmp_path / "kit").iterdir()] == ["notes.txt"]


def test_an_existing_empty_folder_is_used(tmp_path):
    (tmp_path / "kit").mkdir()
    build_kit(KIT, tmp_path / "kit")
    assert verify_kit(tmp_path / "kit").ok


def test_a_failure_half_way_leaves_nothing_behind(tmp_path):
    def stop(done, total, message):
        if message == "classeur.pdf":
            raise RuntimeError("job cancelled")

    with pytest.raises(RuntimeError, match="job cancelled"):
        build_kit(KIT, tmp_path / "kit", on_progress=stop)
    assert list(tmp_path.iterdir()) == []


def test_bad_kit_input_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(InvalidInput, match=r"kit.forms\[0\]: unknown form 'ordonnance'"):
        build_kit(dataclasses.replace(KIT, forms=("ordonnance",)), tmp_path / "kit")
    broken = dataclasses.replace(KIT.activities[1], dmia=-1)
    with pytest.raises(InvalidInput, match=r"kit.activities\[1\].dmia"):
        build_kit(dataclasses.replace(KIT, activities=(KIT.activities[0], broken)), tmp_path / "kit")
    with pytest.raises(InvalidInput, match="language"):
        build_kit(KIT, tmp_path / "kit", language="es")
    assert list(tmp_path.iterdir()) == []


def test_the_fingerprint_follows_the_data_not_the_build_time():
    later = dataclasses.replace(KIT, generated_at=datetime(2027, 1, 1))
    assert data_fingerprint(later) == data_fingerprint(KIT)
    moved = dataclasses.replace(KIT, crisis_cell=dataclasses.replace(KIT.crisis_cell, meeting_place="Salle B"))
    assert data_fingerprint(moved) != data_fingerprint(KIT)


def test_user_data_is_escaped_in_every_page(tmp_path):
    hostile = dataclasses.replace(KIT, contacts=(Contact("<script>window.pwned=1</script>", "<b>x</b>", "1"),))
    build_kit(hostile, tmp_path / "kit")
    html = (tmp_path / "kit" / "cellule.html").read_text()
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html and "<script" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_the_kit_is_written_in_english_when_asked(tmp_path):
    build_kit(KIT, tmp_path / "kit", language="en")
    index = (tmp_path / "kit" / "index.html").read_text()
    assert '<html lang="en">' in index and "Offline crisis kit" in index and "Data as of 2026-11-28 17:45" in index
    assert "Crisis cell log" in (tmp_path / "kit" / "formulaires" / "main-courante.html").read_text()
