"""Fixtures of the action plan tests: actions on hospital A, and a real SMTP sink on loopback."""

import datetime
import email
import socket
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from vigie.actions.models import Action


def make_action(world, **fields):
    values = {"organisation": world.hospital_a, "title": "Corriger le pare-feu", "priority": "medium"}
    values.update(fields)
    return Action.objects.create(**values)


@pytest.fixture
def today():
    return datetime.date(2026, 5, 15)


class Sink:
    """Collects every message an SMTP client delivers."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message})
        return "250 OK"

    def to(self, address):
        return [m["message"] for m in self.messages if address in m["to"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink(settings):
    """A real SMTP server on 127.0.0.1 (aiosmtpd), and Django's SMTP backend pointed at it."""
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    sink.port = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "vigie@ch-a.example.org"
    try:
        yield sink
    finally:
        controller.stop()
