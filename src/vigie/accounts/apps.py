from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vigie.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # app registry: these modules import models, which load only once every app is ready
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from . import audit, models

        audit.connect(models.RoleAssignment, models.User, models.ApiToken, TOTPDevice, StaticDevice)
