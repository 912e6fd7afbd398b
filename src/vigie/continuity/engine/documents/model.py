"""What the document generators print: plain, immutable inputs the continuity app fills from its models.

Conventions: every duration is a whole number of **minutes** (``None`` when not set yet); every date is a
``datetime`` already in the establishment's local time (printed as given, without conversion); every
collection is a tuple. Codes (activity category, dependency kind, form codes) are listed below with the
labels the documents print; an unknown code is printed as it is, so the app may pass free text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

__all__ = [
    "CATEGORIES", "DEPENDENCY_KINDS", "FORMS", "IMPACT_LEVELS", "LANGUAGES",
    "ActivityPlan", "Contact", "CrisisCell", "DegradedProcedure", "Dependency", "Establishment",
    "ImpactRow", "Kit", "KitFile", "KitManifest", "KitVerification", "Language", "RestoreTestRecord",
    "Runbook", "RunbookStep", "Site",
]

Language = Literal["fr", "en"]
LANGUAGES: tuple[Language, ...] = ("fr", "en")

# Domain 2 (D2.O1.C) names three kinds of critical activities; the documents print their label.
CATEGORIES: tuple[str, ...] = ("care", "administrative", "technical")
# What an activity depends on (the layers of the dependency graph).
DEPENDENCY_KINDS: tuple[str, ...] = ("application", "infrastructure", "supplier", "staff")
# Impact levels 0..4 (none, low, significant, serious, critical); the label of each is in texts.py.
IMPACT_LEVELS: tuple[int, ...] = (0, 1, 2, 3, 4)
# Blank paper forms of the crisis kit, by code. A procedure that names one of these codes in its
# ``forms`` links to the form in the kit; any other text is printed as the name of a local form.
FORMS: tuple[str, ...] = (
    "main-courante", "journal-decisions", "suivi-patients", "demande-laboratoire", "demande-imagerie",
    "annuaire-papier",
)


@dataclass(frozen=True, slots=True)
class Site:
    """A geographic site of the establishment (FINESS EG)."""

    name: str
    finess: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class Establishment:
    """The legal entity (FINESS EJ) the documents are about."""

    name: str
    finess: str = ""
    sites: tuple[Site, ...] = ()


@dataclass(frozen=True, slots=True)
class Contact:
    """A person to call. ``on_call`` marks the on-call (astreinte) list; ``availability`` says when."""

    name: str
    role: str
    phone: str = ""
    email: str = ""
    on_call: bool = False
    phone_alt: str = ""  # a second number that works when the switchboard or the IP phones are down
    organisation: str = ""  # service, team or supplier
    availability: str = ""  # e.g. "24/7", "weekdays 8-18", "on-call week 49"


@dataclass(frozen=True, slots=True)
class CrisisCell:
    """How the crisis cell is organised: who sits in it, where it meets, how it is reached."""

    members: tuple[Contact, ...]  # ``role`` is the role in the cell (crisis director, log keeper…)
    meeting_place: str
    backup_meeting_place: str = ""
    conference_bridge: str = ""  # number and code of an audio bridge that does not depend on the IS
    activation: str = ""  # who activates the cell and on what criteria
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ImpactRow:
    """Impact levels (0..4) of an interruption lasting ``window`` minutes."""

    window: int
    patient_safety: int
    continuity: int  # continuity of care / of the activity
    legal: int
    financial: int
    reputation: int


@dataclass(frozen=True, slots=True)
class DegradedProcedure:
    """How the activity keeps working without the information system."""

    title: str
    trigger: str  # when: the situation or the delay after which it starts
    triggered_by: str  # who decides to start it
    steps: tuple[str, ...]
    forms: tuple[str, ...] = ()  # form codes of FORMS, or names of local forms
    return_to_normal: str = ""  # how and when to go back (re-entering the paper records…)


@dataclass(frozen=True, slots=True)
class Dependency:
    """Something the activity needs: an application, an infrastructure component, a supplier, staff."""

    name: str
    kind: str  # one of DEPENDENCY_KINDS, or free text
    notes: str = ""


@dataclass(frozen=True, slots=True)
class RunbookStep:
    """One step of the recovery order. ``depends_on`` lists the ``order`` of steps that must end first."""

    order: int
    component: str
    team: str
    start_minute: int  # minutes after the start of the recovery
    end_minute: int
    depends_on: tuple[int, ...] = ()
    action: str = ""  # e.g. "restore from the offline copy", "rebuild"
    activities: tuple[str, ...] = ()  # activities this step gives back, once it is done


@dataclass(frozen=True, slots=True)
class Runbook:
    """The recovery runbook of a scenario, as the planner computed it."""

    scenario: str
    steps: tuple[RunbookStep, ...]
    computed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RestoreTestRecord:
    """One restore test: what was restored, how long it took, how much data was lost, who validated it."""

    date: datetime
    scope: str
    duration: int | None  # measured, minutes
    data_loss: int | None  # measured, minutes of data lost
    success: bool
    validated_by: str  # business referent (a role, not necessarily a name)
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ActivityPlan:
    """Everything the PCRA of one activity holds."""

    name: str
    category: str  # one of CATEGORIES, or free text
    owner: str
    sites: tuple[str, ...] = ()
    dmia: int | None = None  # durée maximale d'interruption admissible, minutes
    pdma: int | None = None  # perte de données maximale admissible, minutes
    rto: int | None = None
    rpo: int | None = None
    impacts: tuple[ImpactRow, ...] = ()  # interruption of that length: sets the DMIA
    procedures: tuple[DegradedProcedure, ...] = ()
    contacts: tuple[Contact, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    runbook: Runbook | None = None  # only the steps this activity waits for, or the whole runbook
    tests: tuple[RestoreTestRecord, ...] = ()
    description: str = ""  # context: what the activity does, for whom, volumes
    predicted_recovery: int | None = None  # minutes, from the planner, compared with the DMIA
    version: str = ""
    approved_by: str = ""
    reviewed_at: datetime | None = None
    data_loss_impacts: tuple[ImpactRow, ...] = ()  # loss of the data entered over that length: sets the PDMA
    critical: bool | None = None  # on the list of critical activities (None: not said)
    staff: str = ""  # who must be present for the activity to run in degraded mode


@dataclass(frozen=True, slots=True)
class Kit:
    """The content of the offline crisis kit."""

    establishment: Establishment
    generated_at: datetime
    data_as_of: datetime  # date of the data the kit holds, printed on every page
    crisis_cell: CrisisCell
    contacts: tuple[Contact, ...] = ()  # the establishment's directory and on-call list
    activities: tuple[ActivityPlan, ...] = ()
    runbook: Runbook | None = None  # the establishment-wide recovery order
    forms: tuple[str, ...] = FORMS  # which blank forms to include (codes of FORMS)


@dataclass(frozen=True, slots=True)
class KitFile:
    """One file of a built kit, relative to the kit folder (POSIX separators)."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class KitManifest:
    """What ``build_kit`` wrote: every file with its hash (the same lines as MANIFEST.sha256)."""

    directory: str
    files: tuple[KitFile, ...]
    data_as_of: datetime
    generated_at: datetime
    data_fingerprint: str  # sha256 of the kit's data; equal fingerprints mean no rebuild is needed
    pdf: str = "classeur.pdf"  # path of the PDF binder inside the folder
    index: str = "index.html"
    manifest_sha256: str = ""  # hash of MANIFEST.sha256 itself, to show beside the download


@dataclass(frozen=True, slots=True)
class KitVerification:
    """A kit folder compared with its MANIFEST.sha256. ``ok`` when nothing is altered, missing or extra."""

    altered: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    checked: int = 0  # files whose hash matched
    ok: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ok", not (self.altered or self.missing or self.extra))
