"""Internet exposure: what an organisation declares it may scan, what the scans saw, what is wrong, and the
audits that prove it for CaRE.

- `ScopeEntry`: a domain, host name, address or CIDR range, with its attestation (who attests the
  organisation owns it or may test it, their function, when, until when). Only attested, unexpired entries
  are given to the engine.
- `Schedule`: one per organisation: scans every `every_months` (1 by default) from `next_due` on.
- `Scan`: one run of the engine (full scan or retest of one finding) or one imported nmap file, with its
  job, counts and the diff against the previous full scan.
- `Asset` (host, domain), `Service` (an open port of a host), `Certificate` (seen on a service), with first
  and last seen; `Sighting` keeps what each scan saw of each asset and service (history).
- `Finding`: identified by (target, port, check, evidence key) — never by its title — followed from scan
  to scan: open → fixed → verified, or risk accepted until an expiry. `FindingEvent` is its history.
- `Audit`: an exposure audit for CaRE D1.O2.B: a completed scan or an imported third-party report, with
  its summary level (see audits.py).
"""

import datetime
import hashlib
import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Run, TenantModel
from vigie.core.roles import Role

MANAGERS = {"add": Role.MANAGER, "change": Role.MANAGER, "delete": Role.MANAGER, "import": Role.MANAGER}


def today() -> datetime.date:
    return timezone.localdate()


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK = {value: rank for rank, value in enumerate(Severity.values)}


# --- scope ---------------------------------------------------------------------------------------------


class ScopeEntry(TenantModel):
    class Kind(models.TextChoices):
        DOMAIN = "domain", _("Domain")
        HOST = "host", _("Host name")
        IPV4 = "ipv4", _("IPv4 address")
        IPV6 = "ipv6", _("IPv6 address")
        CIDR = "cidr", _("Address range (CIDR)")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, blank=True)  # from the value, in clean()
    value = models.CharField(_("value"), max_length=253,
                             help_text=_("ch-exemple.fr, vpn.ch-exemple.fr, 192.0.2.10, 2001:db8::1 or 192.0.2.0/28"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    attested_by = models.CharField(_("attested by"), max_length=200, blank=True,
                                   help_text=_("The person who attests the organisation owns it or may test it."))
    attested_function = models.CharField(_("their function"), max_length=200, blank=True)
    attested_at = models.DateTimeField(_("attested on"), null=True, blank=True)
    attested_until = models.DateField(_("attestation expires"), null=True, blank=True)
    attested_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    required_roles = MANAGERS

    class Meta:
        ordering = ["organisation__path", "kind", "value", "id"]
        verbose_name = _("scope entry")
        verbose_name_plural = _("scope entries")
        constraints = [models.UniqueConstraint(fields=["organisation", "value"], name="exposure_scope_once")]

    def __str__(self) -> str:
        return self.value

    def get_absolute_url(self) -> str:
        return reverse("exposure:scope_detail", args=[self.uuid])

    def clean(self) -> None:
        # cycle: scope imports these models (not broken yet)
        from .scope import normalise_entry

        self.kind, self.value = normalise_entry(self.value, self.kind)

    def is_attested(self, on: datetime.date | None = None) -> bool:
        on = on or today()
        return bool(self.attested_at and self.attested_until and self.attested_until >= on)


class Schedule(TenantModel):
    scheduled = models.BooleanField(_("scheduled scans"), default=True)
    every_months = models.PositiveSmallIntegerField(_("scan every (months)"), default=1)
    next_due = models.DateField(_("next scan due"), default=today, null=True, blank=True)
    ports = models.CharField(_("ports"), max_length=500, blank=True,
                             help_text=_("Empty: the engine's default list. Otherwise e.g. 22,80,443,8000-8100."))
    nameservers = models.CharField(
        _("name servers"), max_length=300, blank=True,
        help_text=_("Addresses of the DNS servers that resolve the scope's names, separated by commas. Empty: "
                    "the server's configured ones (VIGIE_EXPOSURE_NAMESERVERS); none: names are not resolved."))

    required_roles = MANAGERS

    class Meta:
        ordering = ["organisation__path"]
        verbose_name = _("scan schedule")
        verbose_name_plural = _("scan schedules")
        constraints = [models.UniqueConstraint(fields=["organisation"], name="exposure_schedule_once")]

    def __str__(self) -> str:
        return str(self.organisation)

    def get_absolute_url(self) -> str:
        return reverse("exposure:organisation", args=[self.organisation.uuid])

    def clean(self) -> None:
        if not 1 <= self.every_months <= 12:
            raise ValidationError({"every_months": _("Between 1 and 12 months.")})
        try:
            self.port_list()
        except ValueError:
            raise ValidationError({"ports": _("Write ports and ranges between 1 and 65535, separated by commas: "
                                              "22,80,443,8000-8100.")}) from None
        try:
            self.nameserver_list()
        except ValueError:
            raise ValidationError({"nameservers": _("Write IP addresses separated by commas.")}) from None

    def port_list(self) -> tuple[int, ...] | None:
        """The ports to scan, None for the engine's default list; ValueError when malformed."""
        if not self.ports.strip():
            return None
        found: list[int] = []
        for part in self.ports.replace(" ", "").split(","):
            low, _sep, high = part.partition("-")
            first, last = int(low), int(high or low)
            if not 1 <= first <= last <= 65535:
                raise ValueError(part)
            found.extend(range(first, last + 1))
        return tuple(dict.fromkeys(found))

    def nameserver_list(self) -> tuple[str, ...]:
        return tuple(str(ipaddress.ip_address(v.strip())) for v in self.nameservers.split(",") if v.strip())

    def following_due(self, after: datetime.date) -> datetime.date:
        month = after.month - 1 + max(1, self.every_months)
        return datetime.date(after.year + month // 12, month % 12 + 1, min(after.day, 28))


# --- scans and inventory --------------------------------------------------------------------------------


class Scan(Run):
    class Kind(models.TextChoices):
        SCAN = "scan", _("Full scan")
        RETEST = "retest", _("Retest of one finding")
        NMAP = "nmap", _("Imported nmap file")

    class Source(models.TextChoices):
        MANUAL = "manual", _("On demand")
        SCHEDULE = "schedule", _("Scheduled")
        IMPORT = "import", _("Import")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.SCAN)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.MANUAL)
    status = models.CharField(_("status"), max_length=8, choices=Run.Status.choices,  # its column: 8 wide
                              default=Run.Status.QUEUED)
    finding = models.ForeignKey("Finding", on_delete=models.SET_NULL, null=True, blank=True, related_name="retests",
                                verbose_name=_("retested finding"))
    targets = models.JSONField(_("targets"), default=list, blank=True)
    hosts_count = models.PositiveIntegerField(_("hosts"), default=0)
    services_count = models.PositiveIntegerField(_("open ports"), default=0)
    ports_probed = models.PositiveIntegerField(_("ports probed"), default=0)
    findings_count = models.PositiveIntegerField(_("findings"), default=0)
    refused = models.JSONField(_("refused targets"), default=list, blank=True)  # [{target, reason}]
    errors = models.JSONField(_("errors"), default=list, blank=True)
    diff = models.JSONField(_("new exposure"), default=dict, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)

    required_roles = MANAGERS

    class Meta(Run.Meta):
        verbose_name = _("scan")
        verbose_name_plural = _("scans")
        indexes = [models.Index(fields=["organisation", "kind", "status", "finished_at"], name="exposure_scan_recent"),
                   # the lists' order: a page of the newest needs no sort of every scan in scope
                   models.Index(fields=["-created_at", "-id"], name="exposure_scan_list_order")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.when}"

    def get_absolute_url(self) -> str:
        return reverse("exposure:scan_detail", args=[self.uuid])


class Asset(TenantModel):
    class Kind(models.TextChoices):
        HOST = "host", _("Host")
        DOMAIN = "domain", _("Domain")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("address or domain"), max_length=253)
    names = models.JSONField(_("names"), default=list, blank=True)  # in-scope names that resolve to the host
    reverse_name = models.CharField(_("reverse name"), max_length=253, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)  # DNS facts of a domain
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["organisation__path", "kind", "value", "id"]
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        constraints = [models.UniqueConstraint(fields=["organisation", "kind", "value"], name="exposure_asset_once")]

    def __str__(self) -> str:
        return self.value

    def get_absolute_url(self) -> str:
        return reverse("exposure:asset_detail", args=[self.uuid])


class Service(TenantModel):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="services", verbose_name=_("host"))
    port = models.PositiveIntegerField(_("port"))
    name = models.CharField(_("service"), max_length=64, blank=True)
    product = models.CharField(_("product"), max_length=200, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)
    cpe = models.CharField(_("CPE"), max_length=300, blank=True)
    banner = models.TextField(_("banner"), blank=True)
    hostname = models.CharField(_("name used"), max_length=253, blank=True)
    open = models.BooleanField(_("open at the last scan"), default=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["asset__value", "port", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [models.UniqueConstraint(fields=["asset", "port"], name="exposure_service_once")]

    def __str__(self) -> str:
        return f"{self.asset.value}:{self.port} {self.name}".strip()


class Certificate(TenantModel):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="certificates")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    subject = models.CharField(_("subject"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    names = models.JSONField(_("names"), default=list, blank=True)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    self_signed = models.BooleanField(_("self-signed"), default=False)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))

    class Meta:
        ordering = ["not_after", "id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(fields=["service", "sha256"], name="exposure_certificate_once")]

    def __str__(self) -> str:
        return self.subject


class Sighting(TenantModel):
    """What one scan saw of one asset (service empty) or one of its services: the inventory's history."""

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="sightings")
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="sightings")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True, related_name="sightings")
    port = models.PositiveIntegerField(null=True, blank=True)
    product = models.CharField(max_length=200, blank=True)
    version = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-scan__created_at", "port", "id"]


# --- findings --------------------------------------------------------------------------------------------


def identity_of(target: str, port: int | None, check_id: str, evidence_key: str) -> str:
    """The stable identity of a finding: a digest of (target, port, check, evidence key)."""
    raw = "\x1f".join([target.lower(), "" if port is None else str(port), check_id, evidence_key])
    return hashlib.sha256(raw.encode()).hexdigest()


class Finding(TenantModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        FIXED = "fixed", _("Fixed")
        VERIFIED = "verified", _("Fixed and verified")
        ACCEPTED = "accepted", _("Risk accepted")

    identity = models.CharField(max_length=64, editable=False)
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="findings", verbose_name=_("asset"))
    target = models.CharField(_("target"), max_length=253)  # the address, or the domain
    port = models.PositiveIntegerField(_("port"), null=True, blank=True)
    check_id = models.CharField(_("check"), max_length=100)
    evidence_key = models.CharField(_("evidence key"), max_length=300, blank=True)
    hostname = models.CharField(_("name"), max_length=253, blank=True)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    confidence = models.CharField(_("confidence"), max_length=12, default="certain")
    title_fr = models.CharField(_("title (French)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    first_scan = models.ForeignKey(Scan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    last_scan = models.ForeignKey(Scan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    status_changed_at = models.DateTimeField(_("status since"), null=True, blank=True)
    accepted_until = models.DateField(_("risk accepted until"), null=True, blank=True)
    acceptance_reason = models.TextField(_("justification"), blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("accepted by"))

    required_roles = MANAGERS

    class Meta:
        ordering = ["status", "-last_seen", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [models.UniqueConstraint(fields=["organisation", "identity"], name="exposure_finding_once")]
        indexes = [
            models.Index(fields=["organisation", "status", "severity"], name="exposure_finding_status"),
            # the default order: a page of a million findings reads its rows from here instead of sorting them all
            models.Index(fields=["status", "-last_seen", "id"], name="exposure_finding_order"),
        ]

    def __str__(self) -> str:
        where = f"{self.target}:{self.port}" if self.port else self.target
        return f"{where} — {self.title}"

    def save(self, *args, **kwargs):
        self.identity = identity_of(self.target, self.port, self.check_id, self.evidence_key)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("exposure:finding_detail", args=[self.uuid])

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "fr").startswith("en") and self.title_en else self.title_fr

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def action_key(self) -> str:
        return f"exposure:finding:{self.uuid}"


class FindingEvent(TenantModel):
    """One step of a finding's life: seen by a scan, status changed by a scan, a retest or a person."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    scan = models.ForeignKey(Scan, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    old_status = models.CharField(max_length=8, blank=True)
    new_status = models.CharField(max_length=8)
    note = models.TextField(blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+")

    class Meta:
        ordering = ["-at", "-id"]


# --- audits ----------------------------------------------------------------------------------------------


class Audit(TenantModel):
    class Provider(models.TextChoices):
        VIGIE = "vigie", _("Vigie scan")
        SILENE = "silene", _("SILENE (ANSSI)")
        ANS = "ans", _("ANS cyber-surveillance")
        OTHER = "other", _("Other provider")

    title = models.CharField(_("title"), max_length=200)
    provider = models.CharField(_("provider"), max_length=8, choices=Provider.choices, default=Provider.VIGIE)
    scan = models.OneToOneField(Scan, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit")
    performed_on = models.DateField(_("performed on"))
    level = models.PositiveSmallIntegerField(_("level"))
    counts = models.JSONField(_("findings by severity"), default=dict, blank=True)
    dangerous_services = models.JSONField(_("dangerous services exposed"), default=list, blank=True)
    items = models.JSONField(_("reported items"), default=list, blank=True)  # imported reports' rows
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    required_roles = MANAGERS

    class Meta:
        ordering = ["-performed_on", "-id"]
        verbose_name = _("exposure audit")
        verbose_name_plural = _("exposure audits")
        indexes = [models.Index(fields=["-performed_on", "-id"], name="exposure_audit_list_order")]

    def __str__(self) -> str:
        return f"{self.title} ({self.performed_on.isoformat()})"

    def get_absolute_url(self) -> str:
        return reverse("exposure:audit_detail", args=[self.uuid])
