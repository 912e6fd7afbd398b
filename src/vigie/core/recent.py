"""Sensitive actions ask for a fresh second factor ("sudo mode").

Granting roles, creating accounts, resetting someone's password or second factor, creating API tokens and
bulk exports need a TOTP code entered in the last RECENT_SECONDS; signing in counts as one. Views call
`confirm_first(request)` after fetching their object (so out-of-scope objects still answer 404).
"""

import time
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

RECENT_KEY = "vigie_second_factor_at"
RECENT_SECONDS = 15 * 60


def mark_confirmed(request) -> None:
    request.session[RECENT_KEY] = time.time()


def is_recent(request) -> bool:
    return time.time() - request.session.get(RECENT_KEY, 0) <= RECENT_SECONDS


def confirm_first(request, back: str = ""):
    """None when the last confirmation is recent; else a redirect to confirm, then to `back` (default:
    this page; a POST comes back to the page's GET form, to be submitted again)."""
    if is_recent(request):
        return None
    back = back or (request.get_full_path() if request.method == "GET" else request.path)
    return redirect(reverse("accounts:confirm") + "?" + urlencode({"next": back}))
