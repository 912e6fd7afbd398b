from vigie.core.routing import page
from vigie.organisations.models import Organisation

from . import views
from .models import Asset, Audit, Finding, Scan, ScopeEntry

app_name = "exposure"


def _page(route, view, name, model, action, kind="object"):
    return page(route, view, name, app=app_name, model=model, action=action, kind=kind)


urlpatterns = [
    _page("", views.exposure_list, "list", ScopeEntry, "view", "list"),
    _page("org/<uuid:uuid>/", views.organisation_detail, "organisation", Organisation, "view"),
    _page("org/<uuid:uuid>/scope/new/", views.scope_create, "scope_create", Organisation, "change"),
    _page("org/<uuid:uuid>/scope/import/", views.scope_import, "scope_import", Organisation, "change"),
    _page("org/<uuid:uuid>/scope/attest/", views.scope_attest, "scope_attest", Organisation, "change"),
    _page("org/<uuid:uuid>/schedule/", views.schedule_edit, "schedule", Organisation, "change"),
    _page("org/<uuid:uuid>/scan/", views.scan_start, "scan_start", Organisation, "change"),
    _page("org/<uuid:uuid>/nmap/", views.nmap_import, "nmap_import", Organisation, "change"),
    _page("org/<uuid:uuid>/audits/import/", views.audit_import, "audit_import", Organisation, "change"),
    _page("org/<uuid:uuid>/assets/", views.asset_list, "assets", Organisation, "view"),
    _page("org/<uuid:uuid>/findings/", views.finding_list, "findings", Organisation, "view"),
    _page("org/<uuid:uuid>/findings/export/", views.finding_export, "finding_export", Organisation, "export"),
    _page("org/<uuid:uuid>/report/", views.report, "report", Organisation, "view"),
    _page("scope/<uuid:uuid>/", views.scope_detail, "scope_detail", ScopeEntry, "view"),
    _page("scope/<uuid:uuid>/delete/", views.scope_delete, "scope_delete", ScopeEntry, "delete"),
    _page("scans/<uuid:uuid>/", views.scan_detail, "scan_detail", Scan, "view"),
    _page("assets/<uuid:uuid>/", views.asset_detail, "asset_detail", Asset, "view"),
    _page("findings/<uuid:uuid>/", views.finding_detail, "finding_detail", Finding, "view"),
    _page("findings/<uuid:uuid>/retest/", views.finding_retest, "finding_retest", Finding, "change"),
    _page("findings/<uuid:uuid>/accept/", views.finding_accept, "finding_accept", Finding, "change"),
    _page("findings/<uuid:uuid>/fixed/", views.finding_fixed, "finding_fixed", Finding, "change"),
    _page("audits/<uuid:uuid>/", views.audit_detail, "audit_detail", Audit, "view"),
    _page("audits/<uuid:uuid>/delete/", views.audit_delete, "audit_delete", Audit, "delete"),
]
