import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from waitress import serve

from vigie.celery import broker_label
from vigie.wsgi import application


class Command(BaseCommand):
    help = "Migrate, then serve Vigie with a production WSGI server and, without a broker, a local worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.VIGIE_HOST)
        parser.add_argument("--port", type=int, default=settings.VIGIE_PORT)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true", help="do not start the local job worker")

    def handle(self, *args, host, port, threads, no_worker, **options):
        call_command("migrate", interactive=False, verbosity=0)
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
        self.stdout.flush()

        def stop(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            serve(application, host=host, port=port, threads=threads, ident="Vigie")
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=20)
