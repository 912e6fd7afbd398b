from vigie.core.routing import page

from ..models import CrisisLog, LogEntry
from ..views import log as views

APP = "exercises"


def log_page(route, view, name, action, kind="object"):
    return page(route, view, name, app=APP, model=CrisisLog, action=action, kind=kind)


urlpatterns = [
    log_page("logs/", views.log_list, "log_list", "view", "list"),
    log_page("logs/<uuid:uuid>/", views.log_detail, "log_detail", "view"),
    log_page("logs/<uuid:uuid>/entries/", views.log_entries, "log_entries", "view"),
    log_page("logs/<uuid:uuid>/append/", views.log_append, "log_append", "add"),
    log_page("logs/<uuid:uuid>/pdf/", views.log_pdf, "log_pdf", "export"),
    page("log-entries/<uuid:uuid>/raise-action/", views.entry_raise_action, "entry_raise_action", app=APP,
         model=LogEntry, action="add"),
]
