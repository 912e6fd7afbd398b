"""Shapes only: rules live in the models (clean) and services (impacts, cycles)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vigie.core import organisation_choice as choice
from vigie.organisations.models import Kind, Organisation

from . import services
from .models import (
    Activity,
    Application,
    BackupPlan,
    BackupPolicy,
    Component,
    CrisisKit,
    DegradedProcedure,
    Dimension,
    ImpactTable,
    Medium,
    RestoreTest,
    Scenario,
    Supplier,
    Team,
)
from .models.bia import LEVELS, WINDOW_FIELDS, WINDOW_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OwnedForm(forms.ModelForm):
    """A form for an organisation-owned object: the organisation is chosen among those the user may add to,
    fixed once the object exists; related pickers offer the organisation's objects and its ancestors'."""

    related: dict[str, type] = {}

    def __init__(self, *args, user, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["organisation"]
        # Continuity objects belong to an establishment or a group, never to the nation.
        field.queryset = choice.organisations_for(user, self._meta.model, "add", exclude_kinds=(Kind.NATIONAL,))
        if self.instance.pk:
            field.disabled = True
            organisation = self.instance.organisation
        elif organisation is not None:
            field.initial = organisation.pk
        chosen = organisation or self._chosen_organisation()
        for name, model in self.related.items():
            if name in self.fields:
                qs = services.selectable(model, chosen) if chosen else model.objects.none()
                if self.instance.pk and model is type(self.instance):
                    qs = qs.exclude(pk=self.instance.pk)
                self.fields[name].queryset = qs
                self.fields[name].widget.attrs["size"] = 8

    def _chosen_organisation(self):
        value = self.data.get(self.add_prefix("organisation")) or self.initial.get("organisation")
        if value:
            return self.fields["organisation"].queryset.filter(pk=value).first()
        return self.fields["organisation"].queryset.first()


class ActivityForm(OwnedForm):
    related = {"applications": Application}

    class Meta:
        model = Activity
        fields = ["organisation", "name", "category", "critical", "description", "owner", "sites", "minimum_staff",
                  "applications", "pcra_validated_on", "pcra_validated_by"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "minimum_staff": forms.Textarea(attrs={"rows": 2}),
                   "pcra_validated_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = self.instance.organisation if self.instance.pk else self._chosen_organisation()
        self.fields["sites"].queryset = (Organisation.objects.filter(kind=Kind.SITE, path__startswith=chosen.path)
                                         if chosen else Organisation.objects.none())

    def clean(self):
        data = super().clean()
        if self.instance.pk and "applications" in data:
            services.check_needs(self.instance, applications=list(data["applications"]))
        return data


class ApplicationForm(OwnedForm):
    related = {"components": Component, "depends_on": Application, "suppliers": Supplier}

    class Meta:
        model = Application
        fields = ["organisation", "name", "vendor", "hosting", "description", "depends_on", "components", "suppliers"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        services.check_needs(self.instance, depends_on=list(data.get("depends_on") or []),
                             components=list(data.get("components") or []))
        return data


class ComponentForm(OwnedForm):
    related = {"depends_on": Component, "suppliers": Supplier, "team": Team}

    class Meta:
        model = Component
        fields = ["organisation", "name", "kind", "platform", "description", "location", "team", "depends_on",
                  "suppliers", "holds_data", "data_size_gb", "rebuild_hours", "restore_hours"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].widget.attrs.pop("size", None)

    def clean(self):
        data = super().clean()
        services.check_needs(self.instance, depends_on=list(data.get("depends_on") or []))
        for name in ("data_size_gb", "rebuild_hours", "restore_hours"):
            if (data.get(name) or 0) < 0:
                self.add_error(name, _("This cannot be negative."))
        return data


class SupplierForm(OwnedForm):
    class Meta:
        model = Supplier
        fields = ["organisation", "name", "kind", "phone", "email", "support_hours", "contract", "backup_clause"]


class TeamForm(OwnedForm):
    class Meta:
        model = Team
        fields = ["organisation", "name", "capacity", "on_call"]
        widgets = {"on_call": forms.Textarea(attrs={"rows": 3})}

    def clean_capacity(self):
        if self.cleaned_data["capacity"] < 1:
            raise forms.ValidationError(_("A team runs at least one task at a time."))
        return self.cleaned_data["capacity"]


class PolicyForm(OwnedForm):
    class Meta:
        model = BackupPolicy
        fields = ["organisation", "title", "version", "approved_on", "approved_by", "next_review",
                  "binds_outsourced", "summary"]
        widgets = {"approved_on": DATE, "next_review": DATE, "summary": forms.Textarea(attrs={"rows": 5})}


class PlanForm(OwnedForm):
    related = {"component": Component, "application": Application}
    media = forms.MultipleChoiceField(label=_("Media"), choices=Medium.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = BackupPlan
        fields = ["organisation", "name", "component", "application", "scope", "software", "frequency_hours",
                  "retention_days", "backup_copies", "media", "locations", "offsite_copies", "immutable_copy",
                  "offline_copy", "encrypted", "admin_auth_independent", "admin_2fa", "supervised", "supervision",
                  "isolation_procedure"]
        widgets = {"scope": forms.Textarea(attrs={"rows": 2}), "locations": forms.Textarea(attrs={"rows": 2}),
                   "supervision": forms.Textarea(attrs={"rows": 2}),
                   "isolation_procedure": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("component", "application"):
            self.fields[name].widget.attrs.pop("size", None)


class RestoreTestForm(forms.ModelForm):
    class Meta:
        model = RestoreTest
        fields = ["tested_on", "scope", "to_production", "volume_gb", "duration_minutes", "data_loss_minutes",
                  "success", "errors", "referent", "validated", "notes"]
        widgets = {"tested_on": DATE, "scope": forms.Textarea(attrs={"rows": 2}),
                   "notes": forms.Textarea(attrs={"rows": 3})}

    def clean_volume_gb(self):
        if self.cleaned_data["volume_gb"] < 0:
            raise forms.ValidationError(_("This cannot be negative."))
        return self.cleaned_data["volume_gb"]


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = DegradedProcedure
        fields = ["title", "triggered_by", "trigger_when", "steps", "paper_forms", "back_to_normal"]
        widgets = {"steps": forms.Textarea(attrs={"rows": 6}), "paper_forms": forms.Textarea(attrs={"rows": 2}),
                   "back_to_normal": forms.Textarea(attrs={"rows": 2})}


class ImpactForm(forms.Form):
    """The two grids (interruption, data loss): one select per dimension and window."""

    def __init__(self, *args, tables, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for table in ImpactTable:
            rows = []
            for dimension in Dimension:
                cells = []
                for index, window_field in enumerate(WINDOW_FIELDS):
                    name = f"{table.value}__{dimension.value}__{window_field}"
                    self.fields[name] = forms.TypedChoiceField(
                        label=f"{table.label} — {dimension.label} — {WINDOW_LABELS[services.bia_engine.WINDOWS[index]]}",
                        choices=LEVELS, coerce=int, initial=tables[table.value][dimension.value][index])
                    cells.append(name)
                rows.append((dimension, cells))
            self.rows.append((table, rows))

    def grid(self):
        return [(table, [(dimension, [self[name] for name in cells]) for dimension, cells in rows])
                for table, rows in self.rows]

    def tables(self) -> dict:
        result = {}
        for table, rows in self.rows:
            result[table.value] = {dimension.value: tuple(self.cleaned_data[n] for n in cells) for dimension, cells in rows}
        return result


class WorkbookUploadForm(forms.Form):
    organisation = choice.OrganisationField(model=Activity, action="add", exclude_kinds=(Kind.NATIONAL,),
                                            to_field_name=None)
    workbook = forms.FileField(label=_("BIA workbook (.xlsx)"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(user)


class ScenarioForm(OwnedForm):
    class Meta:
        model = Scenario
        fields = ["organisation", "name", "builtin", "description", "method", "time_limit_s"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def clean_time_limit_s(self):
        value = self.cleaned_data["time_limit_s"]
        if not 0 < value <= 120:
            raise forms.ValidationError(_("Between 0 and 120 seconds."))
        return value


class KitForm(OwnedForm):
    class Meta:
        model = CrisisKit
        fields = ["organisation", "meeting_place", "backup_meeting_place", "conference_bridge", "activation"]
        widgets = {"activation": forms.Textarea(attrs={"rows": 3})}
