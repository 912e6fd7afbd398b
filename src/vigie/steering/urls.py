from vigie.core.routing import page
from vigie.organisations.models import Organisation

from .views import comparison, matrix, reports, trends

app_name = "steering"


def _page(route, view, name, model, action, kind="object", post=None):
    return page(route, view, name, app=app_name, model=model, action=action, kind=kind, post=post)


urlpatterns: list = [
    _page("<uuid:uuid>/trends/", trends.level_trends, "trends", Organisation, "view"),
    _page("establishments/<uuid:uuid>/trends/", trends.establishment_trends, "establishment_trends", Organisation,
          "view"),
    _page("<uuid:uuid>/report/", reports.report, "report", Organisation, "export", post="export"),
    _page("<uuid:uuid>/monitoring/", reports.monitoring_export, "monitoring_export", Organisation, "export",
          post="export"),
    _page("levels/", matrix.levels, "levels", Organisation, "view", "list"),
    _page("<uuid:uuid>/", matrix.matrix_page, "matrix", Organisation, "view"),
    _page("<uuid:uuid>/export/", matrix.matrix_export, "matrix_export", Organisation, "export", post="export"),
    _page("establishments/<uuid:uuid>/", matrix.establishment, "establishment", Organisation, "view"),
    _page("establishments/<uuid:uuid>/comparison/", comparison.comparison, "comparison", Organisation, "view"),
]
