from vigie.core.routing import page

from . import views
from .models import Audit, Directory, Finding

app_name = "directory"


def _page(route, view, name, model, action, kind="object"):
    return page(route, view, name, app=app_name, model=model, action=action, kind=kind)


urlpatterns = [
    _page("", views.directory_list, "list", Directory, "view", "list"),
    _page("new/", views.directory_create, "create", Directory, "add", "create"),
    _page("<uuid:uuid>/", views.directory_detail, "detail", Directory, "view"),
    _page("<uuid:uuid>/edit/", views.directory_edit, "edit", Directory, "change"),
    _page("<uuid:uuid>/audit/", views.directory_run, "run", Directory, "change"),
    _page("<uuid:uuid>/upload/", views.directory_upload, "upload", Directory, "change"),
    _page("audits/<uuid:uuid>/", views.audit_detail, "audit_detail", Audit, "view"),
    _page("audits/<uuid:uuid>/report/", views.audit_report, "audit_report", Audit, "view"),
    _page("checks/<uuid:uuid>/", views.finding_detail, "finding_detail", Finding, "view"),
]
