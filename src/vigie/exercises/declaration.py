"""The CERT Santé declaration of an incident: its four blocks in the national form's order, the text to
paste into the reporting portal block by block, the PDF, and recording the declaration itself.

The portal's text is always in French (the portal is), whatever the user's interface language.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.accounts import audit
from vigie.accounts.models import AuditEvent
from vigie.core.pdf import html_to_pdf

from .incidents import catalogue, declaration_delay, significance
from .models import Incident

# The four blocks of the form (arrêté of 30 Oct 2017, annex, summarised in care-facts §10), in its order,
# with the incident's fields each carries. Labels are our own wording.
BLOCKS = (
    ("identification", gettext_lazy("1. Identification of the structure and of the declarant"),
     ("structure_name", "structure_finess", "declarant_name", "declarant_role", "declarant_email",
      "declarant_phone")),
    ("description", gettext_lazy("2. Description of the incident"),
     ("title", "detected_at", "discovered_at", "perimeter", "systems_concerned", "data_concerned", "handling")),
    ("impacts", gettext_lazy("3. Impacts"),
     ("impact_data", "impact_data_detail", "impact_persons", "impact_persons_detail", "impact_system",
      "impact_system_detail", "impact_structure", "impact_structure_detail")),
    ("causes", gettext_lazy("4. Causes, if known"), ("cause_knowledge", "cause_type", "causes")),
)


@dataclass(frozen=True, slots=True)
class Line:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Block:
    key: str
    title: str
    lines: tuple[Line, ...]


def _value(incident: Incident, name: str) -> str:
    field = Incident._meta.get_field(name)
    value = getattr(incident, name)
    if field.choices:
        return str(getattr(incident, f"get_{name}_display")())
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    return str(value or "").strip() or "—"


def _label(name: str) -> str:
    if name.endswith("_detail"):  # shown right under the choice it details
        return "  " + _("Details")
    label = str(Incident._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def blocks(incident: Incident) -> tuple[Block, ...]:
    """The declaration's blocks with their labels and values, in the form's order (current language)."""
    return tuple(
        Block(key, str(title), tuple(Line(_label(name), _value(incident, name)) for name in names))
        for key, title, names in BLOCKS
    )


def declaration_text(incident: Incident) -> str:
    """Plain text, block by block in the portal's order, ready to paste; in French."""
    with translation.override("fr"):
        found = significance(incident)
        out = [_("CERT Santé declaration — %(title)s") % {"title": incident.title},
               _("Vigie reference: %(uuid)s") % {"uuid": incident.uuid}, ""]
        for block in blocks(incident):
            out += [block.title, "=" * len(block.title)]
            out += [f"{line.label} : {line.value}" for line in block.lines]
            out.append("")
        out.append(_("Significance"))
        out.append("=" * len(out[-1]))
        if found.to_declare:
            out += [f"- {reason.title}" for reason in found.reasons]
        else:
            out.append(_("No significance category ticked."))
        return "\n".join(out).rstrip() + "\n"


def declaration_pdf(incident: Incident, user) -> bytes:
    """The declaration as a PDF; recorded as an EXPORT in the audit log."""
    html = render_to_string("exercises/incidents/pdf.html", {
        "incident": incident, "blocks": blocks(incident), "significance": significance(incident),
        "delay": declaration_delay(incident), "catalogue": catalogue(), "generated_at": timezone.now(),
    })
    pdf = html_to_pdf(html)
    audit.record(AuditEvent.Action.EXPORT, obj=incident, user=user, changes={"format": "pdf"})
    return pdf


def declare(incident: Incident, *, user, reference: str, declared_at: datetime.datetime | None = None) -> Incident:
    """Record that the incident was declared on the national portal, with the portal's reference number.

    The caller has checked the fresh second factor. Declaring twice is refused (the first record stands).
    """
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError({"declaration_reference": _("Give the reference number the portal returned.")})
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if locked.declared_at is not None:
            raise ValidationError(_("This incident has already been declared."))
        locked.declared_at = declared_at or timezone.now()
        if locked.declared_at > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError({"declared_at": _("The declaration date cannot be in the future.")})
        locked.declaration_reference = reference[:100]
        locked.declared_by = user
        locked.full_clean()
        locked.save(update_fields=["declared_at", "declaration_reference", "declared_by"])
    audit.record(AuditEvent.Action.CHANGE, obj=locked, user=user,
                 changes={"declared_at": str(locked.declared_at), "declaration_reference": reference})
    return locked
