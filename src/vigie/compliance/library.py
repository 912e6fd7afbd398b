"""The framework library: read, validate and load the YAML framework files.

`load_files(paths)` is all or nothing: every file is parsed and validated (JSON schema, then the rules a
schema cannot say: unique codes, known parents, themes and conditions) before anything is written, and
every problem is reported with its file, its requirement code and its field. Loading the same file again
changes nothing; a new version number adds a version beside the old ones; different content under a
version number that an assessment already uses is refused (versions in use are immutable).
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.db import connections, transaction
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from .models import AnswerKind, Framework, FrameworkVersion, Requirement

FRAMEWORKS_DIR = Path(__file__).parent / "frameworks"
SCHEMA_PATH = FRAMEWORKS_DIR / "schema.json"
MAX_FILE_BYTES = 2 * 1024 * 1024

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        where = {"file": self.file, "code": self.code, "field": self.field, "message": self.message}
        if self.code and self.field:
            return _("%(file)s: requirement %(code)s: field %(field)s: %(message)s") % where
        if self.code:
            return _("%(file)s: requirement %(code)s: %(message)s") % where
        if self.field:
            return _("%(file)s: field %(field)s: %(message)s") % where
        return _("%(file)s: %(message)s") % where


class FrameworkFileError(Exception):
    """One or more framework files are invalid; nothing was loaded. `problems` lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True, slots=True)
class ParsedFile:
    filename: str
    sha256: str
    document: dict


class _Loader(yaml.SafeLoader):
    """Safe YAML where dates stay strings (the schema checks their format; JSON has no date type)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _field_and_code(document, path) -> tuple[str, str]:
    """(requirement code, dotted field) for a jsonschema error path such as requirements/3/title/fr."""
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "requirements" and isinstance(parts[1], int):
        items = document.get("requirements") or []
        entry = items[parts[1]] if parts[1] < len(items) and isinstance(items[parts[1]], dict) else {}
        code = str(entry.get("code") or _("#%(index)s (no code)") % {"index": parts[1] + 1})
        return code, ".".join(str(p) for p in parts[2:])
    return "", ".".join(str(p) for p in parts)


def _schema_problems(filename: str, document) -> list[Problem]:
    problems = []
    for error in sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        code, field = _field_and_code(document, error.absolute_path)
        message = error.message
        if error.validator == "oneOf" and isinstance(error.instance, dict):
            message = _("not a valid freshness rule (%(rule)s): check its kind and its parameters") % {
                "rule": error.instance.get("rule", "?")}
        problems.append(Problem(filename, code, field, message))
    return problems


def _rule_problems(filename: str, document: dict) -> list[Problem]:
    """What the schema cannot say: references between entries and consistency of the scoring."""
    problems = []
    seen: set[str] = set()
    codes = {r["code"] for r in document["requirements"]}
    themes = {t["key"] for t in document.get("themes", [])}
    conditions = {c["key"] for c in document.get("conditions", [])}
    if document["answer"] != ("maturity" if document["scoring"]["method"] == "maturity" else "status"):
        problems.append(Problem(filename, "", "scoring.method",
                                _("a maturity questionnaire is scored by maturity, a status framework by compliance")))
    for entry in document["requirements"]:
        code = entry["code"]
        if code in seen:
            problems.append(Problem(filename, code, "code", _("this code appears twice")))
        seen.add(code)
        if entry.get("parent") and entry["parent"] not in codes:
            problems.append(Problem(filename, code, "parent", _("unknown parent code %(parent)s") % {
                "parent": entry["parent"]}))
        if entry.get("theme") and themes and entry["theme"] not in themes:
            problems.append(Problem(filename, code, "theme", _("unknown theme %(theme)s") % {"theme": entry["theme"]}))
        condition = entry.get("applicability", {}).get("condition")
        if condition and condition not in conditions:
            problems.append(Problem(filename, code, "applicability.condition",
                                    _("unknown condition %(key)s") % {"key": condition}))
        for index, rule in enumerate(entry.get("freshness", [])):
            if rule.get("when") and rule["when"] not in conditions:
                problems.append(Problem(filename, code, f"freshness.{index}.when",
                                        _("unknown condition %(key)s") % {"key": rule["when"]}))
            if rule["rule"] == "interval" and rule["min_days"] > rule["max_days"]:
                problems.append(Problem(filename, code, f"freshness.{index}",
                                        _("min_days is larger than max_days")))
        if document["answer"] == "maturity" and entry["kind"] == "question" and not entry.get("theme"):
            problems.append(Problem(filename, code, "theme", _("a maturity question needs a theme")))
    return problems


def parse(filename: str, content: bytes) -> ParsedFile:
    """Parse and validate one file; raise FrameworkFileError listing every problem."""
    if len(content) > MAX_FILE_BYTES:
        raise FrameworkFileError([Problem(filename, "", "", _("the file is larger than 2 MB"))])
    try:
        document = yaml.load(content.decode("utf-8"), Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except UnicodeDecodeError:
        raise FrameworkFileError([Problem(filename, "", "", _("the file is not UTF-8 text"))]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s, column %(column)s") % {"line": mark.line + 1, "column": mark.column + 1} if mark else ""
        raise FrameworkFileError([Problem(filename, "", where, _("not valid YAML: %(error)s") % {
            "error": getattr(exc, "problem", None) or exc})]) from None
    problems = _schema_problems(filename, document)
    if not problems:
        problems = _rule_problems(filename, document)
    if problems:
        raise FrameworkFileError(problems)
    return ParsedFile(filename, hashlib.sha256(content).hexdigest(), document)


def parse_path(path: Path) -> ParsedFile:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise FrameworkFileError([Problem(path.name, "", "", str(exc))]) from None
    return parse(path.name, content)


def _requirements(version: FrameworkVersion, document: dict) -> list[Requirement]:
    return [
        Requirement(
            version=version, code=entry["code"], position=position, kind=entry["kind"],
            theme=entry.get("theme", ""), parent_code=entry.get("parent", ""),
            answerable=entry["kind"] != "group", confirmed=entry.get("confirmed", True), data=entry,
        )
        for position, entry in enumerate(document["requirements"], start=1)
    ]


def _store(parsed: ParsedFile, user) -> tuple[FrameworkVersion, str]:
    """Write one validated file; returns the version and what happened: created, unchanged or replaced."""
    document = parsed.document
    framework, _created = Framework.objects.get_or_create(key=document["key"], defaults={"title": document["title"]})
    if framework.title != document["title"]:
        framework.title = document["title"]
        framework.save(update_fields=["title"])
    existing = FrameworkVersion.objects.select_for_update().filter(
        framework=framework, version=document["version"]).first()
    fields = {
        "document": document, "sha256": parsed.sha256, "filename": parsed.filename,
        "answer_kind": AnswerKind(document["answer"]), "self_assessment": "self_assessment" in document,
        "confirmed": document["confirmed"], "loaded_by": user if getattr(user, "pk", None) else None,
    }
    if existing is not None and existing.sha256 == parsed.sha256:
        return existing, "unchanged"
    if existing is not None:
        if existing.in_use:
            raise FrameworkFileError([Problem(parsed.filename, "", "version", _(
                "version %(version)s of %(key)s is already used by assessments and cannot change: "
                "give the new file a new version number") % {"version": existing.version, "key": framework.key})])
        existing.requirements.all().delete()
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save()
        Requirement.objects.bulk_create(_requirements(existing, document))
        return existing, "replaced"
    version = FrameworkVersion.objects.create(framework=framework, version=document["version"], **fields)
    Requirement.objects.bulk_create(_requirements(version, document))
    return version, "created"


def load_parsed(files: list[ParsedFile], user=None) -> list[tuple[FrameworkVersion, str]]:
    """Store validated files in one transaction: all of them, or none if one is refused."""
    with transaction.atomic():
        return [_store(parsed, user) for parsed in files]


def load_files(paths: list[Path], user=None) -> list[tuple[FrameworkVersion, str]]:
    """Validate every file, then load them all in one transaction; FrameworkFileError lists all problems."""
    parsed, problems = [], []
    for path in paths:
        try:
            parsed.append(parse_path(Path(path)))
        except FrameworkFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise FrameworkFileError(problems)
    return load_parsed(parsed, user)


def load_upload(upload, user) -> tuple[FrameworkVersion, str]:
    """A file uploaded by a platform administrator."""
    content = upload.read(MAX_FILE_BYTES + 1)
    return load_parsed([parse(Path(upload.name or "upload.yaml").name, content)], user)[0]


def bundled_files() -> list[Path]:
    return sorted(FRAMEWORKS_DIR.glob("*.yaml"))


@lru_cache(maxsize=1)
def _bundled_parsed() -> tuple[ParsedFile, ...]:
    return tuple(parse_path(path) for path in bundled_files())


def ensure_bundled() -> None:
    """Load the frameworks shipped with Vigie when missing (after migrate, flush, and in tests)."""
    files = _bundled_parsed()
    known = set(FrameworkVersion.objects.values_list("sha256", flat=True))
    missing = [f for f in files if f.sha256 not in known]
    if missing:
        load_parsed(missing)


def load_after_migrate(sender, **kwargs) -> None:
    """post_migrate: bundled files are loaded by every migrate. A refused file is reported, not fatal."""
    connection = connections[kwargs.get("using", "default")]
    if Requirement._meta.db_table not in connection.introspection.table_names():
        return
    try:
        ensure_bundled()
    except FrameworkFileError as exc:
        log.error("bundled framework files were not loaded:\n%s", exc)
