"""The signed-in user's own account: details, roles, second factor, recovery codes, personal API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from vigie.core import recent
from vigie.core.generic import get_or_post

from .. import services
from ..forms import ProfileForm, TokenForm, TotpCodeForm
from ..models import ApiToken
from .common import no_store


def _profile_context(request, **overrides) -> dict:
    user = request.user
    context = {
        "form": ProfileForm(instance=user),
        "token_form": TokenForm(),
        "codes_form": TotpCodeForm(),
        "roles": user.roles.select_related("organisation").order_by("organisation__path"),
        "has_totp": user.has_second_factor(),
        "codes_left": services.recovery_codes_left(user),
        "tokens": ApiToken.objects.filter(user=user),
    }
    context.update(overrides)
    return context


@never_cache
@login_required
@get_or_post
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your details have been saved."))
            return redirect("accounts:profile")
        return render(request, "accounts/profile.html", _profile_context(request, form=form))
    return render(request, "accounts/profile.html", _profile_context(request))


@sensitive_post_parameters("code")
@login_required
@require_POST
def recovery_codes_regenerate(request):
    form = TotpCodeForm(request.POST)
    if form.is_valid():
        codes = services.regenerate_recovery_codes(request.user, form.cleaned_data["code"])
        if codes is not None:
            request.session[services.RECOVERY_CODES_KEY] = codes
            return redirect("accounts:recovery_codes")
        form.add_error("code", _("This code is not valid."))
    return render(request, "accounts/profile.html", _profile_context(request, codes_form=form), status=400)


@login_required
@require_POST
def token_create(request):
    if confirm := recent.confirm_first(request, back=reverse("accounts:profile")):
        return confirm
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/profile.html", _profile_context(request, token_form=form), status=400)
    token, raw = services.issue_token(request.user, form.cleaned_data["name"], form.cleaned_data["expires_in_days"])
    return no_store(render(request, "accounts/token_created.html", {"token": token, "raw": raw}))


@get_or_post
def token_revoke(request, token):
    """Confirmation page, then revocation. Tokens are personal: another user's token is not found."""
    if request.method == "POST":
        services.revoke_token(request.user, token)
        messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
        return redirect("accounts:profile")
    return render(request, "accounts/confirm.html", {
        "title": _("Revoke an API token"),
        "question": _("Revoke the token “%(name)s”? Scripts using it will stop working at once.")
        % {"name": token.name},
        "button": _("Revoke"),
        "danger": True,
        "cancel_href": reverse("accounts:profile"),
    })
