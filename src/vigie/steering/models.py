"""What the views above the establishment read: the latest reading of every indicator for every
establishment (`Summary`), and the share of establishments holding each indicator month by month for every
steering node (`Trend`). Both are precomputed (services.refresh) so that a national page counts rows it
stored, never the millions of findings, actions and audits behind them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.indicators import State
from vigie.core.models import TenantModel


class Summary(TenantModel):
    """The reading of one indicator for one establishment (a legal entity, standing for its sites too)."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="steering_summaries",
        verbose_name=_("establishment"),
    )
    key = models.CharField(_("indicator"), max_length=64)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.NEVER)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    on = models.DateField(_("recorded on"), null=True, blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["organisation__path", "key"]
        verbose_name = _("indicator reading")
        verbose_name_plural = _("indicator readings")
        constraints = [models.UniqueConstraint(fields=["organisation", "key"], name="summary_once_per_key")]
        indexes = [
            models.Index(fields=["key", "state"], name="summary_key_state"),
            models.Index(fields=["key", "due"], name="summary_key_due"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.key}: {self.state}"


class Trend(TenantModel):
    """For a steering node (national, region, GHT) and a month: how many of its establishments held an
    indicator at the month's end, out of how many."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="steering_trends",
        verbose_name=_("level"),
    )
    key = models.CharField(_("indicator"), max_length=64)
    month = models.DateField(_("month"))  # the first day of the month
    holding = models.PositiveIntegerField(_("establishments holding it"), default=0)
    total = models.PositiveIntegerField(_("establishments"), default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        ordering = ["organisation__path", "key", "month"]
        verbose_name = _("indicator trend")
        verbose_name_plural = _("indicator trends")
        constraints = [models.UniqueConstraint(fields=["organisation", "key", "month"], name="trend_once_per_month")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.key} {self.month:%Y-%m}: {self.holding}/{self.total}"


class Stale(models.Model):
    """An organisation whose records changed since its establishments' summaries were computed (freshness.py):
    the refresh job reads these marks, recomputes, and removes the marks it read."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"),
    )
    marked_at = models.DateTimeField(_("marked"))

    class Meta:
        ordering = ["marked_at"]
        verbose_name = _("stale summary")
        verbose_name_plural = _("stale summaries")

    def __str__(self) -> str:
        return f"{self.organisation_id} since {self.marked_at:%Y-%m-%d %H:%M}"
