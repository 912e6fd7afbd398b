"""Demo data: a fictional region with one GHT of three legal entities and five sites, a private clinic,
and one demo user per role. FINESS numbers use department 99, which no real establishment has.

The tree is this app's; each module adds its own records through a `registry.demo(...)` hook, called
once the tree and the users exist."""

import base64
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import RoleAssignment, User
from vigie.core.registry import registry
from vigie.core.roles import Role

from .finess import with_key
from .models import Contact, Kind, LegalStatus, Organisation

DEMO_PASSWORD = "Vigie-demo-2026"
REGION_NAME = "Région Démo (fictive)"

TREE = {
    "name": "GHT Démo Val-de-Brume",
    "members": [
        ("Centre hospitalier de Brume", "99000001", LegalStatus.PUBLIC, "55", 620, [
            ("CH de Brume — site principal", "99000011", "40", 480),
            ("CH de Brume — hôpital de jour", "99000012", "15", 60),
        ]),
        ("Centre hospitalier de Val-Clair", "99000002", LegalStatus.PUBLIC, "30", 310, [
            ("CH de Val-Clair — site Nord", "99000021", "20", 210),
            ("CH de Val-Clair — EHPAD Les Tilleuls", "99000022", "10", 100),
        ]),
        ("Hôpital local de Saint-Aubin", "99000003", LegalStatus.PUBLIC, "15", 90, [
            ("Hôpital local de Saint-Aubin", "99000031", "15", 90),
        ]),
    ],
}
CLINIC = ("Clinique des Brumes", "99000004", LegalStatus.PRIVATE_FOR_PROFIT, 140,
          [("Clinique des Brumes — site unique", "99000041", None, 140)])


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    full_name: str
    role: Role
    node: str  # key into the nodes built below
    what: str


USERS = (
    DemoUser("demo-admin", "Alix Admin", Role.ADMIN, "region", "administrator of the demo region"),
    DemoUser("demo-ars", "Anne ARS", Role.ARS_REFERENT, "region",
             "ARS referent of the region: reads everything, validates and returns funding dossiers"),
    DemoUser("demo-rssi", "Rémi RSSI", Role.MANAGER, "ght", "security officer (manager) of the GHT"),
    DemoUser("demo-contrib", "Claire Contributrice", Role.CONTRIBUTOR, "brume", "contributor at CH de Brume"),
    DemoUser("demo-reader", "Louis Lecteur", Role.READER, "brume", "reader at CH de Brume"),
)


def _org(**fields) -> Organisation:
    org = Organisation(**fields)
    org.full_clean()
    org.save()
    return org


def _build_tree() -> dict[str, Organisation]:
    national = Organisation.objects.filter(kind=Kind.NATIONAL).first() or _org(kind=Kind.NATIONAL, name="France")
    region = _org(kind=Kind.REGION, name=REGION_NAME, parent=national, code="99")
    ght = _org(kind=Kind.GHT, name=TREE["name"], parent=region, code="GHT-99-01")
    nodes = {"region": region, "ght": ght}
    for index, (name, finess, status, share, beds, sites) in enumerate(TREE["members"]):
        ej = _org(kind=Kind.LEGAL_ENTITY, name=name, parent=ght, finess=with_key(finess), legal_status=status,
                  activity_share=share, bed_count=beds)
        nodes.setdefault("brume", ej)
        for site_name, site_finess, site_share, site_beds in sites:
            _org(kind=Kind.SITE, name=site_name, parent=ej, finess=with_key(site_finess),
                 activity_share=site_share, bed_count=site_beds)
        if index == 0:
            Contact.objects.create(organisation=ej, name="Rémi RSSI", function=Contact.Function.RSSI,
                                   email="rssi@ch-brume.example", phone="+33 1 00 00 00 01")
            Contact.objects.create(organisation=ej, name="Diane DSI", function=Contact.Function.DSI,
                                   email="dsi@ch-brume.example")
    name, finess, status, beds, sites = CLINIC
    clinic = _org(kind=Kind.LEGAL_ENTITY, name=name, parent=region, finess=with_key(finess), legal_status=status,
                  bed_count=beds)
    for site_name, site_finess, _share, site_beds in sites:
        _org(kind=Kind.SITE, name=site_name, parent=clinic, finess=with_key(site_finess), bed_count=site_beds)
    return nodes


@dataclass(frozen=True, slots=True)
class DemoLogin:
    user: DemoUser
    secret: str  # base32, for an authenticator app


@transaction.atomic
def load_demo() -> tuple[bool, list[DemoLogin]]:
    """Create the demo tree (once) and (re)set the demo users: new TOTP secrets on every call.

    Returns whether the tree was created now, and the logins to print.
    """
    region = Organisation.objects.filter(kind=Kind.REGION, name=REGION_NAME).first()
    created = region is None
    if created:
        nodes = _build_tree()
    else:
        ght = region.children.filter(kind=Kind.GHT).first()
        nodes = {"region": region, "ght": ght, "brume": ght.children.order_by("path").first()}
    logins = []
    for spec in USERS:
        first, _, last = spec.full_name.partition(" ")
        user, _ = User.objects.get_or_create(username=spec.username, defaults={"first_name": first, "last_name": last})
        user.is_demo = True
        user.is_active = True
        user.failed_logins = 0
        user.locked_until = None
        user.set_password(DEMO_PASSWORD)
        user.save()
        RoleAssignment.objects.update_or_create(user=user, organisation=nodes[spec.node], defaults={"role": spec.role})
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
        logins.append(DemoLogin(spec, _base32(device.bin_key)))
    for load_module_demo in registry.demos.values():  # after the users: demo records may name them
        load_module_demo(nodes)
    return created, logins


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")
