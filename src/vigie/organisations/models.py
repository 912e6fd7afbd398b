"""The organisation tree: national > region (ARS) > GHT > legal entity (FINESS EJ) > site (FINESS EG).

Establishments outside any GHT (private clinics) hang directly under their region. Every node keeps a
materialised path ("000001/000004/000009/") so "this node and everything under it" is one indexed
prefix condition, whatever the depth and however many nodes.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Sum
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Scoped, TenantModel
from vigie.core.roles import Role

from .finess import normalise, validate_finess

PATH_SEGMENT = 7  # six digits and a slash per level


class Kind(models.TextChoices):
    NATIONAL = "national", _("National")
    REGION = "region", _("Region (ARS)")
    GHT = "ght", _("Hospital group (GHT)")
    LEGAL_ENTITY = "legal_entity", _("Legal entity (FINESS EJ)")
    SITE = "site", _("Site (FINESS EG)")


# Which kinds may sit under which parent kind.
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    Kind.NATIONAL: (),
    Kind.REGION: (Kind.NATIONAL,),
    Kind.GHT: (Kind.REGION,),
    Kind.LEGAL_ENTITY: (Kind.GHT, Kind.REGION),
    Kind.SITE: (Kind.LEGAL_ENTITY,),
}
FINESS_KINDS = (Kind.LEGAL_ENTITY, Kind.SITE)


class LegalStatus(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE_NON_PROFIT = "private_non_profit", _("Private non-profit")
    PRIVATE_FOR_PROFIT = "private_for_profit", _("Private for-profit")
    MEDICO_SOCIAL = "medico_social", _("Medico-social")


class Organisation(Scoped):
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    path = models.CharField(max_length=PATH_SEGMENT * 6, db_index=True, editable=False, default="")
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(
        _("code"), max_length=32, blank=True, help_text=_("Region code (INSEE) or GHT identifier, if any.")
    )
    finess = models.CharField(
        _("FINESS number"), max_length=9, blank=True, null=True, unique=True,
        help_text=_("FINESS EJ for a legal entity, FINESS EG for a site: 9 characters with their check key."),
    )
    legal_status = models.CharField(_("legal status"), max_length=24, choices=LegalStatus.choices, blank=True)
    activity_share = models.DecimalField(
        _("activity share (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of the group's activity, used for the 66 % coverage rule of CaRE Domain 2."),
    )
    bed_count = models.PositiveIntegerField(_("beds and places"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    tenant_path = "path"
    required_roles = {
        "change": Role.MANAGER,
        "add": Role.ADMIN,
        "move": Role.ADMIN,  # taking a node elsewhere needs ADMIN where it is, and "add" where it goes
        "delete": Role.ADMIN,
        "import": Role.ADMIN,
        "manage_members": Role.MANAGER,
        "audit": Role.ADMIN,
    }

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(activity_share__isnull=True)
                | models.Q(activity_share__gte=0, activity_share__lte=100),
                name="organisation_activity_share_percent",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisations:detail", args=[self.uuid])

    @property
    def depth(self) -> int:
        return len(self.path) // PATH_SEGMENT

    def ancestors(self):
        """From the root down to the parent, in one query."""
        prefixes = [self.path[: PATH_SEGMENT * i] for i in range(1, self.depth)]
        return Organisation.objects.filter(path__in=prefixes).order_by("path")

    def subtree(self):
        return Organisation.objects.filter(path__startswith=self.path)

    def expected_path(self) -> str:
        """The path this node has once saved: also what the audit log files a new node under."""
        return (self.parent.path if self.parent else "") + f"{self.pk:06d}/"

    def effective_legal_status(self) -> str:
        if self.legal_status or self.parent is None:
            return self.legal_status
        return self.parent.effective_legal_status() if self.kind == Kind.SITE else self.legal_status

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.finess:
            self.finess = normalise(self.finess)
        allowed = ALLOWED_PARENTS.get(self.kind, ())
        if self.kind == Kind.NATIONAL:
            if self.parent_id:
                errors.setdefault("parent", []).append(gettext("The national level has no parent."))
        elif self.parent is None:
            errors.setdefault("parent", []).append(gettext("This kind of organisation needs a parent."))
        elif self.parent.kind not in allowed:
            errors.setdefault("parent", []).append(
                gettext("A %(kind)s cannot sit under a %(parent)s; allowed: %(allowed)s.")
                % {
                    "kind": Kind(self.kind).label,
                    "parent": Kind(self.parent.kind).label,
                    "allowed": ", ".join(str(Kind(k).label) for k in allowed),
                }
            )
        elif self.pk and self.parent.path.startswith(self.path):
            errors.setdefault("parent", []).append(gettext("An organisation cannot be moved under itself."))
        if self.kind in FINESS_KINDS:
            if not self.finess:
                errors.setdefault("finess", []).append(gettext("A FINESS number is required for this kind."))
            else:
                try:
                    validate_finess(self.finess)
                except ValidationError as exc:
                    errors.setdefault("finess", []).extend(exc.messages)
        elif self.finess:
            errors.setdefault("finess", []).append(
                gettext("Only legal entities and sites carry a FINESS number.")
            )
        if self.kind == Kind.LEGAL_ENTITY and not self.legal_status:
            errors.setdefault("legal_status", []).append(gettext("A legal entity needs a legal status."))
        if self.activity_share is not None and self.kind not in FINESS_KINDS:
            errors.setdefault("activity_share", []).append(
                gettext("The activity share applies to legal entities and sites.")
            )
        share_ok = self.activity_share is None or Decimal(self.activity_share).is_finite()
        if not share_ok:
            errors.setdefault("activity_share", []).append(gettext("The activity share must be a number."))
        if self.activity_share is not None and self.parent_id and not errors.get("activity_share"):
            siblings = Organisation.objects.filter(parent_id=self.parent_id, kind=self.kind).exclude(pk=self.pk)
            total = (siblings.aggregate(s=Sum("activity_share"))["s"] or Decimal("0")) + self.activity_share
            if total > 100:
                errors.setdefault("activity_share", []).append(
                    gettext("The activity shares under %(parent)s would add up to %(total)s %%, over 100 %%.")
                    % {"parent": self.parent.name, "total": total}
                )
        if errors:
            raise ValidationError(errors)

    @transaction.atomic
    def save(self, *args, **kwargs) -> None:
        if not self.finess:
            self.finess = None  # unique, so blank must be NULL
        # Paths come from the database, never from this (possibly stale) instance: a copy loaded before a
        # concurrent move of an ancestor must not write the old path back.
        rows = Organisation.objects.select_for_update()
        old_path = rows.filter(pk=self.pk).values_list("path", flat=True).first() or "" if self.pk else ""
        parent_path = rows.filter(pk=self.parent_id).values_list("path", flat=True).first() or ""
        self.path = old_path
        super().save(*args, **kwargs)
        new_path = parent_path + f"{self.pk:06d}/"
        if new_path != old_path:
            Organisation.objects.filter(pk=self.pk).update(path=new_path)
            if old_path:  # moved: carry the subtree along
                Organisation.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1))
                )
            self.path = new_path


class Contact(TenantModel):
    """A person to reach at an organisation: RSSI, IT director, director, DPO, crisis referent…"""

    class Function(models.TextChoices):
        RSSI = "rssi", _("Security officer (RSSI)")
        DSI = "dsi", _("IT director (DSI)")
        DIRECTOR = "director", _("Director")
        DPO = "dpo", _("Data protection officer (DPO)")
        CRISIS = "crisis", _("Crisis referent")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    function = models.CharField(_("function"), max_length=16, choices=Function.choices, default=Function.OTHER)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    required_roles = {"add": Role.MANAGER, "change": Role.MANAGER, "delete": Role.MANAGER}

    class Meta:
        ordering = ["organisation__path", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_function_display()})"

    def get_absolute_url(self) -> str:
        return reverse("organisations:contact_edit", args=[self.uuid])
