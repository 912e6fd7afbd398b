"""The Celery application. The broker URL is the only switch between the embedded queue and a cluster."""

import os
from urllib.parse import urlsplit, urlunsplit

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")

app = Celery("vigie")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def broker_label(url: str) -> str:
    """The broker URL without its credentials, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
