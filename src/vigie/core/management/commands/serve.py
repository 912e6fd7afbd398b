import os
import subprocess
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from gunicorn.app.base import BaseApplication

from vigie.celery import broker_label
from vigie.wsgi import application


class WebServer(BaseApplication):
    """Gunicorn with its options from here: one process per processor (Python runs one thread at a time
    per process), each with a few threads for requests waiting on the database."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return application


def warm_up() -> None:
    """Compile every template, load the translations and the URL map once, before the web processes are
    forked: each would otherwise do it at its first request of each page (about a second)."""
    folders = [Path(config.path) / "templates" for config in apps.get_app_configs()]
    for folder in [*folders, *map(Path, settings.TEMPLATES[0]["DIRS"])]:
        for template in folder.rglob("*.html"):
            get_template(template.relative_to(folder).as_posix())
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse(settings.LOGIN_URL)
            translation.gettext("Vigie")


class Command(BaseCommand):
    help = "Migrate, then serve Vigie with a production WSGI server and, without a broker, a local worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.VIGIE_HOST)
        parser.add_argument("--port", type=int, default=settings.VIGIE_PORT)
        parser.add_argument("--processes", type=int, default=settings.VIGIE_WEB_PROCESSES)
        parser.add_argument("--threads", type=int, default=settings.VIGIE_WEB_THREADS)
        parser.add_argument("--no-worker", action="store_true", help="do not start the local job worker")

    def handle(self, *args, host, port, processes, threads, no_worker, **options):
        if processes < 1 or threads < 1:
            raise CommandError("VIGIE_WEB_PROCESSES (--processes) and VIGIE_WEB_THREADS (--threads) must be at least 1")
        call_command("migrate", interactive=False, verbosity=0)
        warm_up()
        connections.close_all()  # the web processes are forked from this one: none may inherit a connection
        worker = None
        if not settings.BROKER_URL and not no_worker:
            # The embedded queue: one local worker process beside the web server, stopped with it.
            worker = subprocess.Popen(
                [sys.executable, "-m", "vigie.cli", "worker", "--pool=solo", "--loglevel=WARNING"]
            )
        display = f"[{host}]" if ":" in host else host
        url = f"http://{display}:{port}/"
        self.stdout.write(self.style.SUCCESS(f"Vigie is running at {url}"))
        self.stdout.write(
            "Sign in with a demo login printed by `vigie demo`, or create an administrator with `vigie createadmin`."
        )
        self.stdout.write(f"Data directory: {settings.DATA_DIR}")
        self.stdout.write("Jobs: " + ("local worker" if worker else "workers on " + broker_label(settings.BROKER_URL)))
        self.stdout.write(f"Web: {processes} processes × {threads} threads")
        self.stdout.flush()
        server = WebServer({
            "bind": [f"{display}:{port}"],
            "workers": processes,
            "threads": threads,
            "worker_class": "gthread",
            "preload_app": True,  # Django loads once, the processes share its memory
            "proc_name": "vigie",
            "loglevel": "warning",
            "accesslog": None,
            "errorlog": "-",
            "timeout": 120,  # a process stuck this long in one request is replaced
            "control_socket_disable": True,  # several Vigie instances may run under one account
        })
        master = os.getpid()
        try:
            server.run()  # ends by SystemExit: in this process once SIGTERM or SIGINT stopped the others
        finally:
            # A web process forked from here leaves through this block too (gunicorn exits it with
            # SystemExit): only this process stops the job worker.
            if worker is not None and os.getpid() == master:
                worker.terminate()
                worker.wait(timeout=20)
