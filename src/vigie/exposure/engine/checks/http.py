"""HTTP problems: logins over clear HTTP, no HTTPS redirect, HSTS missing, directory listings, default
install pages and administration interfaces. Judged on the responses the HTTP probe recorded for "/"
and for the paths these checks ask for (see `http_paths()`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from .._model import HttpResponse, Service
from ._registry import Context, Hit, check

_ANSSI_WEB = "ANSSI, Recommandations pour la mise en place de sites web sécurisés"
_PASSWORD_FIELD = re.compile(r"<input[^>]+type\s*=\s*[\"']?password", re.IGNORECASE)
_LISTING = re.compile(r"<title>\s*(Index of /|Directory listing for /)", re.IGNORECASE)
_DEFAULT_PAGES = (
    ("Apache2 Debian Default Page", "Apache default page (Debian)"),
    ("Apache2 Ubuntu Default Page", "Apache default page (Ubuntu)"),
    ("Test Page for the Apache HTTP Server", "Apache test page"),
    ("Welcome to nginx!", "nginx default page"),
    ("IIS Windows Server", "IIS default page"),
    ("Internet Information Services", "IIS default page"),
    ("Welcome to CentOS", "CentOS default page"),
    ("Apache Tomcat", "Tomcat default page"),
)
_LISTING_PATHS = ("/backup/", "/uploads/")
_ADMIN_PATHS = ("/admin/", "/phpmyadmin/", "/manager/html", "/server-status")


WEB_SERVICES = frozenset({"http", "https"})


def _path(response: HttpResponse) -> str:
    return urlsplit(response.url).path or "/"


def _is_https(service: Service, response: HttpResponse) -> bool:
    return response.url.lower().startswith("https://") or (service.tls is not None and not service.tls.error)


def _root(service: Service) -> HttpResponse | None:
    return next((r for r in service.http if _path(r) == "/"), None)


@check(id="http.login_cleartext", family="http", title_fr="Page de connexion en HTTP non chiffré",
       title_en="Login page over plain HTTP", severity="high", reference=_ANSSI_WEB,
       remediation_fr="Servez la page de connexion uniquement en HTTPS et redirigez HTTP vers HTTPS : "
                      "les mots de passe circulent aujourd'hui en clair.",
       remediation_en="Serve the login page over HTTPS only and redirect HTTP to HTTPS: passwords travel "
                      "in clear text today.", needs=("http",))
def login_cleartext(service: Service, context: Context) -> Iterable[Hit] | None:
    if service.name not in WEB_SERVICES:  # an API speaking HTTP (Elasticsearch, WinRM) has its own checks
        return None
    return tuple(Hit(_path(r), f"GET {_path(r)} -> {r.status}, a password field over plain HTTP")
                 for r in service.http
                 if not _is_https(service, r) and r.status == 200 and _PASSWORD_FIELD.search(r.body))


@check(id="http.no_https_redirect", family="http", title_fr="Pas de redirection de HTTP vers HTTPS",
       title_en="No redirect from HTTP to HTTPS", severity="low", reference=_ANSSI_WEB,
       remediation_fr="Redirigez toutes les requêtes HTTP vers HTTPS (code 301 ou 308).",
       remediation_en="Redirect every HTTP request to HTTPS (status 301 or 308).", needs=("http",))
def no_https_redirect(service: Service, context: Context) -> Iterable[Hit] | None:
    if service.name not in WEB_SERVICES:  # an API speaking HTTP (Elasticsearch, WinRM) has its own checks
        return None
    root = _root(service)
    if root is None or _is_https(service, root):
        return None
    if 300 <= root.status < 400 and root.location.lower().startswith("https://"):
        return ()
    target = f" to {root.location}" if root.location else ""
    return (Hit("/", f"GET / over HTTP -> {root.status}{target}, no redirect to HTTPS"),)


@check(id="http.no_hsts", family="http", title_fr="En-tête HSTS absent sur le site HTTPS",
       title_en="HSTS header missing on the HTTPS site", severity="low", reference=f"{_ANSSI_WEB} ; RFC 6797",
       remediation_fr="Ajoutez l'en-tête Strict-Transport-Security avec un max-age d'au moins six mois.",
       remediation_en="Add the Strict-Transport-Security header with a max-age of at least six months.",
       needs=("http",))
def no_hsts(service: Service, context: Context) -> Iterable[Hit] | None:
    if service.name not in WEB_SERVICES:  # an API speaking HTTP (Elasticsearch, WinRM) has its own checks
        return None
    root = _root(service)
    if root is None or not _is_https(service, root):
        return None
    if root.header("Strict-Transport-Security"):
        return ()
    return (Hit("/", f"GET / over HTTPS -> {root.status} without Strict-Transport-Security"),)


@check(id="http.directory_listing", family="http", title_fr="Listage de répertoire activé",
       title_en="Directory listing enabled", severity="medium", reference=_ANSSI_WEB,
       remediation_fr="Désactivez l'indexation automatique des répertoires (Options -Indexes, autoindex off) "
                      "et retirez les fichiers qui n'ont pas à être publiés.",
       remediation_en="Turn off automatic directory indexes (Options -Indexes, autoindex off) and remove "
                      "files that should not be published.", needs=("http",), paths=_LISTING_PATHS)
def directory_listing(service: Service, context: Context) -> Iterable[Hit] | None:
    if service.name not in WEB_SERVICES:  # an API speaking HTTP (Elasticsearch, WinRM) has its own checks
        return None
    return tuple(Hit(_path(r), f"GET {_path(r)} -> {r.status}, an automatic directory index")
                 for r in service.http if r.status == 200 and _LISTING.search(r.body))


@check(id="http.default_page", family="http", title_fr="Page d'installation par défaut",
       title_en="Default installation page", severity="low", reference=_ANSSI_WEB,
       remediation_fr="Remplacez la page par défaut ou désactivez le site par défaut : elle révèle le "
                      "logiciel et signale un serveur laissé en l'état.",
       remediation_en="Replace the default page or disable the default site: it reveals the software and "
                      "marks a server left as installed.", needs=("http",))
def default_page(service: Service, context: Context) -> Iterable[Hit] | None:
    if service.name not in WEB_SERVICES:  # an API speaking HTTP (Elasticsearch, WinRM) has its own checks
        return None
    root = _root(service)
    if root is None:
        return None
    if root.status != 200:
        return ()
    text = f"{root.title}\n{root.body[:4096]}"
    for marker, label in _DEFAULT_PAGES:
        if marker.lower() in text.lower():
            return (Hit("/", f"GET / -> 200, {label}"),)
    return ()


def _admin_evidence(path: str, response: HttpResponse) -> str:
    body, title = response.body.lower(), response.title.lower()
    realm = response.header("WWW-Authenticate").lower()
    if path == "/phpmyadmin/" and response.status == 200 and "phpmyadmin" in body:
        return "phpMyAdmin"
    if path == "/manager/html" and ("tomcat" in realm or (response.status == 200 and "tomcat" in body)):
        return "Tomcat manager"
    if path == "/server-status" and response.status == 200 and "apache server status" in body:
        return "Apache server status"
    if path == "/admin/" and response.status in (200, 401) and (
            "admin" in title or "admin" in realm or _PASSWORD_FIELD.search(response.body)):
        return "administration login"
    return ""


@check(id="http.admin_interface", family="http", title_fr="Interface d'administration exposée",
       title_en="Administration interface exposed", severity="high", reference=_ANSSI_WEB,
       remediation_fr="Réservez les interfaces d'administration au réseau interne ou à un VPN, avec "
                      "authentification multifacteur.",
       remediation_en="Keep administration interfaces on the internal network or behind a VPN, with "
                      "multi-factor authentication.", needs=("http",), paths=_ADMIN_PATHS)
def admin_interface(service: Service, context: Context) -> Iterable[Hit] | None:
    if service.name not in WEB_SERVICES:  # an API speaking HTTP (Elasticsearch, WinRM) has its own checks
        return None
    hits: list[Hit] = []
    for response in service.http:
        path = _path(response)
        if path in _ADMIN_PATHS and (what := _admin_evidence(path, response)):
            hits.append(Hit(path, f"GET {path} -> {response.status}, {what}"))
    return hits
