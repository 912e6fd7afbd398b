"""The offline crisis kit of an organisation: built by the "continuity.kit" job with the documents engine
(static HTML folder, PDF binder, manifest of hashes), stored as a ZIP, marked stale whenever the data it
holds changes and then rebuilt by a job (only for organisations that built a kit once).

The kit holds: the crisis cell (the CrisisKit row's meeting place and bridge, the organisation's contacts),
the contacts of teams and suppliers, every activity's plan (as in its PCRA) and the runbook of the most
recently computed scenario. Its data date is the latest change of the activities, plans and tests in it.
"""

import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.jobs import JobResult, enqueue, handler
from vigie.core.models import Job
from vigie.organisations.models import Contact, Organisation

from . import pcra
from .engine import documents
from .models import (
    Activity, Application, BackupPlan, Component, CrisisKit, DegradedProcedure, RestoreTest, Scenario, Supplier, Team,
)

JOB_KIND = "continuity.kit"


def kit_data(kit: CrisisKit) -> documents.Kit:
    org = kit.organisation
    activities = list(Activity.objects.filter(organisation__path__startswith=org.path).select_related("organisation"))
    plans, dates = [], []
    for activity in activities:
        plan, as_of = pcra.activity_plan(activity)
        plans.append(plan)
        dates.append(as_of)
    cell_members = tuple(documents.Contact(name=c.name, role=c.get_function_display(), phone=c.phone, email=c.email)
                         for c in Contact.objects.filter(organisation=org))
    contacts = [documents.Contact(name=t.name, role=str(_("Recovery team")), phone_alt=t.on_call[:200], on_call=True)
                for t in Team.objects.filter(organisation=org)]
    contacts += [documents.Contact(name=s.name, role=s.get_kind_display(), phone=s.phone, email=s.email,
                                   availability=s.support_hours) for s in Supplier.objects.filter(organisation=org)]
    runbook = None
    scenario = (Scenario.objects.filter(organisation__path__startswith=org.path, computed_at__isnull=False)
                .exclude(result__has_key="error").order_by("-computed_at").first())
    if scenario is not None and scenario.result.get("steps"):
        steps = scenario.result["steps"]
        orders = {s["name"]: s["order"] for s in steps}
        runbook = documents.Runbook(scenario=scenario.name, steps=tuple(documents.RunbookStep(
            order=s["order"], component=s["name"], team=s["team"], start_minute=s["start"], end_minute=s["end"],
            depends_on=tuple(sorted(orders[n] for n in s["waits_for"] if n in orders))) for s in steps),
            computed_at=timezone.localtime(scenario.computed_at).replace(tzinfo=None))
    cell = documents.CrisisCell(members=cell_members, meeting_place=kit.meeting_place,
                                backup_meeting_place=kit.backup_meeting_place,
                                conference_bridge=kit.conference_bridge, activation=kit.activation)
    now = timezone.localtime().replace(tzinfo=None)
    establishment = documents.Establishment(org.name, org.finess or "", tuple(
        documents.Site(s.name, s.finess or "") for s in org.children.filter(kind="site")))
    return documents.Kit(establishment=establishment, generated_at=now, data_as_of=max(dates, default=now), crisis_cell=cell,
                         contacts=tuple(contacts), activities=tuple(plans), runbook=runbook)


def archive_path(kit: CrisisKit) -> Path:
    return Path(settings.MEDIA_ROOT) / "continuity" / "kits" / f"{kit.uuid}.zip"


def build(kit: CrisisKit, progress=None) -> bytes:
    data = kit_data(kit)
    with tempfile.TemporaryDirectory(prefix=f"vigie-kit-{kit.uuid}-") as tmp:
        folder = Path(tmp) / "kit-de-crise"
        on_progress = (lambda d, t, m: progress(int(90 * d / max(t, 1)), m)) if progress else None
        manifest = documents.build_kit(data, folder, on_progress=on_progress)
        content = documents.zip_kit(folder)
    path = archive_path(kit)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.write_bytes(content)
    partial.replace(path)
    CrisisKit.objects.filter(pk=kit.pk).update(
        stale=False, built_at=timezone.now(), data_as_of=timezone.make_aware(data.data_as_of),
        fingerprint=manifest.data_fingerprint, archive=str(path.relative_to(settings.MEDIA_ROOT)),
        sha256=hashlib.sha256(content).hexdigest(), manifest_sha256=manifest.manifest_sha256)
    return content


@handler(JOB_KIND)
def kit_job(job, progress):
    kit = CrisisKit.objects.select_related("organisation").filter(uuid=job.params.get("kit"),
                                                                 organisation=job.organisation).first()
    if kit is None:
        raise LookupError(_("The crisis kit of this job no longer exists."))
    content = build(kit, progress)
    name = f"kit-de-crise-{kit.organisation.finess or kit.organisation.pk}-{timezone.localdate():%Y%m%d}.zip"
    return JobResult(filename=name, content=content, url=kit.get_absolute_url())


def start(kit: CrisisKit, user=None) -> Job:
    job = enqueue(JOB_KIND, organisation=kit.organisation, user=user, params={"kit": str(kit.uuid)})
    CrisisKit.objects.filter(pk=kit.pk).update(job=job)
    return job


# --- staleness -----------------------------------------------------------------------------------------------


def _organisation_of(instance) -> Organisation | None:
    if isinstance(instance, DegradedProcedure):
        return instance.activity.organisation if instance.activity_id else None
    return getattr(instance, "organisation", None)


def mark_stale(organisation: Organisation) -> None:
    """The kits of the organisation and of its ancestors hold this data: mark them stale, rebuild by job."""
    prefixes = [organisation.path[: 7 * i] for i in range(1, organisation.depth + 1)]
    kits = list(CrisisKit.objects.filter(organisation__path__in=prefixes))
    if not kits:
        return
    CrisisKit.objects.filter(pk__in=[k.pk for k in kits]).update(stale=True)

    def rebuild() -> None:
        for kit in CrisisKit.objects.filter(pk__in=[k.pk for k in kits], stale=True).select_related("organisation"):
            busy = Job.objects.filter(kind=JOB_KIND, organisation=kit.organisation,
                                      status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists()
            if not busy:
                start(kit)

    transaction.on_commit(rebuild)


def _changed(sender, instance, **kwargs) -> None:
    organisation = _organisation_of(instance)
    if organisation is not None and organisation.pk:
        mark_stale(organisation)


WATCHED = (Activity, DegradedProcedure, Application, Component, Supplier, Team, BackupPlan, RestoreTest, Contact)


def connect() -> None:
    for model in WATCHED:
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=f"continuity-kit-{model._meta.label}")
        post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=f"continuity-kit-del-{model._meta.label}")
    for through in (Activity.applications.through, Application.components.through, Component.depends_on.through):
        m2m_changed.connect(_changed, sender=through, weak=False, dispatch_uid=f"continuity-kit-m2m-{through._meta.label}")


def checksum_matches(kit: CrisisKit) -> bool:
    path = archive_path(kit)
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == kit.sha256

