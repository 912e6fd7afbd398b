from vigie.core.routing import page

from .models import ApiToken, AuditEvent, User
from .views import audit, profile, signin, users

app_name = "accounts"
SELF = "the signed-in user's own account; acts on request.user only"
PENDING = "sign-in step bound to the pending sign-in in the session; acts on that user only"
MANAGE = "manage"  # User.scope_queryset: scoped(User.objects.all(), admin, "manage") == manageable_users(admin)


def own(route, view, name, reason=SELF):
    return page(route, view, name, app=app_name, model=None, action="", kind="exempt", reason=reason)


def user_page(route, view, name):
    return page(route, view, name, app=app_name, model=User, action=MANAGE, kind="object")


urlpatterns = [
    own("login/", signin.login_password, "login", reason="public sign-in form"),
    own("login/verify/", signin.login_verify, "login_verify", reason=PENDING),
    own("login/enrol/", signin.enrol, "enrol", reason=PENDING),
    own("logout/", signin.logout_view, "logout"),
    own("me/", profile.profile, "profile"),
    own("me/confirm/", signin.confirm_second_factor, "confirm"),
    own("me/password/", signin.password_change, "password_change"),
    own("me/recovery-codes/", signin.recovery_codes, "recovery_codes"),
    own("me/recovery-codes/regenerate/", profile.recovery_codes_regenerate, "recovery_codes_regenerate"),
    own("me/tokens/new/", profile.token_create, "token_create"),
    page("me/tokens/<uuid:uuid>/revoke/", profile.token_revoke, "token_revoke", app=app_name, model=ApiToken,
         action="delete", kind="object"),
    page("users/", users.user_list, "users", app=app_name, model=User, action=MANAGE, kind="list"),
    page("users/new/", users.user_create, "user_create", app=app_name, model=User, action=MANAGE, kind="create"),
    user_page("users/<uuid:uuid>/", users.user_detail, "user_detail"),
    user_page("users/<uuid:uuid>/reset-password/", users.user_reset_password, "user_reset_password"),
    user_page("users/<uuid:uuid>/unlock/", users.user_unlock, "user_unlock"),
    user_page("users/<uuid:uuid>/reset-2fa/", users.user_reset_2fa, "user_reset_2fa"),
    user_page("users/<uuid:uuid>/deactivate/", users.user_deactivate, "user_deactivate"),
    page("audit/", audit.audit_log, "audit", app=app_name, model=AuditEvent, action="view", kind="list"),
    page("audit/export/", audit.audit_export, "audit_export", app=app_name, model=AuditEvent, action="export",
         kind="list"),
]
