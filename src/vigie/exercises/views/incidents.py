"""Incident pages: list, create (with its crisis log), detail (significance, delay, the four blocks), edit
the declaration's blocks, declare (fresh second factor), text and PDF exports."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from vigie.accounts import audit
from vigie.accounts.models import AuditEvent
from vigie.core.generic import get_or_post
from vigie.core.organisation_choice import OrganisationField, organisations_for
from vigie.core.paging import page_of
from vigie.core.recent import confirm_first
from vigie.core.scoping import can

from .. import declaration
from .. import incidents as services
from ..models import Incident

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
BLOCK_FIELDS = [name for _key, _title, names in declaration.BLOCKS for name in names if name != "title"]


class IncidentCreateForm(forms.Form):
    organisation = OrganisationField(model=Incident, action="add")
    title = forms.CharField(label=_("Title"), max_length=200)
    detected_at = forms.DateTimeField(label=_("Detected at"), widget=DATETIME)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].offer(user)


class IncidentForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(label=_("Significance categories"), required=False,
                                           widget=forms.CheckboxSelectMultiple, choices=())

    class Meta:
        model = Incident
        fields = ["title", "status", "detected_at", *BLOCK_FIELDS, "categories"]
        widgets = {"detected_at": DATETIME, "discovered_at": DATETIME,
                   **{name: forms.Textarea(attrs={"rows": 2}) for name in (
                       "perimeter", "systems_concerned", "data_concerned", "impact_data_detail",
                       "impact_persons_detail", "impact_system_detail", "impact_structure_detail", "causes")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [(c.code, c.title) for c in services.catalogue().categories]


class DeclareForm(forms.Form):
    declared_at = forms.DateTimeField(label=_("Declared at"), widget=DATETIME)
    reference = forms.CharField(label=_("Reference number given by the portal"), max_length=100)


@require_GET
def incident_list(request, incidents):
    page = page_of(request, incidents.select_related("organisation"))
    now = timezone.now()
    items = [(i, services.significance(i), services.declaration_delay(i, now)) for i in page]
    return render(request, "exercises/incidents/list.html", {
        "items": items, "page_obj": page, "can_add": organisations_for(request.user, Incident, "add").exists(),
    })


@get_or_post
def incident_create(request):
    form = IncidentCreateForm(request.POST or None, user=request.user,
                              initial={"detected_at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        incident = services.create_incident(user=request.user, **form.cleaned_data)
        return redirect(incident.get_absolute_url())
    return render(request, "exercises/incidents/create.html", {"form": form}, status=422 if form.errors else 200)


@require_GET
def incident_detail(request, incident):
    return render(request, "exercises/incidents/detail.html", {
        "incident": incident, "blocks": declaration.blocks(incident),
        "significance": services.significance(incident), "delay": services.declaration_delay(incident),
        "catalogue": services.catalogue(),
        "can_change": can(request.user, "change", incident), "can_declare": can(request.user, "declare", incident),
    })


@get_or_post
def incident_edit(request, incident):
    form = IncidentForm(request.POST or None, instance=incident)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect(incident.get_absolute_url())
    return render(request, "exercises/incidents/edit.html", {"incident": incident, "form": form},
                  status=422 if form.errors else 200)


@get_or_post
def incident_declare(request, incident):
    if (refused := confirm_first(request)) is not None:
        return refused
    form = DeclareForm(request.POST or None,
                       initial={"declared_at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        try:
            declaration.declare(incident, user=request.user, reference=form.cleaned_data["reference"],
                                declared_at=form.cleaned_data["declared_at"])
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect(incident.get_absolute_url())
    return render(request, "exercises/incidents/declare.html", {
        "incident": incident, "form": form, "text": declaration.declaration_text(incident),
        "delay": services.declaration_delay(incident), "portal": services.catalogue().portal,
    }, status=422 if form.errors else 200)


@require_GET
def incident_text(request, incident):
    audit.record(AuditEvent.Action.EXPORT, obj=incident, user=request.user, changes={"format": "text"})
    response = HttpResponse(declaration.declaration_text(incident), content_type="text/plain; charset=utf-8")
    if "download" in request.GET:
        response["Content-Disposition"] = f'attachment; filename="declaration-{incident.uuid}.txt"'
    return response


@require_GET
def incident_pdf(request, incident):
    response = HttpResponse(declaration.declaration_pdf(incident, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="declaration-{incident.uuid}.pdf"'
    return response
