from vigie.core.routing import page

from . import views
from .models import Organisation

app_name = "organisations"
urlpatterns = [
    page("", views.organisation_list, "list", app=app_name, model=Organisation, action="view", kind="list"),
    page("<uuid:uuid>/", views.organisation_detail, "detail", app=app_name, model=Organisation, action="view"),
    page("<uuid:uuid>/tree/", views.organisation_tree, "tree", app=app_name, model=Organisation, action="view"),
]
