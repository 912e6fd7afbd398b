"""Sign-in in two steps (password, then TOTP or recovery code), first enrolment, sign-out, password change."""

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from vigie.core import recent
from vigie.core.generic import get_or_post, safe_next

from .. import services
from ..audit import record
from ..forms import CodeForm, LoginForm, TotpCodeForm
from ..middleware import client_ip
from ..models import AuditEvent
from .common import next_or_home, no_store



def _refusal_message(refusal: str, locked_until=None) -> str:
    if refusal == "locked":
        return _(
            "This account is locked after too many failed attempts until %(time)s. Try again later or ask "
            "an administrator to unlock it."
        ) % {"time": time_format(timezone.localtime(locked_until), "H:i")}
    if refusal == "throttled":
        return _("Too many failed sign-ins from your network address. Wait a few minutes and try again.")
    return _("Invalid username or password.")


def _restart(request, message: str):
    services.drop_pending(request)
    messages.error(request, message)
    return redirect("accounts:login")


def _expired(request):
    return _restart(request, _("Your sign-in took too long. Please start again."))


@sensitive_post_parameters("password")
@never_cache
@get_or_post
def login_password(request):
    """Step 1: username and password. Nothing is signed in yet; the second factor comes next."""
    next_url = safe_next(request)
    if request.user.is_authenticated and request.user.is_verified():
        return redirect(next_or_home(request, next_url))
    form = LoginForm(request.POST or None)
    if request.method == "POST":
        services.drop_pending(request)  # a new attempt replaces any sign-in under way
    if request.method == "POST" and form.is_valid():
        check = services.check_password(form.cleaned_data["username"], form.cleaned_data["password"],
                                        client_ip(request))
        if check.user is not None:
            services.begin_pending(request, check.user, next_url)
            if not check.user.has_second_factor():
                return redirect("accounts:enrol")
            return redirect("accounts:login_verify")
        form.add_error(None, _refusal_message(check.refusal, check.locked_until))
    return render(request, "accounts/login.html", {"form": form, "next": next_url})


@sensitive_post_parameters("code")
@never_cache
@get_or_post
def login_verify(request):
    """Step 2: a TOTP code or a recovery code, for the user who passed step 1 less than 5 minutes ago."""
    user, expired = services.pending_user(request)
    if user is None:
        return _expired(request) if expired else redirect("accounts:login")
    if not user.has_second_factor():
        return redirect("accounts:enrol")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.address_throttled(client_ip(request)):
            return _restart(request, _refusal_message("throttled"))
        if user.is_locked():
            return _restart(request, _refusal_message("locked", user.locked_until))
        device = services.verify_second_factor(user, form.cleaned_data["code"])
        if device is not None:
            return redirect(next_or_home(request, services.complete_sign_in(request, user, device)))
        services.record_failure(user, user.username, "second_factor")
        if services.register_failure(user):
            return _restart(request, _refusal_message("locked", user.locked_until))
        form.add_error("code", _("This code is not valid. Check your device's clock, or use a recovery code."))
    return render(request, "accounts/login_verify.html", {"form": form})


@sensitive_post_parameters("code")
@never_cache
@get_or_post
def enrol(request):
    """First sign-in (or after a reset): set up an authenticator app, confirm it, get recovery codes."""
    user, expired = services.pending_user(request)
    if user is None:
        return _expired(request) if expired else redirect("accounts:login")
    if user.has_second_factor():
        return redirect("accounts:login_verify")
    device = services.enrolment_device(user)
    form = TotpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if user.is_locked():
            return _restart(request, _refusal_message("locked", user.locked_until))
        codes = services.confirm_enrolment(user, device, form.cleaned_data["code"])
        if codes is not None:
            next_url = services.complete_sign_in(request, user, device)
            request.session[services.RECOVERY_CODES_KEY] = codes
            request.session[services.AFTER_CODES_KEY] = next_url
            return redirect("accounts:recovery_codes")
        services.record_failure(user, user.username, "enrolment_code")
        if services.register_failure(user):
            return _restart(request, _refusal_message("locked", user.locked_until))
        form.add_error("code", _("This code is not valid. Check that your device's clock is right."))
    context = {
        "form": form,
        "qr_svg": services.qr_svg(device.config_url),
        "secret": services.totp_secret(device),
    }
    return no_store(render(request, "accounts/enrol.html", context))


@never_cache
@login_required
def recovery_codes(request):
    """The recovery codes just generated, shown this once."""
    codes = request.session.pop(services.RECOVERY_CODES_KEY, None)
    next_url = next_or_home(request, request.session.pop(services.AFTER_CODES_KEY, None))
    if not codes:
        messages.info(request, _("Recovery codes are shown only once. Generate new ones if you lost them."))
        return redirect("accounts:profile")
    return no_store(render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url}))


@require_POST
def logout_view(request):
    if request.user.is_authenticated:
        record(AuditEvent.Action.LOGOUT, user=request.user)
    logout(request)
    messages.success(request, _("You are signed out."))
    return redirect("accounts:login")


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@login_required
@get_or_post
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        services.password_changed(user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html",
                  {"form": form, "forced": request.user.must_change_password})


@sensitive_post_parameters("code")
@never_cache
@login_required
@get_or_post
def confirm_second_factor(request):
    """Before a sensitive action: a current TOTP code, then back to where the user was going."""
    form = TotpCodeForm(request.POST or None)
    back = safe_next(request, candidate=request.GET.get("next") or "")
    if request.method == "POST" and form.is_valid():
        if services.verify_second_factor(request.user, form.cleaned_data["code"]) is not None:
            recent.mark_confirmed(request)
            return redirect(back or "steering:home")
        services.record_failure(request.user, request.user.username, "confirmation")
        if services.register_failure(request.user):
            logout(request)
            return redirect("accounts:login")
        form.add_error("code", _("This code is not valid. Check your device's clock."))
    return render(request, "accounts/confirm_second_factor.html", {"form": form, "next": back})
