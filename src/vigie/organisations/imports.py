"""Import organisations under a node from CSV or XLSX, and the same columns for export (they round-trip).

File format (header on line 1, one organisation per line, column order free, names case-insensitive):

    kind;name;parent;finess;code;legal_status;activity_share;bed_count;address;email;phone

- kind: region, ght, legal_entity or site (the labels shown in the interface are accepted too).
- parent: empty for an organisation placed directly under the node you import into; otherwise the
  parent's FINESS number (legal entities), or its exact name or code (regions, GHTs). The parent is
  looked up only inside the node you import into (the node itself included) and among earlier lines
  of the file: a file can never place anything outside that node.
- legal_status: public, private_non_profit, private_for_profit, medico_social (or their labels).
- activity_share: a percentage, "12.5" or "12,5"; bed_count: a whole number.

Every rule of the model applies (`Organisation.clean()`): FINESS key, allowed parent kinds, activity
shares adding up to 100 % at most. The import is all-or-nothing (see vigie.core.imports).
"""

import csv
import io
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.imports import Column, RowInvalid, escape_formula, run_import

from .finess import normalise
from .models import FINESS_KINDS, Kind, LegalStatus, Organisation

COLUMNS = (
    Column("kind", required=True, help=gettext_lazy("region, ght, legal_entity or site")),
    Column("name", required=True, help=gettext_lazy("the organisation's name")),
    Column("parent", help=gettext_lazy(
        "empty: directly under the node you import into; otherwise the parent's FINESS number, "
        "or its exact name or code (regions, GHTs), in the file above or already under the node")),
    Column("finess", help=gettext_lazy("9 characters with their check key; legal entities and sites only")),
    Column("code", help=gettext_lazy("region code (INSEE) or GHT identifier")),
    Column("legal_status", help=gettext_lazy("public, private_non_profit, private_for_profit or medico_social")),
    Column("activity_share", help=gettext_lazy("percentage of the group's activity, e.g. 12.5")),
    Column("bed_count", help=gettext_lazy("beds and places, a whole number")),
    Column("address"),
    Column("email"),
    Column("phone"),
)
HEADER = [c.name for c in COLUMNS]
IMPORTABLE_KINDS = (Kind.REGION, Kind.GHT, Kind.LEGAL_ENTITY, Kind.SITE)
EXAMPLE_ROWS = [
    ["legal_entity", "Centre hospitalier Exemple", "", "750712184", "", "public", "40", "350",
     "1 rue de l'Hôpital, 75000 Paris", "dsi@ch-exemple.fr", "01 23 45 67 89"],
    ["site", "Centre hospitalier Exemple — site principal", "750712184", "330781196", "", "", "", "200",
     "", "", ""],
]


def _choice(value: str, choices) -> str | None:
    lowered = value.strip().lower()
    for key, label in choices:
        if lowered in (str(key).lower(), str(label).lower()):
            return key
    return None


def _decimal(value: str) -> Decimal:
    number = Decimal(value.replace("%", "").replace(",", ".").replace("\u00a0", "").strip())
    if not number.is_finite():  # "NaN", "Infinity" parse as decimals but are no share
        raise InvalidOperation(value)
    return number


def parent_key(org: Organisation | None) -> str:
    """What an export writes in the parent column: the FINESS number when there is one, else the name."""
    if org is None:
        return ""
    return org.finess or org.name


class OrganisationImporter:
    """Turns rows into organisations under `root`, saving each one so later rows can refer to it."""

    def __init__(self, root: Organisation):
        self.root = root
        self.failed_keys: dict[str, int] = {}  # parent keys of rows that failed, to explain their children

    def _remember_failure(self, line: int, values: dict[str, str]) -> None:
        for key in (normalise(values.get("finess", "")), values.get("name", ""), values.get("code", "")):
            if key:
                self.failed_keys.setdefault(key.lower(), line)

    def _find_parent(self, value: str) -> Organisation:
        if not value:
            return self.root
        under = Organisation.objects.filter(path__startswith=self.root.path)
        finess = normalise(value)
        matches = list(under.filter(finess=finess)[:2]) if len(finess) == 9 else []
        if not matches:
            matches = list(under.filter(Q(name__iexact=value) | Q(code__iexact=value))[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise RowInvalid([("parent", _(
                "%(value)s names several organisations: use the FINESS number or the code."
            ) % {"value": value})])
        for key in (finess.lower(), value.lower()):
            if key in self.failed_keys:
                raise RowInvalid([("parent", _(
                    "the parent %(value)s is on line %(line)s, which has errors."
                ) % {"value": value, "line": self.failed_keys[key]})])
        raise RowInvalid([("parent", _(
            "no organisation %(value)s under %(root)s or on an earlier line."
        ) % {"value": value, "root": self.root.name})])

    def build(self, values: dict[str, str]) -> tuple[Organisation | None, list[tuple[str, str]]]:
        """The unsaved organisation (None if the kind is unknown) and the problems found reading the row."""
        problems: list[tuple[str, str]] = []
        kind = _choice(values.get("kind", ""), Kind.choices)
        if kind is None or kind not in IMPORTABLE_KINDS:
            problems.append(("kind", _("%(value)s is not a kind; expected: %(kinds)s.") % {
                "value": values.get("kind", ""), "kinds": ", ".join(IMPORTABLE_KINDS)}))
            kind = None
        legal_status = ""
        if values.get("legal_status"):
            legal_status = _choice(values["legal_status"], LegalStatus.choices)
            if legal_status is None:
                problems.append(("legal_status", _("%(value)s is not a legal status; expected: %(choices)s.") % {
                    "value": values["legal_status"], "choices": ", ".join(LegalStatus.values)}))
                legal_status = ""
        activity_share = None
        if values.get("activity_share"):
            try:
                activity_share = _decimal(values["activity_share"])
            except InvalidOperation:
                problems.append(("activity_share", _("%(value)s is not a number.") % {
                    "value": values["activity_share"]}))
        bed_count = None
        if values.get("bed_count"):
            try:
                bed_count = int(values["bed_count"].replace(" ", "").replace("\u00a0", ""))
            except ValueError:
                problems.append(("bed_count", _("%(value)s is not a whole number.") % {
                    "value": values["bed_count"]}))
        finess = normalise(values.get("finess", ""))
        if len(finess) == 8 and finess.isdigit() and kind in FINESS_KINDS:
            finess = "0" + finess  # a spreadsheet stored it as a number and dropped the leading zero
        try:
            parent = self._find_parent(values.get("parent", ""))
        except RowInvalid as exc:
            problems.extend(exc.problems)
            parent = None
        if kind is None:
            return None, problems
        org = Organisation(
            kind=kind, name=values.get("name", ""), parent=parent, finess=finess or None,
            code=values.get("code", ""), legal_status=legal_status, activity_share=activity_share,
            bed_count=bed_count, address=values.get("address", ""), email=values.get("email", ""),
            phone=values.get("phone", ""),
        )
        return org, problems

    def __call__(self, line: int, values: dict[str, str]) -> str:
        org, problems = self.build(values)
        if org is not None:
            # The model's rules, for every column not already found wrong (so one line reports everything).
            try:
                org.full_clean()
            except ValidationError as exc:
                seen = {column for column, _message in problems}
                for name, messages in exc.message_dict.items():
                    column = name if name in HEADER else ""
                    if column not in seen:
                        problems.extend((column, message) for message in messages)
        if problems:
            self._remember_failure(line, values)
            raise RowInvalid(problems)
        org.save()
        return org.kind


def import_organisations(upload, root: Organisation):
    """All rows created under `root`, or none; see vigie.core.imports.ImportReport."""
    return run_import(upload, COLUMNS, OrganisationImporter(root), field_columns={"parent": "parent"})


def export_row(org: Organisation, parent: Organisation | None) -> list:
    """One organisation as a row of HEADER, formulas escaped (numbers stay numbers)."""
    values = [
        org.kind, org.name, parent_key(parent), org.finess or "", org.code, org.legal_status,
        float(org.activity_share) if org.activity_share is not None else None, org.bed_count,
        org.address, org.email, org.phone,
    ]
    return [escape_formula(v) for v in values]


def template_csv() -> bytes:
    """The import template: header and example rows, `;`-separated UTF-8 with BOM (opens in Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([[escape_formula(v) for v in row] for row in EXAMPLE_ROWS])
    return out.getvalue().encode("utf-8-sig")


def workbook_bytes(rows, title: str = "organisations") -> bytes:
    # heavy import: openpyxl (~0.2 s) loads only when an XLSX export is written
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title)
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> bytes:
    return workbook_bytes([[escape_formula(v) for v in row] for row in EXAMPLE_ROWS])
