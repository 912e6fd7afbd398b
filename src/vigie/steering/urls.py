from vigie.core.routing import page
from vigie.organisations.models import Organisation

from . import views  # noqa: F401
from .views import comparison

app_name = "steering"


def _page(route, view, name, model, action, kind="object"):
    return page(route, view, name, app=app_name, model=model, action=action, kind=kind)


urlpatterns: list = [
    _page("establishments/<uuid:uuid>/comparison/", comparison.comparison, "comparison", Organisation, "view"),
]
