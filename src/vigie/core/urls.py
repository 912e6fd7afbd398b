from . import organisation_choice, views
from .models import Job
from .routing import page

app_name = "core"
urlpatterns = [
    page("glossary/", views.glossary, "glossary", app=app_name, model=None, action="", kind="exempt",
         reason="static explanations, no data"),
    page("jobs/<uuid:uuid>/", views.job_detail, "job_detail", app=app_name, model=Job, action="view"),
    page("jobs/<uuid:uuid>/download/", views.job_download, "job_download", app=app_name, model=Job, action="view"),
    # The suggestions of an organisation search input: the organisations the user may act on, scoped.
    page("organisations/search/", organisation_choice.search, "organisation_search", app=app_name,
         model=organisation_choice.tree_model(), action="view", kind="list"),
]
