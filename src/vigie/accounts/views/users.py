"""User administration, for administrators, limited to `manageable_users()`: 404 for anyone else.

Custom rather than core.generic: each action is a service behind a confirmation and a fresh second factor.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from vigie.core import recent
from vigie.core.generic import get_or_post

from .. import services
from ..forms import UserCreateForm
from ..models import RoleAssignment
from .common import admin_required, no_store



def _with_roles(users):
    return users.prefetch_related(
        Prefetch("roles", queryset=RoleAssignment.objects.select_related("organisation").order_by("organisation__path"))
    )


@admin_required
def user_list(request, users):
    users = _with_roles(users).order_by("username")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(username__icontains=query)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page_obj": page, "query": query})


def user_detail(request, target):
    context = {
        "target": target,
        "has_totp": target.has_second_factor(),
        "codes_left": services.recovery_codes_left(target),
    }
    return render(request, "accounts/user_detail.html", context)


@never_cache
@get_or_post
def user_create(request):
    if request.method == "POST" and (confirm := recent.confirm_first(request)):
        return confirm
    form = UserCreateForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        user, password = services.create_user(request.user, **form.cleaned_data)
        return no_store(render(request, "accounts/temporary_password.html", {
            "target": user, "password": password, "created": True,
        }))
    return render(request, "accounts/user_form.html", {"form": form})


# The four actions below share a shape: confirmation page on GET, the action on POST.
ACTIONS = {
    "reset_password": (
        gettext_lazy("Reset the password"),
        gettext_lazy("Give %(name)s a new temporary password? The current one stops working at once, and "
                     "they must choose a new one at their next sign-in."),
        gettext_lazy("Reset the password"),
    ),
    "unlock": (
        gettext_lazy("Unlock the account"),
        gettext_lazy("Unlock %(name)s's account and clear the count of failed sign-ins?"),
        gettext_lazy("Unlock"),
    ),
    "reset_2fa": (
        gettext_lazy("Reset two-factor authentication"),
        gettext_lazy("Remove %(name)s's authenticator app and recovery codes? They will set up a new "
                     "authenticator at their next sign-in: make sure you know it is really them asking."),
        gettext_lazy("Reset two-factor authentication"),
    ),
    "deactivate": (
        gettext_lazy("Deactivate the account"),
        gettext_lazy("Deactivate %(name)s's account? They can no longer sign in and their API tokens are "
                     "revoked."),
        gettext_lazy("Deactivate"),
    ),
}


def _confirm(request, target, action: str):
    title, question, button = ACTIONS[action]
    return render(request, "accounts/confirm.html", {
        "title": title,
        "question": question % {"name": target.get_full_name() or target.username},
        "button": button,
        "danger": action != "unlock",
        "cancel_href": reverse("accounts:user_detail", args=[target.uuid]),
    })


@never_cache
@get_or_post
def user_reset_password(request, target):
    if request.method != "POST":
        return _confirm(request, target, "reset_password")
    if confirm := recent.confirm_first(request):
        return confirm
    password = services.reset_password(request.user, target)
    return no_store(render(request, "accounts/temporary_password.html", {"target": target, "password": password}))


def _user_action(request, target, action: str, perform, done: str, sensitive: bool = True):
    """Confirmation page on GET; on POST (after a fresh second factor when sensitive) the action."""
    if request.method != "POST":
        return _confirm(request, target, action)
    if sensitive and (confirm := recent.confirm_first(request)):
        return confirm
    perform(request.user, target)
    messages.success(request, done)
    return redirect(target)


@get_or_post
def user_unlock(request, target):
    return _user_action(request, target, "unlock", services.unlock, _("The account has been unlocked."),
                        sensitive=False)


@get_or_post
def user_reset_2fa(request, target):
    return _user_action(request, target, "reset_2fa", services.reset_second_factor,
                        _("Two-factor authentication has been reset; the user will set it up again."))


@get_or_post
def user_deactivate(request, target):
    return _user_action(request, target, "deactivate", services.deactivate, _("The account has been deactivated."))
