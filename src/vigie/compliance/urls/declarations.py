"""Pages of the funding declarations, included at the end of compliance/urls.py.

Dossiers are found with "view" (the members of a GHT see the dossier filed for them); each workflow step,
edit and export is then allowed or refused by the service, with a message or a 403. The workflow routes
(steps, returns, comments) are declared `workflow=True`: the isolation test proves a mere reader is refused.
"""

from vigie.core.routing import page

from ..models import Declaration
from ..views import declarations as views

APP = "compliance"
CALLS = "programme reference data (funding calls and their dates), the same for every organisation"
STEP = ("a workflow step: the dossier is found with 'view', then the declaration service lets only the "
        "candidate's managers and the ARS of its region act (403 for a mere reader)")


def _on(route, view, name, action="view", kind="object", workflow=False, post=None):
    return page(route, view, name, app=APP, model=Declaration, action=action, kind=kind, workflow=workflow,
                post=post, reason=STEP if workflow else "")


def _calls(route, view, name, reason=CALLS):
    return page(route, view, name, app=APP, model=None, action="", kind="exempt", reason=reason)


urlpatterns = [
    _on("declarations/", views.declaration_list, "declaration_list", kind="list"),
    _on("declarations/new/", views.declaration_create, "declaration_create", "add", "create"),
    _on("declarations/<uuid:uuid>/", views.declaration_detail, "declaration_detail"),
    _on("declarations/<uuid:uuid>/edit/", views.declaration_edit, "declaration_edit", post="change"),
    _on("declarations/<uuid:uuid>/step/", views.declaration_transition, "declaration_transition", workflow=True),
    _on("declarations/<uuid:uuid>/comment/", views.declaration_comment, "declaration_comment", workflow=True),
    _on("declarations/<uuid:uuid>/evidence-pack/", views.declaration_evidence_pack, "declaration_evidence_pack",
        post="export"),
    _calls("calls/", views.funding_call_list, "funding_call_list"),
    _calls("calls/<uuid:uuid>/", views.funding_call_detail, "funding_call_detail"),
    _calls("calls/dates/<uuid:uuid>/edit/", views.call_date_edit, "call_date_edit",
           reason="platform administrators only (superusers, national administrators); reference data"),
]
