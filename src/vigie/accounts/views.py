from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST


def login_password(request):
    return render(request, "accounts/login.html")


def login_verify(request):
    return render(request, "accounts/login.html")


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")


@login_required
def profile(request):
    return render(request, "accounts/login.html")


@login_required
def user_list(request):
    return render(request, "accounts/login.html")


@login_required
def audit_log(request):
    return render(request, "accounts/login.html")
