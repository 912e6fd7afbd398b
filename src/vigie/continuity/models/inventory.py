"""What activities need: applications, the infrastructure components under them, suppliers and SaaS, and
the teams that rebuild components. Edges read "needs": activity → application → component → supplier,
plus application → application and component → component (a database needs its server). Cycles are
refused by services.add_dependency / check_graph before anything is saved."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vigie.core.models import TenantModel


class Hosting(models.TextChoices):
    ON_PREMISE = "on_premise", _("On premise")
    HOSTED = "hosted", _("Hosted by a third party")
    SAAS = "saas", _("SaaS")


class ComponentKind(models.TextChoices):
    SERVER = "server", _("Server")
    DATABASE = "database", _("Database")
    DIRECTORY = "directory", _("Directory")
    NETWORK = "network", _("Network")
    STORAGE = "storage", _("Storage")
    BACKUP = "backup", _("Backup system")
    OTHER = "other", _("Other")


class Platform(models.TextChoices):
    WINDOWS = "windows", _("Windows")
    LINUX = "linux", _("Linux / Unix")
    APPLIANCE = "appliance", _("Appliance")
    VIRTUALISATION = "virtualisation", _("Virtualisation host")
    OTHER = "other", _("Other")


class SupplierKind(models.TextChoices):
    SUPPLIER = "supplier", _("Supplier or maintainer")
    SAAS = "saas", _("SaaS provider")
    HOST = "host", _("Hosting provider")


class Team(TenantModel):
    """The people who rebuild or restore components; `capacity` is how many tasks they run at once."""

    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    capacity = models.PositiveSmallIntegerField(_("parallel tasks"), default=1)
    on_call = models.TextField(_("on-call list"), blank=True, help_text=_("Names or functions and phone numbers."))

    class Meta:
        ordering = ["organisation__path", "name", "id"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="continuity_team_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("continuity:team_edit", args=[self.uuid])


class Supplier(TenantModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=SupplierKind.choices, default=SupplierKind.SUPPLIER)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    support_hours = models.CharField(_("support hours"), max_length=100, blank=True)
    contract = models.CharField(_("contract reference"), max_length=200, blank=True)
    backup_clause = models.BooleanField(_("contract binds backups and restores"), default=False,
                                        help_text=_("The contract holds the backup and restore policy (CaRE D2.O2.A)."))

    class Meta:
        ordering = ["organisation__path", "name", "id"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="continuity_supplier_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("continuity:supplier_edit", args=[self.uuid])


class Component(TenantModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=ComponentKind.choices)
    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices, default=Platform.OTHER)
    description = models.TextField(_("description"), blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="components",
                             verbose_name=_("team that rebuilds it"))
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="needed_by",
                                        verbose_name=_("needs components"))
    suppliers = models.ManyToManyField(Supplier, blank=True, related_name="components", verbose_name=_("suppliers"))
    holds_data = models.BooleanField(_("holds data to back up"), default=True)
    data_size_gb = models.FloatField(_("data size (GB)"), default=0)
    rebuild_hours = models.FloatField(_("rebuild time (hours)"), default=4,
                                      help_text=_("Reinstalling it from scratch, before any data is restored."))
    restore_hours = models.FloatField(_("restore time (hours)"), default=4,
                                      help_text=_("Estimate used until a restore test measures the throughput."))

    class Meta:
        ordering = ["organisation__path", "kind", "name", "id"]
        verbose_name = _("infrastructure component")
        verbose_name_plural = _("infrastructure components")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="continuity_component_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("continuity:component_detail", args=[self.uuid])


class Application(TenantModel):
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    name = models.CharField(_("name"), max_length=200)
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    hosting = models.CharField(_("hosting"), max_length=16, choices=Hosting.choices, default=Hosting.ON_PREMISE)
    components = models.ManyToManyField(Component, blank=True, related_name="applications",
                                        verbose_name=_("needs components"))
    depends_on = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="needed_by",
                                        verbose_name=_("needs applications"))
    suppliers = models.ManyToManyField(Supplier, blank=True, related_name="applications",
                                       verbose_name=_("suppliers and SaaS"))

    class Meta:
        ordering = ["organisation__path", "name", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="continuity_application_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("continuity:application_detail", args=[self.uuid])
