import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from vigie.accounts.models import RoleAssignment, User
from vigie.core.roles import Role
from vigie.organisations.models import Kind, Organisation


class Command(BaseCommand):
    help = "Create a platform administrator (administrator of the national node). TOTP is enrolled at first login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, username, email, password_stdin, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        user = User(username=username, email=email)
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        with transaction.atomic():
            national = Organisation.objects.filter(kind=Kind.NATIONAL).first()
            if national is None:
                national = Organisation(kind=Kind.NATIONAL, name="France")
                national.full_clean()
                national.save()
            user.set_password(password)
            user.is_superuser = True
            user.save()
            RoleAssignment.objects.create(user=user, organisation=national, role=Role.ADMIN)
        self.stdout.write(self.style.SUCCESS(
            f"Administrator {username!r} created. At first login, scan the QR code with an authenticator app."
        ))
