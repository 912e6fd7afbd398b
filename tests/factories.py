"""One factory per model that has routes: `make(model, world, side)` returns an object on hospital A's side
("a") or hospital B's side ("b") of the `world` fixture (tests/conftest.py).

The tenant-isolation test builds one object per side for every model a route names, so a model with routes
and no factory here makes it fail with the model's name. Also here: the JSON bodies the isolation test sends
to API create and update operations (`create_payload`, `patch_payload`).
"""

from collections.abc import Callable
from datetime import date

from django.contrib.auth import get_user_model

from vigie.core.roles import Role
from vigie.organisations.finess import with_key

SIDES = ("a", "b")
FACTORIES: dict[type, Callable] = {}
CREATE_PAYLOADS: dict[type, Callable] = {}
PATCH_PAYLOADS: dict[type, dict] = {}


class MissingFactory(LookupError):
    pass


def factory(model_path: str):
    def register(function):
        FACTORIES[_model(model_path)] = function
        return function

    return register


def _model(path: str) -> type:
    from django.apps import apps

    return apps.get_model(path)


def hospital(world, side: str):
    return world.hospital_a if side == "a" else world.hospital_b


def site(world, side: str):
    return world.site_a if side == "a" else world.site_b


def admin(world, side: str):
    """The side's administrator: alice for A, bob for B."""
    return world.alice if side == "a" else world.bob


def make(model: type, world, side: str):
    assert side in SIDES, side
    try:
        build = FACTORIES[model]
    except KeyError:
        raise MissingFactory(
            f"no factory for {model._meta.label}: add one to tests/factories.py (a model with routes needs one)"
        ) from None
    return build(world, side)


def create_payload(model: type, world, side: str) -> dict:
    try:
        build = CREATE_PAYLOADS[model]
    except KeyError:
        raise MissingFactory(f"no create payload for {model._meta.label}: add one to tests/factories.py") from None
    return build(world, side)


def patch_payload(model: type) -> dict:
    return PATCH_PAYLOADS.get(model, {})


def identifiers(obj) -> list[str]:
    """What would give the object away in a response: its uuid and its names (long enough to be telling)."""
    values = [str(obj.uuid)] if getattr(obj, "uuid", None) else []
    for attr in ("name", "finess", "username", "email", "object_repr", "hint", "result_name"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and len(value) >= 4:
            values.append(value)
    return values


# --- the organisation tree -----------------------------------------------------------------------------


@factory("organisations.Organisation")
def _organisation(world, side):
    """The side's hospital (legal entity, with a site under it): the node its administrator holds."""
    return hospital(world, side)


@factory("organisations.Contact")
def _contact(world, side):
    from vigie.organisations.models import Contact

    return Contact.objects.create(
        organisation=hospital(world, side), name=f"Contact {side.upper()} Zéphyrin", function="rssi",
        email=f"rssi-{side}@ch-{side}.example.org", phone="01 02 03 04 05",
    )


# --- accounts --------------------------------------------------------------------------------------------


def _member(world, side, username: str, role: Role):
    from tests.conftest import make_user

    return make_user(f"{username}_{side}", (site(world, side), role))


@factory("accounts.User")
def _user(world, side):
    """A user whose only role is on the side's site: manageable by that side's administrator."""
    return _member(world, side, "staff_quetzal", Role.READER)


@factory("accounts.RoleAssignment")
def _role_assignment(world, side):
    user = _member(world, side, "member_quetzal", Role.CONTRIBUTOR)
    return user.roles.get()


@factory("accounts.ApiToken")
def _api_token(world, side):
    from vigie.accounts.models import ApiToken

    token, _raw = ApiToken.issue(admin(world, side), f"jeton {side.upper()} Quetzal")
    return token


@factory("accounts.AuditEvent")
def _audit_event(world, side):
    from vigie.accounts.audit import record
    from vigie.accounts.models import AuditEvent

    return record(AuditEvent.Action.SECURITY, user=admin(world, side), organisation=hospital(world, side),
                  object_repr=f"Événement {side.upper()} Quetzal")


@factory("otp_totp.TOTPDevice")
def _totp_device(world, side):
    return admin(world, side).totpdevice_set.get()


# --- jobs --------------------------------------------------------------------------------------------------


@factory("core.Job")
def _job(world, side):
    """A finished export with its file, so its page and its download answer."""
    from vigie.core.jobs import result_path
    from vigie.core.models import Job

    job = Job.objects.create(
        kind="organisations.export", organisation=hospital(world, side), created_by=admin(world, side),
        status=Job.Status.DONE, progress=100, result_name=f"export-{side}-quetzal.xlsx",
    )
    path = result_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK fake workbook " + side.encode())
    Job.objects.filter(pk=job.pk).update(result_file=str(path))
    job.refresh_from_db()
    return job


# --- API bodies --------------------------------------------------------------------------------------------


def _payload(model_path: str, patch: dict):
    def register(function):
        CREATE_PAYLOADS[_model(model_path)] = function
        PATCH_PAYLOADS[_model(model_path)] = patch
        return function

    return register


@_payload("organisations.Organisation", {"name": "Renommé par un intrus", "phone": "09 99 99 99 99"})
def _organisation_payload(world, side):
    return {"kind": "site", "parent": str(hospital(world, side).uuid), "name": f"Nouveau site {side.upper()}",
            "finess": with_key("75000088" if side == "a" else "69000088")}


@_payload("organisations.Contact", {"name": "Renommé par un intrus"})
def _contact_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "name": f"Nouveau contact {side.upper()}",
            "function": "dpo"}


@_payload("accounts.RoleAssignment", {"role": Role.ADMIN})
def _role_payload(world, side):
    newcomer = get_user_model().objects.create(username=f"newcomer_{side}_{id(world)}")
    return {"user": str(newcomer.uuid), "organisation": str(hospital(world, side).uuid), "role": int(Role.READER)}


# --- action plan (PAQ) and deadlines -------------------------------------------------------------------------


@factory("actions.Action")
def _action(world, side):
    import datetime

    from vigie.actions.models import Action

    return Action.objects.create(
        organisation=hospital(world, side), title=f"Action {side.upper()} Xylophone", source="finding",
        source_key=f"isolation:{side}", owner=admin(world, side), priority="high",
        due=datetime.date.today() + datetime.timedelta(days=20), description=f"Détail {side.upper()} Xylophone",
    )


@factory("actions.ActionNote")
def _action_note(world, side):
    from vigie.actions.models import ActionNote

    return ActionNote.objects.create(action=_action(world, side), author=admin(world, side),
                                     text=f"Note {side.upper()} Xylophone")


@factory("actions.DeadlineCompletion")
def _deadline_completion(world, side):
    import datetime

    from vigie.actions.models import DeadlineCompletion

    return DeadlineCompletion.objects.create(
        organisation=hospital(world, side), deadline="crisis-exercise",
        done_on=datetime.date.today() - datetime.timedelta(days=1), reference=f"RETEX {side.upper()} Xylophone",
        recorded_by=admin(world, side),
    )


@factory("actions.CalendarFeed")
def _calendar_feed(world, side):
    from vigie.actions.models import CalendarFeed

    feed, _raw = CalendarFeed.issue(admin(world, side))
    return feed


@_payload("actions.Action", {"title": "Renommé par un intrus", "status": "done"})
def _action_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "title": f"Nouvelle action {side.upper()}",
            "source": "finding", "source_key": f"isolation:new:{side}", "priority": "high"}


# --- compliance ---------------------------------------------------------------------------------------------


PDF_BYTES = b"%PDF-1.4\n% Vigie test evidence\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def _compliance_assessment(world, side, framework: str = "care-d2"):
    from vigie.compliance.library import ensure_bundled
    from vigie.compliance.models import FrameworkVersion
    from vigie.compliance.services import create_assessment

    ensure_bundled()
    version = FrameworkVersion.objects.filter(framework__key=framework).latest("loaded_at")
    return create_assessment(organisation=hospital(world, side), version=version, user=admin(world, side),
                             assessed_on=date(2025, 6, 1))


@factory("compliance.Assessment")
def _assessment(world, side):
    return _compliance_assessment(world, side)


@factory("compliance.Answer")
def _answer(world, side):
    return _compliance_assessment(world, side).answers.order_by("requirement__position").first()


@factory("compliance.Evidence")
def _evidence(world, side):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vigie.compliance.services import add_evidence

    return add_evidence(
        organisation=hospital(world, side), upload=SimpleUploadedFile(f"pssi-{side}.pdf", PDF_BYTES + side.encode()),
        title=f"PSSI {side.upper()} Quetzal", document_date=date(2024, 3, 1),
        references=[("care-d2", "D2.P1")], user=admin(world, side),
    )


@_payload("compliance.Assessment", {"answers": [{"code": "D2.P1", "status": "non_compliant",
                                                 "comment": "Modifié par un intrus"}]})
def _assessment_payload(world, side):
    from vigie.compliance.library import ensure_bundled

    ensure_bundled()
    return {"organisation": str(hospital(world, side).uuid), "framework": "care-d2", "assessed_on": "2025-06-01"}


@_payload("compliance.Evidence", {"title": "Renommé par un intrus", "requirements": ["care-d2:D2.O4"]})
def _evidence_payload(world, side):
    import base64

    from vigie.compliance.library import ensure_bundled

    ensure_bundled()
    return {"organisation": str(hospital(world, side).uuid), "title": f"Preuve {side.upper()}",
            "document_date": "2025-01-15", "requirements": ["care-d2:D2.P1"], "filename": f"preuve-{side}.pdf",
            "content_base64": base64.b64encode(PDF_BYTES).decode()}


# --- compliance: funding declarations and trajectories -----------------------------------------------------


def _ght(world, side: str):
    return world.ght_a if side == "a" else world.ght_b


@factory("compliance.Declaration")
def _declaration(world, side):
    """The side's GHT's D2 dossier: the GHT files for its members (alice sees it as a member of GHT A)."""
    from vigie.compliance.declarations import calls
    from vigie.compliance.library import ensure_bundled
    from vigie.compliance.models import Declaration, FrameworkVersion

    ensure_bundled()
    version = FrameworkVersion.objects.filter(framework__key="care-d2").latest("loaded_at")
    return Declaration.objects.create(organisation=_ght(world, side), call=calls().get(key="care-d2"),
                                      version=version, reference=f"DOSSIER-{side.upper()}-QUOKKA",
                                      created_by=admin(world, side))


@factory("compliance.DeclarationTransition")
def _declaration_transition(world, side):
    from django.utils import timezone

    from vigie.compliance.models import DeclarationTransition

    return DeclarationTransition.objects.create(declaration=_declaration(world, side), to_status="prepared",
                                                at=timezone.now(), actor=admin(world, side),
                                                comment=f"Préparé {side.upper()} Quokka")


@factory("compliance.IdentityApplication")
def _identity_application(world, side):
    from vigie.compliance.models import IdentityApplication

    return IdentityApplication.objects.create(organisation=hospital(world, side), name=f"DPI {side.upper()} Quokka",
                                              patient_record=True, means=["cps", "password"])


@factory("compliance.IdentityIndicators")
def _identity_indicators(world, side):
    from vigie.compliance.models import IdentityIndicators

    return IdentityIndicators.objects.create(organisation=hospital(world, side), year=2025,
                                             measured_on=date(2025, 9, 1), doctors_nurses=200,
                                             doctors_nurses_2fa=120, all_users=900, all_users_2fa=300)


@factory("compliance.BudgetDeclaration")
def _budget_declaration(world, side):
    from vigie.compliance.models import BudgetDeclaration

    return BudgetDeclaration.objects.create(organisation=hospital(world, side), year=2024, total_budget=100_000_000,
                                            digital_budget=1_500_000, cyber_budget=200_000,
                                            declared_by=admin(world, side))


@_payload("compliance.Declaration", {})
def _declaration_payload(world, side):
    """A D1 dossier for the side's GHT; its administrator is made a manager of the GHT, who files it."""
    from vigie.accounts.models import RoleAssignment

    RoleAssignment.objects.get_or_create(user=admin(world, side), organisation=_ght(world, side),
                                         defaults={"role": Role.MANAGER})
    return {"organisation": str(_ght(world, side).uuid), "call": "care-d1", "reference": f"D1-{side.upper()}"}


@_payload("compliance.IdentityApplication", {})
def _identity_application_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "name": f"Messagerie {side.upper()}",
            "means": ["e_cps", "otp"], "pro_sante_connect": True}


@_payload("compliance.IdentityIndicators", {})
def _identity_indicators_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "year": 2026, "measured_on": "2026-03-01",
            "doctors_nurses": 200, "doctors_nurses_2fa": 150, "all_users": 900, "all_users_2fa": 400}


@_payload("compliance.BudgetDeclaration", {})
def _budget_declaration_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "year": 2025, "total_budget": "90000000",
            "digital_budget": "1600000", "cyber_budget": "250000"}


# --- Active Directory audits (directory app) -------------------------------------------------------------


@factory("directory.Directory")
def _directory(world, side):
    from vigie.directory.models import Directory

    n = Directory.objects.filter(organisation=hospital(world, side)).count()
    directory = Directory(organisation=hospital(world, side), name=f"Annuaire {side.upper()} Quokka",
                          domain=f"{side}{n}-quokka.ch.local", server=f"dc1.{side}-quokka.ch.local",
                          security="ldaps", username=f"audit@{side}-quokka.ch.local")
    directory.set_password(f"secret-{side}")
    directory.save()
    return directory


@factory("directory.Audit")
def _directory_audit(world, side):
    """A finished audit with its technical report file, so its page and its report answer."""
    from django.utils import timezone

    from vigie.directory.models import Audit
    from vigie.directory.services import report_path_for

    directory = _directory(world, side)
    audit = Audit.objects.create(organisation=directory.organisation, directory=directory, source="upload",
                                 status="done", finished_at=timezone.now(), level=2, score=1234, failing_count=1,
                                 covered_count=40, failing_by_level={"2": 1})
    report = report_path_for(audit, ".html")
    report.write_text(f"<html><body>Rapport {side.upper()} Quokka</body></html>", encoding="utf-8")
    Audit.objects.filter(pk=audit.pk).update(report_file=str(report.relative_to(report.parents[2])))
    audit.refresh_from_db()
    return audit


@factory("directory.Finding")
def _directory_finding(world, side):
    from vigie.directory.models import Finding

    audit = _directory_audit(world, side)
    return Finding.objects.create(
        organisation=audit.organisation, audit=audit, rule_id="krbtgt_password_age", anssi_id="vuln_krbtgt",
        level=2, title_fr="Mot de passe krbtgt ancien", title_en="Old krbtgt password", affected_count=1,
        affected=[{"dn": f"CN=krbtgt,DC={side}-quokka", "name": "krbtgt", "detail": ""}],
    )


@_payload("directory.Directory", {"name": "Renommé par un intrus", "server": "evil.example"})
def _directory_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "name": f"Nouvel annuaire {side.upper()}",
            "domain": f"new-{side}.ch.local", "server": f"dc.new-{side}.ch.local", "username": "audit"}


# --- crisis log and incidents (exercises) ------------------------------------------------------------------


@factory("exercises.CrisisLog")
def _crisis_log(world, side):
    from vigie.exercises.log import append_entry, open_log

    log = open_log(organisation=hospital(world, side), title=f"Main courante {side.upper()} Wombat",
                   user=admin(world, side))
    append_entry(log, author=admin(world, side), category="information", text=f"Entrée {side.upper()} Wombat")
    return log


@factory("exercises.LogEntry")
def _log_entry(world, side):
    from vigie.exercises.log import append_entry

    return append_entry(_crisis_log(world, side), author=admin(world, side), category="decision",
                        text=f"Décision {side.upper()} Wombat")


@factory("exercises.Incident")
def _incident(world, side):
    import datetime

    from django.utils import timezone

    from vigie.exercises.incidents import create_incident

    return create_incident(organisation=hospital(world, side), title=f"Rançongiciel {side.upper()} Wombat",
                           detected_at=timezone.now() - datetime.timedelta(hours=3), user=admin(world, side),
                           categories=["care-safety"])


@_payload("exercises.Incident", {"title": "Renommé par un intrus", "status": "closed"})
def _incident_payload(world, side):
    from django.utils import timezone

    return {"organisation": str(hospital(world, side).uuid), "title": f"Nouvel incident {side.upper()}",
            "detected_at": timezone.now().isoformat(), "categories": ["health-data"]}


# --- crisis exercises and scenarios (exercises) ------------------------------------------------------------


@factory("exercises.Scenario")
def _scenario(world, side):
    from vigie.exercises.scenarios import copy_to

    scenario = copy_to(hospital(world, side), "ransomware-dpi")
    scenario.title = f"Scénario {side.upper()} Ornithorynque"
    scenario.save(update_fields=["title"])
    return scenario


@factory("exercises.ScenarioInject")
def _scenario_inject(world, side):
    return _scenario(world, side).injects.first()


@factory("exercises.Exercise")
def _exercise(world, side):
    from vigie.exercises.models import Exercise, Participant

    exercise = Exercise.objects.create(organisation=hospital(world, side), title=f"Exercice {side.upper()} Ornithorynque",
                                       scenario=_scenario(world, side))
    Participant.objects.create(exercise=exercise, user=admin(world, side), function="animator")
    return exercise


@factory("exercises.Participant")
def _participant(world, side):
    from vigie.exercises.models import Participant

    return Participant.objects.create(exercise=_exercise(world, side), name=f"Invité {side.upper()} Ornithorynque",
                                      function="player", role="direction")


@factory("exercises.ExerciseInject")
def _exercise_inject(world, side):
    """An inject of a running exercise (DEBEX given), still pending."""
    from vigie.exercises import run

    exercise = run.start(_exercise(world, side), admin(world, side))
    return exercise.injects.filter(state="pending").first()


@_payload("exercises.Exercise", {"title": "Renommé par un intrus", "pure_it_test": True})
def _exercise_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "title": f"Nouvel exercice {side.upper()}",
            "format": "simulation", "kit_level": "intermediate"}


# The newer apps keep their factories beside their tests; importing them registers them here.
from tests.exposure import factories as _exposure_factories  # noqa: E402,F401
from tests.continuity import factories as _continuity_factories  # noqa: E402,F401
