from vigie.core.routing import page

from ..models import Incident
from ..views import incidents as views

APP = "exercises"


def incident_page(route, view, name, action, kind="object"):
    return page(route, view, name, app=APP, model=Incident, action=action, kind=kind)


urlpatterns = [
    incident_page("incidents/", views.incident_list, "incident_list", "view", "list"),
    incident_page("incidents/new/", views.incident_create, "incident_create", "add", "create"),
    incident_page("incidents/<uuid:uuid>/", views.incident_detail, "incident_detail", "view"),
    incident_page("incidents/<uuid:uuid>/edit/", views.incident_edit, "incident_edit", "change"),
    incident_page("incidents/<uuid:uuid>/declare/", views.incident_declare, "incident_declare", "declare"),
    incident_page("incidents/<uuid:uuid>/declaration.txt", views.incident_text, "incident_text", "export"),
    incident_page("incidents/<uuid:uuid>/declaration.pdf", views.incident_pdf, "incident_pdf", "export"),
]
