from vigie.accounts.models import RoleAssignment
from vigie.core.routing import page

from . import views
from .models import Contact, Organisation

app_name = "organisations"
TEMPLATE = "a blank import template (header and example rows), the same for everyone; no data"
urlpatterns = [
    page("", views.organisation_list, "list", app=app_name, model=Organisation, action="view", kind="list"),
    page("<uuid:uuid>/", views.organisation_detail, "detail", app=app_name, model=Organisation, action="view"),
    page("<uuid:uuid>/tree/", views.organisation_tree, "tree", app=app_name, model=Organisation, action="view"),
    # The uuid is the parent the new organisation goes under.
    page("<uuid:uuid>/add/", views.organisation_create, "create", app=app_name, model=Organisation,
         action="add"),
    page("<uuid:uuid>/edit/", views.organisation_edit, "edit", app=app_name, model=Organisation, action="change"),
    page("<uuid:uuid>/delete/", views.organisation_delete, "delete", app=app_name, model=Organisation,
         action="delete"),
    # Adding a contact needs MANAGER, as changing the organisation does.
    page("<uuid:uuid>/contacts/add/", views.contact_add, "contact_add", app=app_name, model=Organisation,
         action="change"),
    page("contacts/<uuid:uuid>/edit/", views.contact_edit, "contact_edit", app=app_name, model=Contact,
         action="change"),
    page("contacts/<uuid:uuid>/delete/", views.contact_delete, "contact_delete", app=app_name, model=Contact,
         action="delete"),
    page("<uuid:uuid>/members/", views.members, "members", app=app_name, model=Organisation,
         action="manage_members"),
    page("members/<uuid:uuid>/revoke/", views.member_revoke, "member_revoke", app=app_name,
         model=RoleAssignment, action="delete"),
    page("<uuid:uuid>/import/", views.organisation_import, "import", app=app_name, model=Organisation,
         action="import"),
    page("import/template.csv", views.import_template_csv, "import_template_csv", app=app_name, model=None,
         action="", kind="exempt", reason=TEMPLATE),
    page("import/template.xlsx", views.import_template_xlsx, "import_template_xlsx", app=app_name, model=None,
         action="", kind="exempt", reason=TEMPLATE),
    page("<uuid:uuid>/export/", views.organisation_export, "export", app=app_name, model=Organisation,
         action="export", post="export"),
]
