from vigie.core.routing import page

from . import views

app_name = "accounts"
SELF = "the signed-in user's own account; acts on request.user only"
urlpatterns = [
    page("login/", views.login_password, "login", app=app_name, model=None, action="", kind="exempt",
         reason="public sign-in form"),
    page("login/verify/", views.login_verify, "login_verify", app=app_name, model=None, action="", kind="exempt",
         reason="second step of sign-in, bound to the pending session"),
    page("logout/", views.logout_view, "logout", app=app_name, model=None, action="", kind="exempt", reason=SELF),
    page("me/", views.profile, "profile", app=app_name, model=None, action="", kind="exempt", reason=SELF),
    page("users/", views.user_list, "users", app=app_name, model=None, action="", kind="exempt", reason=SELF),
    page("audit/", views.audit_log, "audit", app=app_name, model=None, action="", kind="exempt", reason=SELF),
]
