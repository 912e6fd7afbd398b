"""The personal calendar feed: its management page (signed in) and the feed itself (public, by token)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.core import recent
from vigie.core.generic import get_or_post

from .. import ics
from ..models import CalendarFeed


def _no_store(response):
    response["Cache-Control"] = "no-store, max-age=0"
    return response


@login_required
@get_or_post
def feed_settings(request):
    """Create (or replace) the user's secret feed address, shown once; or revoke it."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST" and request.POST.get("op") == "revoke":
        CalendarFeed.objects.filter(user=request.user).delete()
        messages.success(request, _("Your calendar address was revoked: calendars using it stop updating."))
        return redirect("actions:feed_settings")
    if request.method == "POST":
        if confirm := recent.confirm_first(request):
            return confirm
        feed, raw = CalendarFeed.issue(request.user)
        url = request.build_absolute_uri(reverse("actions:feed", kwargs={"token": raw}))
        return _no_store(render(request, "actions/feed.html", {"feed": feed, "url": url}))
    return render(request, "actions/feed.html", {"feed": feed})


@require_GET
def feed(request, token):
    """The ICS feed. Public: the token is the credential. Anything wrong answers 404."""
    found = CalendarFeed.objects.select_related("user").filter(digest=CalendarFeed.hash(token)).first()
    if found is None or not found.user.is_active or found.user.is_locked():
        raise Http404
    CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    base = request.build_absolute_uri("/").rstrip("/")
    response = HttpResponse(ics.feed(found.user, base), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="vigie.ics"'
    return _no_store(response)
