from django.conf import settings
from django.core.management.base import BaseCommand

from vigie.celery import app, broker_label


class Command(BaseCommand):
    help = "Run a job worker. With VIGIE_BROKER_URL, start as many as needed, on any machine."

    def add_arguments(self, parser):
        parser.add_argument("--concurrency", type=int, default=0, help="parallel jobs (default: CPU count)")
        parser.add_argument("--pool", default="prefork", choices=["prefork", "threads", "solo"])
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args, concurrency, pool, loglevel, **options):
        argv = ["worker", f"--loglevel={loglevel}", f"--pool={pool}", "--without-gossip", "--without-mingle"]
        if concurrency:
            argv.append(f"--concurrency={concurrency}")
        broker = broker_label(settings.BROKER_URL) if settings.BROKER_URL else "the embedded queue"
        self.stdout.write(f"Vigie worker on {broker}")
        app.worker_main(argv)
