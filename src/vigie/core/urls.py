from .models import Job
from .routing import page
from . import views

app_name = "core"
urlpatterns = [
    page("glossary/", views.glossary, "glossary", app=app_name, model=None, action="", kind="exempt",
         reason="static explanations, no data"),
    page("jobs/<uuid:uuid>/", views.job_detail, "job_detail", app=app_name, model=Job, action="view"),
    page("jobs/<uuid:uuid>/download/", views.job_download, "job_download", app=app_name, model=Job, action="view"),
]
