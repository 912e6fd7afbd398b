"""Evidence files: size and real type checked from the content, stored under MEDIA_ROOT by SHA-256.

Accepted: PDF, PNG, JPEG, office documents (OOXML .docx/.xlsx/.pptx, OpenDocument .odt/.ods/.odp) and
UTF-8 text (.txt, .csv, .md). The name's extension must agree with the content, so a renamed executable
or an HTML page named .pdf is refused before anything is written.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePath

from django.conf import settings
from django.utils.translation import gettext as _

OOXML = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}
ODF = {".odt": "application/vnd.oasis.opendocument.text", ".ods": "application/vnd.oasis.opendocument.spreadsheet",
       ".odp": "application/vnd.oasis.opendocument.presentation"}
CONTENT_TYPES = {
    ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    **ODF, ".txt": "text/plain", ".csv": "text/csv", ".md": "text/markdown",
}
ALLOWED = ", ".join(sorted(CONTENT_TYPES))


class UploadRefused(Exception):
    """The file was refused; the message says why, in the user's language."""


@dataclass(frozen=True, slots=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _zip_names(content: bytes) -> set[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return set(archive.namelist())
    except zipfile.BadZipFile:
        return None


def _zip_member(content: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(name)[:100]


def _content_matches(suffix: str, content: bytes) -> bool:
    if suffix == ".pdf":
        return content.startswith(b"%PDF-")
    if suffix == ".png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if suffix in OOXML or suffix in ODF:
        names = _zip_names(content) if content.startswith(b"PK\x03\x04") else None
        if names is None:
            return False
        if suffix in OOXML:
            return "[Content_Types].xml" in names and any(n.startswith(OOXML[suffix]) for n in names)
        return "mimetype" in names and _zip_member(content, "mimetype").decode("ascii", "replace") == ODF[suffix]
    if b"\x00" in content:
        return False
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not text.lstrip().lower().startswith(("<!doctype", "<html", "<script", "<?xml", "<svg"))


def check_upload(upload) -> CheckedFile:
    """Read and check an uploaded file (a Django UploadedFile or anything with name and read())."""
    limit = settings.VIGIE_MAX_UPLOAD_BYTES
    megabytes = {"size": limit // (1024 * 1024)}
    if getattr(upload, "size", None) is not None and upload.size > limit:
        raise UploadRefused(_("The file is too large: the limit is %(size)s MB.") % megabytes)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise UploadRefused(_("The file is too large: the limit is %(size)s MB.") % megabytes)
    if not content:
        raise UploadRefused(_("The file is empty."))
    name = PurePath(getattr(upload, "name", "") or "").name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise UploadRefused(_("This type of file is not accepted; accepted: %(types)s.") % {"types": ALLOWED})
    if not _content_matches(suffix, content):
        raise UploadRefused(_("The content of the file is not a %(suffix)s file.") % {"suffix": suffix})
    return CheckedFile(name, content, CONTENT_TYPES[suffix], hashlib.sha256(content).hexdigest())


def store(checked: CheckedFile) -> Path:
    """Write the content under MEDIA_ROOT/evidence/ab/abcd…; identical files are stored once."""
    path = Path(settings.MEDIA_ROOT) / "evidence" / checked.sha256[:2] / checked.sha256
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        temporary.write_bytes(checked.content)
        temporary.replace(path)
    return path
