"""The steering app from the site root: the home page at `/`, the other pages under `/steering/`
(urls.py), all in the `steering` namespace."""

from django.urls import include, path

from vigie.core.routing import page

from . import urls
from .views import home

app_name = "steering"

urlpatterns = [
    page("", home.home, "home", app=app_name, model=None, action="", kind="exempt",
         reason="the user's own home page, built from scoped queries"),
    path("steering/", include(urls.urlpatterns)),
]
