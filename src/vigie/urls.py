from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from vigie.core.registry import registry

from .api import api

registry.route("set_language", None, "", "exempt", "switches the interface language; no data")
registry.route("javascript-catalog", None, "", "exempt", "translations for page scripts; no data")

urlpatterns = [
    path("", include("vigie.steering.site_urls")),
    path("", include("vigie.core.urls")),
    path("accounts/", include("vigie.accounts.urls")),
    path("organisations/", include("vigie.organisations.urls")),
    path("compliance/", include("vigie.compliance.urls")),
    path("actions/", include("vigie.actions.urls")),
    path("directory/", include("vigie.directory.urls")),
    path("exercises/", include("vigie.exercises.urls")),
    path("exposure/", include("vigie.exposure.urls")),
    path("continuity/", include("vigie.continuity.urls")),
    path("api/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/catalog/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
]
