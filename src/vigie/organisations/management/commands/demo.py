from django.core.management import call_command
from django.core.management.base import BaseCommand

from vigie.organisations.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the demo organisations and one demo user per role; prints the logins and TOTP secrets."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        created, logins = load_demo()
        self.stdout.write(self.style.SUCCESS(
            "Demo data loaded." if created else "Demo data already present; demo users reset with new TOTP secrets."
        ))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.user.username:<13} {login.user.what}")
            self.stdout.write(f"  {'':<13} TOTP secret {login.secret}")
        self.stdout.write(
            "\nAdd a secret to any authenticator app (TOTP, 6 digits, 30 s), or print the current code with\n"
            "  vigie democode USERNAME\n"
            "These secrets are shown once; run `vigie demo` again to issue new ones."
        )
