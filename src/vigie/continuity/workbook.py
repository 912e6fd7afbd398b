"""The BIA workbook: one .xlsx with a sheet per family, downloaded empty or filled, and imported back.

Sheets, imported in this order (names are the natural keys; a row whose name exists updates it):
Équipes, Fournisseurs, Composants, Applications, Activités, Impacts, Procédures.
Lists inside a cell (dependencies, sites) are separated by ";". Text cells that a spreadsheet would run
as a formula are escaped on export (core.imports.escape_formula) and unescaped on import.

The import is all-or-nothing: every row of every sheet is checked inside one transaction, each bad cell
is reported with its sheet, row (the header is row 1) and column, and nothing is written if any failed —
including a dependency cycle, reported on the row that declared one of its links.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from vigie.core.imports import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNPACK_RATIO,
    escape_formula,
    normalise_header,
    unescape_formula,
)
from vigie.organisations.models import Kind, Organisation

from . import services
from .engine import graph as graph_engine
from .models import (
    Activity,
    Application,
    Category,
    Component,
    ComponentKind,
    DegradedProcedure,
    Dimension,
    Hosting,
    ImpactTable,
    Platform,
    Supplier,
    SupplierKind,
    Team,
)

WINDOW_HEADERS = ("1h", "4h", "24h", "72h", "1sem")


@dataclass(frozen=True)
class Sheet:
    title: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    aliases: tuple[str, ...] = ()


SHEETS = (
    Sheet("Équipes", ("nom", "tâches_en_parallèle", "astreinte"), ("nom",), ("teams",)),
    Sheet("Fournisseurs", ("nom", "type", "téléphone", "email", "horaires_support", "contrat"), ("nom",),
          ("suppliers",)),
    Sheet("Composants", ("nom", "type", "plateforme", "emplacement", "équipe", "données_à_sauvegarder",
                         "volume_go", "reconstruction_h", "restauration_h", "dépend_de", "fournisseurs"),
          ("nom", "type"), ("components",)),
    Sheet("Applications", ("nom", "éditeur", "hébergement", "composants", "dépend_de", "fournisseurs"), ("nom",),
          ("applications",)),
    Sheet("Activités", ("nom", "catégorie", "critique", "responsable", "description", "sites", "personnel_requis",
                        "applications", "pcra_validé_le", "pcra_validé_par"), ("nom", "catégorie"), ("activities",)),
    Sheet("Impacts", ("activité", "tableau", "dimension", *WINDOW_HEADERS), ("activité", "tableau", "dimension"),
          ("impacts",)),
    Sheet("Procédures", ("activité", "titre", "déclenchée_par", "quand", "étapes", "formulaires_papier"),
          ("activité", "titre", "déclenchée_par", "quand", "étapes"), ("procedures",)),
)

README = (
    "Classeur BIA Vigie — remplissez une ligne par objet ; la première ligne de chaque feuille porte les noms de colonnes.",
    "Les listes dans une cellule (dépendances, sites, applications) sont séparées par « ; ».",
    "Catégories d'activité : care_service (service de soins à fort impact patient), administrative (processus "
    "administratif critique), technical_platform (plateau technique du parcours de soins).",
    "Impacts : tableau « interruption » ou « data_loss » ; niveaux 0 (aucun) à 4 (critique) aux fenêtres 1 h, 4 h, "
    "24 h, 72 h et 1 semaine ; un niveau ne peut pas diminuer avec le temps.",
    "Types de composant : server, database, directory, network, storage, backup, other. "
    "Plateformes : windows, linux, appliance, virtualisation, other.",
    "Sites : numéros FINESS des sites de l'établissement.",
    "L'import est tout ou rien : chaque erreur est signalée avec sa feuille, sa ligne et sa colonne.",
)


@dataclass(frozen=True, slots=True)
class SheetError:
    sheet: str
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("sheet %(sheet)s, row %(line)s, column %(column)s: %(message)s") % {
            "sheet": self.sheet, "line": self.line, "column": self.column or "—", "message": self.message}


@dataclass
class WorkbookReport:
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[SheetError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Invalid(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


class _RollBack(Exception):
    pass


# --- export -----------------------------------------------------------------------------------------------------


def _names(objects) -> str:
    return "; ".join(sorted(str(o) for o in objects))


def rows_for(organisation: Organisation | None) -> dict[str, list[list]]:
    if organisation is None:
        return {sheet.title: [] for sheet in SHEETS}
    own = {"organisation": organisation}
    tables = services.impact_tables
    activities = list(Activity.objects.filter(**own).prefetch_related("sites", "applications", "impacts"))
    impacts = []
    for activity in activities:
        for table, rows in tables(activity).items():
            for dimension, levels in rows.items():
                impacts.append([activity.name, table, dimension, *levels])
    return {
        "Équipes": [[t.name, t.capacity, t.on_call] for t in Team.objects.filter(**own)],
        "Fournisseurs": [[s.name, s.kind, s.phone, s.email, s.support_hours, s.contract]
                         for s in Supplier.objects.filter(**own)],
        "Composants": [[c.name, c.kind, c.platform, c.location, c.team.name if c.team else "", int(c.holds_data),
                        c.data_size_gb, c.rebuild_hours, c.restore_hours, _names(c.depends_on.all()),
                        _names(c.suppliers.all())]
                       for c in Component.objects.filter(**own).select_related("team")],
        "Applications": [[a.name, a.vendor, a.hosting, _names(a.components.all()), _names(a.depends_on.all()),
                          _names(a.suppliers.all())] for a in Application.objects.filter(**own)],
        "Activités": [[a.name, a.category, int(a.critical), a.owner, a.description,
                       "; ".join(s.finess for s in a.sites.all()), a.minimum_staff, _names(a.applications.all()),
                       a.pcra_validated_on.isoformat() if a.pcra_validated_on else "", a.pcra_validated_by]
                      for a in activities],
        "Impacts": impacts,
        "Procédures": [[p.activity.name, p.title, p.triggered_by, p.trigger_when, p.steps, p.paper_forms]
                       for p in DegradedProcedure.objects.filter(activity__organisation=organisation)
                       .select_related("activity")],
    }


def build_workbook(organisation: Organisation | None = None) -> bytes:
    """The template (empty) or the organisation's BIA, ready to fill in and import back."""
    workbook = Workbook()
    readme = workbook.active
    readme.title = "Lisez-moi"
    for line in README:
        readme.append([line])
    readme.column_dimensions["A"].width = 140
    data = rows_for(organisation)
    choices = {"catégorie": Category.values, "tableau": ImpactTable.values, "dimension": Dimension.values,
               "type": None, "plateforme": Platform.values, "hébergement": Hosting.values}
    for sheet in SHEETS:
        ws = workbook.create_sheet(sheet.title)
        ws.append(list(sheet.columns))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in data[sheet.title]:
            ws.append([escape_formula(v) for v in row])
        for index, column in enumerate(sheet.columns):
            ws.column_dimensions[ws.cell(1, index + 1).column_letter].width = max(14, len(column) + 4)
            values = choices.get(column)
            if column == "type":
                values = ComponentKind.values if sheet.title == "Composants" else SupplierKind.values
            if column in WINDOW_HEADERS:
                values = ["0", "1", "2", "3", "4"]
            if values:
                letter = ws.cell(1, index + 1).column_letter
                rule = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
                rule.add(f"{letter}2:{letter}1000")
                ws.add_data_validation(rule)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import -----------------------------------------------------------------------------------------------------


def _file_error(message: str) -> WorkbookReport:
    return WorkbookReport(errors=[SheetError("—", 0, "", message)])


def _read(upload) -> tuple[dict[str, list[tuple[int, dict[str, str]]]], list[SheetError]]:
    """{sheet title: [(row, {column: text})]} for the known sheets, and the header errors."""
    limit = settings.VIGIE_MAX_UPLOAD_BYTES
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValueError(_("The file is too large: the limit is %(size)s MB.") % {"size": limit // (1024 * 1024)})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ValueError(_("The file is not an Excel workbook (.xlsx).")) from None
    if "xl/workbook.xml" not in names:
        raise ValueError(_("The file is not an Excel workbook (.xlsx)."))
    if unpacked > limit * MAX_UNPACK_RATIO:
        raise ValueError(_("The workbook unpacks to an unreasonable size; it was refused."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors on a damaged file
        raise ValueError(_("The workbook could not be read: save it again as .xlsx and retry.")) from None
    found: dict[str, list] = {}
    errors: list[SheetError] = []
    try:
        by_name = {normalise_header(ws.title): ws for ws in workbook.worksheets}
        for sheet in SHEETS:
            ws = next((by_name[n] for n in (normalise_header(sheet.title), *sheet.aliases) if n in by_name), None)
            if ws is None:
                continue
            ws.reset_dimensions()
            rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            header = [normalise_header(v) for v in next(rows, ())]
            positions = {}
            for index, name in enumerate(header):
                if not name:
                    continue
                if name not in sheet.columns:
                    errors.append(SheetError(sheet.title, 1, name, _("unknown column; expected: %(columns)s.") % {
                        "columns": ", ".join(sheet.columns)}))
                else:
                    positions[name] = index
            for column in sheet.required:
                if column not in positions:
                    errors.append(SheetError(sheet.title, 1, column, _("required column missing.")))
            kept = []
            for line, cells in enumerate(rows, start=2):
                if line > MAX_ROWS:
                    raise ValueError(_("The file has more than %(count)s rows: split it into several imports.")
                                     % {"count": MAX_ROWS})
                texts = ["" if c is None else _text(c) for c in cells]
                if not any(t.strip() for t in texts):
                    continue
                kept.append((line, {n: unescape_formula(texts[i].strip()) if i < len(texts) else ""
                                    for n, i in positions.items()}))
            found[sheet.title] = kept
    finally:
        workbook.close()
    return found, errors


def _text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _choice(value: str, column: str, choices) -> str:
    lowered = value.strip().lower()
    for code, label in choices:
        if lowered in (code, str(label).lower()):
            return code
    raise _Invalid(column, _("“%(value)s” is not one of: %(choices)s.") % {
        "value": value, "choices": ", ".join(code for code, _label in choices)})


def _bool(value: str, column: str, default: bool) -> bool:
    if not value:
        return default
    lowered = value.strip().lower()
    if lowered in ("1", "oui", "yes", "true", "vrai", "x"):
        return True
    if lowered in ("0", "non", "no", "false", "faux"):
        return False
    raise _Invalid(column, _("answer 1 (yes) or 0 (no), not “%(value)s”.") % {"value": value})


def _number(value: str, column: str, default: float, minimum: float = 0) -> float:
    if not value:
        return default
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise _Invalid(column, _("“%(value)s” is not a number.") % {"value": value}) from None
    if number < minimum:
        raise _Invalid(column, _("must be at least %(minimum)s.") % {"minimum": minimum})
    return number


class _Importer:
    def __init__(self, organisation: Organisation):
        self.org = organisation
        self.report = WorkbookReport()
        self.edges: list[tuple[str, str, str, int]] = []  # (from key, to key, sheet, line)

    def _named(self, model, name: str, column: str):
        found = services.selectable(model, self.org).filter(name=name).first()
        if found is None:
            raise _Invalid(column, _("no %(kind)s named “%(name)s” (define it in its sheet first).") % {
                "kind": model._meta.verbose_name, "name": name})
        return found

    def _upsert(self, model, name: str, fields: dict):
        obj = model.objects.filter(organisation=self.org, name=name).first() or model(organisation=self.org, name=name)
        for key, value in fields.items():
            setattr(obj, key, value)
        obj.full_clean()
        obj.save()
        return obj

    def team(self, v):
        capacity = int(_number(v.get("tâches_en_parallèle", ""), "tâches_en_parallèle", 1, 1))
        self._upsert(Team, v["nom"], {"capacity": capacity, "on_call": v.get("astreinte", "")})

    def supplier(self, v):
        kind = _choice(v.get("type") or "supplier", "type", SupplierKind.choices)
        self._upsert(Supplier, v["nom"], {"kind": kind, "phone": v.get("téléphone", ""), "email": v.get("email", ""),
                                          "support_hours": v.get("horaires_support", ""),
                                          "contract": v.get("contrat", "")})

    def component(self, v):
        fields = {"kind": _choice(v["type"], "type", ComponentKind.choices),
                  "platform": _choice(v.get("plateforme") or "other", "plateforme", Platform.choices),
                  "location": v.get("emplacement", ""),
                  "team": self._named(Team, v["équipe"], "équipe") if v.get("équipe") else None,
                  "holds_data": _bool(v.get("données_à_sauvegarder", ""), "données_à_sauvegarder", True),
                  "data_size_gb": _number(v.get("volume_go", ""), "volume_go", 0),
                  "rebuild_hours": _number(v.get("reconstruction_h", ""), "reconstruction_h", 4),
                  "restore_hours": _number(v.get("restauration_h", ""), "restauration_h", 4)}
        component = self._upsert(Component, v["nom"], fields)
        component.suppliers.set([self._named(Supplier, n, "fournisseurs") for n in _split(v.get("fournisseurs", ""))])
        return component

    def component_links(self, line, v):
        component = Component.objects.get(organisation=self.org, name=v["nom"])
        needed = [self._named(Component, n, "dépend_de") for n in _split(v.get("dépend_de", ""))]
        component.depends_on.set(needed)
        self.edges += [(services._key(component), services._key(n), "Composants", line) for n in needed]

    def application(self, v):
        fields = {"vendor": v.get("éditeur", ""),
                  "hosting": _choice(v.get("hébergement") or "on_premise", "hébergement", Hosting.choices)}
        application = self._upsert(Application, v["nom"], fields)
        application.components.set([self._named(Component, n, "composants") for n in _split(v.get("composants", ""))])
        application.suppliers.set([self._named(Supplier, n, "fournisseurs") for n in _split(v.get("fournisseurs", ""))])

    def application_links(self, line, v):
        application = Application.objects.get(organisation=self.org, name=v["nom"])
        needed = [self._named(Application, n, "dépend_de") for n in _split(v.get("dépend_de", ""))]
        application.depends_on.set(needed)
        self.edges += [(services._key(application), services._key(n), "Applications", line) for n in needed]

    def activity(self, v):
        validated = None
        if v.get("pcra_validé_le"):
            try:
                validated = datetime.date.fromisoformat(v["pcra_validé_le"][:10])
            except ValueError:
                raise _Invalid("pcra_validé_le", _("write the date as YYYY-MM-DD.")) from None
        fields = {"category": _choice(v["catégorie"], "catégorie", Category.choices),
                  "critical": _bool(v.get("critique", ""), "critique", True), "owner": v.get("responsable", ""),
                  "description": v.get("description", ""), "minimum_staff": v.get("personnel_requis", ""),
                  "pcra_validated_on": validated, "pcra_validated_by": v.get("pcra_validé_par", "")}
        activity = self._upsert(Activity, v["nom"], fields)
        sites = []
        for finess in _split(v.get("sites", "")):
            site = Organisation.objects.filter(kind=Kind.SITE, finess=finess, path__startswith=self.org.path).first()
            if site is None:
                raise _Invalid("sites", _("no site with FINESS %(finess)s in %(org)s.") % {
                    "finess": finess, "org": self.org.name})
            sites.append(site)
        activity.sites.set(sites)
        activity.applications.set([self._named(Application, n, "applications")
                                   for n in _split(v.get("applications", ""))])

    def impacts(self, rows):
        """Impacts are gathered per activity, then derived: a bad table is reported on its first row."""
        tables: dict[str, dict] = {}
        first_line: dict[tuple[str, str, str], int] = {}
        for line, v in rows:
            try:
                activity = v["activité"]
                if not Activity.objects.filter(organisation=self.org, name=activity).exists():
                    raise _Invalid("activité", _("no activity named “%(name)s”.") % {"name": activity})
                table = _choice(v["tableau"], "tableau", ImpactTable.choices)
                dimension = _choice(v["dimension"], "dimension", Dimension.choices)
                levels = []
                for header in WINDOW_HEADERS:
                    level = _number(v.get(header, ""), header, 0)
                    if level != int(level) or level > 4:
                        raise _Invalid(header, _("a level is a whole number from 0 to 4."))
                    levels.append(int(level))
            except _Invalid as exc:
                self.report.errors.append(SheetError("Impacts", line, exc.column, exc.message))
                continue
            tables.setdefault(activity, services.impact_tables(Activity.objects.get(organisation=self.org,
                                                                                      name=activity)))
            tables[activity][table][dimension] = tuple(levels)
            first_line[(activity, table, dimension)] = line
        for name, table_set in tables.items():
            try:
                services.save_impacts(Activity.objects.get(organisation=self.org, name=name), table_set)
            except ValidationError as exc:
                line = min(line for (a, _t, _d), line in first_line.items() if a == name)
                self.report.errors.extend(SheetError("Impacts", line, "activité", m) for m in exc.messages)
            else:
                self.report.counts["Impacts"] = self.report.counts.get("Impacts", 0) + 1

    def procedure(self, v):
        activity = self._named(Activity, v["activité"], "activité")
        procedure = DegradedProcedure.objects.filter(activity=activity, title=v["titre"]).first() \
            or DegradedProcedure(activity=activity, title=v["titre"])
        procedure.triggered_by, procedure.trigger_when = v["déclenchée_par"], v["quand"]
        procedure.steps, procedure.paper_forms = v["étapes"], v.get("formulaires_papier", "")
        procedure.full_clean()
        procedure.save()

    def each(self, title: str, rows, function, *, with_line=False, count=True):
        for line, values in rows:
            missing = [c for c in next(s for s in SHEETS if s.title == title).required if not values.get(c)]
            if missing:
                self.report.errors.extend(SheetError(title, line, c, _("this cell is required.")) for c in missing)
                continue
            try:
                with transaction.atomic():
                    function(line, values) if with_line else function(values)
            except _Invalid as exc:
                self.report.errors.append(SheetError(title, line, exc.column, exc.message))
            except ValidationError as exc:
                for name, messages in (exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]):
                    self.report.errors.extend(SheetError(title, line, "" if name == "__all__" else name, m)
                                              for m in messages)
            else:
                if count:
                    self.report.counts[title] = self.report.counts.get(title, 0) + 1

    def check_cycles(self):
        start = list(Activity.objects.filter(organisation=self.org)) + list(Component.objects.filter(organisation=self.org)) \
            + list(Application.objects.filter(organisation=self.org))
        found, edges = services.collect(start)
        graph = graph_engine.build([graph_engine.Node(k, str(o), services.LAYER[o._meta.model_name])
                                    for k, o in found.items()], edges)
        try:
            graph_engine.check_acyclic(graph)
        except graph_engine.DependencyCycle as exc:
            labels = set(exc.cycle)
            where = next(((sheet, line) for a, b, sheet, line in self.edges
                          if str(found.get(a, "")) in labels and str(found.get(b, "")) in labels), ("—", 0))
            self.report.errors.append(SheetError(where[0], where[1], "dépend_de",
                                                 _("these dependencies form a cycle: %(cycle)s.") % {"cycle": exc.text}))


def import_workbook(upload, organisation: Organisation) -> WorkbookReport:
    """Import every sheet of the workbook into `organisation`, or nothing (see the module docstring)."""
    try:
        sheets, header_errors = _read(upload)
    except ValueError as exc:
        return _file_error(str(exc))
    if header_errors:
        return WorkbookReport(errors=header_errors)
    if not any(sheets.values()):
        return _file_error(_("The workbook has no rows to import."))
    importer = _Importer(organisation)
    try:
        with transaction.atomic():
            importer.each("Équipes", sheets.get("Équipes", []), importer.team)
            importer.each("Fournisseurs", sheets.get("Fournisseurs", []), importer.supplier)
            importer.each("Composants", sheets.get("Composants", []), importer.component)
            importer.each("Applications", sheets.get("Applications", []), importer.application)
            if not importer.report.errors:
                importer.each("Composants", sheets.get("Composants", []), importer.component_links, with_line=True,
                              count=False)
                importer.each("Applications", sheets.get("Applications", []), importer.application_links,
                              with_line=True, count=False)
            importer.each("Activités", sheets.get("Activités", []), importer.activity)
            if not importer.report.errors:
                importer.check_cycles()
                importer.impacts(sheets.get("Impacts", []))
                importer.each("Procédures", sheets.get("Procédures", []), importer.procedure)
            if importer.report.errors:
                raise _RollBack
    except _RollBack:
        importer.report.counts = {}
    return importer.report
