"""Active Directory audits: the directories an organisation registers, their audits and failing checks.

- `Directory`: one AD domain and how to reach it; the bind password is encrypted at rest (crypto.py) and
  never shown back. Audited every `audit_every_months` (3 by default) from `next_due` on.
- `Audit`: one run of the engine on a live collection or an uploaded snapshot (kept under MEDIA_ROOT with
  its SHA-256), with the level 1–5, score, counts and the engine's JSON result.
- `Finding`: one failing check of an audit, as rows for filtering and trends.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Run, TenantModel
from vigie.core.roles import Role

from . import crypto


class Security(models.TextChoices):
    LDAPS = "ldaps", _("LDAPS (TLS, port 636)")
    STARTTLS = "starttls", _("StartTLS (port 389)")
    PLAIN_SIGNED = "plain-signed", _("LDAP signed and sealed by NTLM or Kerberos (port 389)")


class AuthMethod(models.TextChoices):
    SIMPLE = "simple", _("Simple bind")
    NTLM = "ntlm", _("NTLM")
    KERBEROS = "kerberos", _("Kerberos")


def today() -> datetime.date:
    return timezone.localdate()


class Directory(TenantModel):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("domain"), max_length=253, help_text=_("DNS name, e.g. ad.ch-exemple.fr"))
    dedicated_backup = models.BooleanField(
        _("dedicated backup directory"), default=False,
        help_text=_("The separate directory that administers backups (CaRE D2.O3.A)."))
    server = models.CharField(_("server"), max_length=253, blank=True,
                              help_text=_("Domain controller name or address; empty: snapshot uploads only."))
    port = models.PositiveIntegerField(_("port"), default=0, help_text=_("0: the default port of the security mode."))
    security = models.CharField(_("security"), max_length=16, choices=Security.choices, default=Security.LDAPS)
    auth_method = models.CharField(_("authentication"), max_length=16, choices=AuthMethod.choices,
                                   default=AuthMethod.SIMPLE)
    username = models.CharField(_("user name"), max_length=300, blank=True,
                                help_text=_("A read-only account is enough."))
    # AES-GCM ciphertext (crypto.py), never the password itself; named "password" so the audit log
    # records only that it changed.
    password = models.TextField(_("password (encrypted)"), blank=True, editable=False)
    base_dn = models.CharField(_("base DN"), max_length=500, blank=True)
    kerberos_host = models.CharField(
        _("Kerberos host name"), max_length=253, blank=True,
        help_text=_("Host name of the domain controller in its ldap/ service principal, when the server is "
                    "given as an address. Empty: the server."))
    ca_certificate = models.TextField(_("CA certificate (PEM)"), blank=True)
    verify_certificate = models.BooleanField(_("verify the server certificate"), default=True)
    scheduled = models.BooleanField(_("scheduled audits"), default=True)
    audit_every_months = models.PositiveSmallIntegerField(_("audit every (months)"), default=3)
    next_due = models.DateField(_("next audit due"), default=today, null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    required_roles = {"change": Role.MANAGER, "add": Role.MANAGER, "delete": Role.MANAGER}

    class Meta:
        ordering = ["organisation__path", "name", "id"]
        verbose_name = _("directory")
        verbose_name_plural = _("directories")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "domain"], name="directory_unique_domain"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.domain})"

    def get_absolute_url(self) -> str:
        return reverse("directory:detail", args=[self.uuid])

    def clean(self) -> None:
        if self.port > 65535:
            raise ValidationError({"port": _("A port is between 0 and 65535.")})
        if not 1 <= self.audit_every_months <= 12:
            raise ValidationError({"audit_every_months": _("Between 1 and 12 months.")})
        if self.security == Security.PLAIN_SIGNED and self.auth_method == AuthMethod.SIMPLE:
            raise ValidationError({"security": _("LDAP without TLS needs NTLM or Kerberos, which sign and seal "
                                                 "the session; a simple bind needs LDAPS or StartTLS.")})
        pem = self.ca_certificate.strip()
        if pem and "-----BEGIN CERTIFICATE-----" not in pem:
            raise ValidationError({"ca_certificate": _("Paste the certificate in PEM format (-----BEGIN CERTIFICATE-----).")})

    # --- credentials -----------------------------------------------------------------------------------

    @property
    def has_password(self) -> bool:
        return bool(self.password)

    def set_password(self, raw: str) -> None:
        self.password = crypto.encrypt(raw, str(self.uuid)) if raw else ""

    def get_password(self) -> str:
        """The plaintext, for the collector only; CredentialsError when the key changed."""
        return crypto.decrypt(self.password, str(self.uuid)) if self.password else ""

    # --- schedule --------------------------------------------------------------------------------------

    def following_due(self, after: datetime.date) -> datetime.date:
        month = after.month - 1 + self.audit_every_months
        year, month = after.year + month // 12, month % 12 + 1
        day = min(after.day, 28)
        return datetime.date(year, month, day)

    def last_audit(self):
        return self.audits.filter(status=Audit.Status.DONE).order_by("-finished_at").first()


class Audit(Run):
    class Source(models.TextChoices):
        LIVE = "live", _("Live collection")
        UPLOAD = "upload", _("Uploaded snapshot")
        SCHEDULE = "schedule", _("Scheduled collection")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    directory = models.ForeignKey(Directory, on_delete=models.CASCADE, related_name="audits",
                                  verbose_name=_("directory"))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.LIVE)
    snapshot_file = models.CharField(_("snapshot file"), max_length=300, blank=True)  # relative to MEDIA_ROOT
    snapshot_sha256 = models.CharField(_("snapshot SHA-256"), max_length=64, blank=True)
    snapshot_size = models.PositiveBigIntegerField(_("snapshot size"), default=0)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    score = models.IntegerField(_("score"), null=True, blank=True)
    failing_count = models.PositiveIntegerField(_("failing checks"), default=0)
    covered_count = models.PositiveIntegerField(_("checks run"), default=0)
    failing_by_level = models.JSONField(_("failing checks by level"), default=dict, blank=True)
    blockers = models.JSONField(_("next level blockers"), default=list, blank=True)  # rule ids
    counts = models.JSONField(_("object counts"), default=dict, blank=True)
    result = models.JSONField(_("engine result"), default=dict, blank=True)
    report_file = models.CharField(_("technical report"), max_length=300, blank=True)  # relative to MEDIA_ROOT

    required_roles = {"add": Role.MANAGER, "change": Role.MANAGER, "delete": Role.MANAGER}

    class Meta(Run.Meta):
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        indexes = [models.Index(fields=["directory", "status", "finished_at"], name="directory_audit_recent"),
                   # the lists' order: a page of the newest needs no sort of every audit in scope
                   models.Index(fields=["-created_at", "-id"], name="directory_audit_list_order")]

    def __str__(self) -> str:
        return f"{self.directory.domain} — {self.when}"

    def get_absolute_url(self) -> str:
        return reverse("directory:audit_detail", args=[self.uuid])


class Finding(TenantModel):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings", verbose_name=_("audit"))
    rule_id = models.CharField(_("rule"), max_length=100)
    anssi_id = models.CharField(_("ANSSI checkpoint"), max_length=100, blank=True)
    level = models.PositiveSmallIntegerField(_("level"))
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description = models.TextField(_("what is wrong"), blank=True)
    recommendation = models.TextField(_("recommendation"), blank=True)
    score = models.IntegerField(_("score"), default=0)
    affected_count = models.PositiveIntegerField(_("affected objects"), default=0)
    affected = models.JSONField(_("affected objects"), default=list, blank=True)  # [{dn, name, detail}]
    blocks_next_level = models.BooleanField(_("blocks the next level"), default=False)

    class Meta:
        ordering = ["level", "-score", "rule_id", "id"]
        verbose_name = _("failing check")
        verbose_name_plural = _("failing checks")
        constraints = [models.UniqueConstraint(fields=["audit", "rule_id"], name="directory_finding_once")]
        indexes = [models.Index(fields=["rule_id", "level"], name="directory_finding_rule")]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("directory:finding_detail", args=[self.uuid])

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "fr").startswith("en") and self.title_en else self.title_fr
