"""E-mail to the managers when a full scan shows new exposure (new hosts, newly open ports, new or
reopened findings) compared with the previous full scan. The first scan of an organisation is its
baseline and alerts nobody.

Recipients: active users holding the manager or administrator role on the organisation itself or on its
GHT / legal entity above it, never the region or the national level (they would receive every
hospital's alerts). E-mails are in French, like the reminders of the action plan.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import ngettext, override

from vigie.accounts.models import RoleAssignment
from vigie.core.roles import Role

log = logging.getLogger(__name__)
LOCAL_KINDS = ("ght", "legal_entity", "site")


def recipients(organisation) -> list:
    nodes, node = [], organisation
    while node is not None and node.kind in LOCAL_KINDS:
        nodes.append(node.pk)
        node = node.parent
    rows = (RoleAssignment.objects.filter(organisation__in=nodes, role__gte=Role.MANAGER, user__is_active=True)
            .exclude(user__email="").select_related("user").order_by("user__username"))
    users = {}
    for row in rows:
        users.setdefault(row.user.pk, row.user)
    return list(users.values())


def alert_managers(scan) -> int:
    """Send the alert of `scan`'s diff; returns the number of messages sent (a failure is logged)."""
    users = recipients(scan.organisation)
    if not users or not scan.diff.get("count"):
        return 0
    base_url = settings.VIGIE_EMAIL_BASE_URL.rstrip("/")
    with override("fr"):
        subject = ngettext("[Vigie] %(org)s: %(count)s new exposure item",
                           "[Vigie] %(org)s: %(count)s new exposure items", scan.diff["count"]) % {
            "org": scan.organisation.name, "count": scan.diff["count"]}
        body = render_to_string("exposure/email/new_exposure.txt", {
            "scan": scan, "diff": scan.diff, "organisation": scan.organisation, "base_url": base_url})
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [u.email for u in users])
    try:
        message.send()
    except Exception:  # noqa: BLE001 - SMTP raises many kinds; the scan is stored, the alert is logged
        log.exception("exposure alert for scan %s could not be sent", scan.uuid)
        return 0
    return 1
