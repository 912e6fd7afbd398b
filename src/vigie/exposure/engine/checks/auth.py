"""Services that answer a data command without credentials (the probe asked, e.g. Redis INFO,
Elasticsearch GET /_cluster/health, MongoDB listDatabases, an anonymous FTP login, an LDAP anonymous
search of the naming contexts)."""

from __future__ import annotations

from collections.abc import Iterable

from .._model import Service
from ._registry import Context, Hit, check


@check(id="auth.none", family="auth",
       title_fr="Service accessible sans authentification",
       title_en="Service answering without authentication",
       severity="critical",
       reference="ANSSI, Recommandations relatives à l'authentification multifacteur et aux mots de passe",
       remediation_fr="Activez l'authentification du service (mot de passe, comptes nominatifs) et retirez-le "
                      "d'Internet : toute personne peut aujourd'hui lire ou modifier ses données.",
       remediation_en="Turn on the service's authentication (password, named accounts) and take it off the "
                      "internet: anyone can read or change its data today.",
       needs=("auth",))
def no_authentication(service: Service, context: Context) -> Iterable[Hit]:
    if service.auth_required is False:
        what = service.product or service.name
        return (Hit("", f"{what} on port {service.port} answered a data command without credentials",
                    details={"service": service.name}),)
    return ()
