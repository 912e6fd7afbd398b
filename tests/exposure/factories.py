"""Factories of the exposure app's models for the tenant-isolation test (registered with tests.factories.factory)."""

import datetime

from django.utils import timezone

from tests.factories import CREATE_PAYLOADS, PATCH_PAYLOADS, _model, admin, factory, hospital


def _address(side: str, n: int = 10) -> str:
    return f"198.18.{1 if side == 'a' else 2}.{n}"


@factory("exposure.ScopeEntry")
def _scope_entry(world, side):
    from vigie.exposure.models import ScopeEntry

    n = ScopeEntry.objects.filter(organisation=hospital(world, side)).count()
    entry = ScopeEntry(organisation=hospital(world, side), value=f"portail{n}.ch-{side}-pangolin.test",
                       note=f"Portail {side.upper()} Pangolin", attested_by=f"Directeur {side.upper()} Pangolin",
                       attested_function="Directeur", attested_at=timezone.now(),
                       attested_until=timezone.localdate() + datetime.timedelta(days=300), attested_user=admin(world, side))
    entry.full_clean()
    entry.save()
    return entry


@factory("exposure.Scan")
def _scan(world, side):
    from vigie.exposure.models import Scan

    return Scan.objects.create(organisation=hospital(world, side), status=Scan.Status.DONE, finished_at=timezone.now(),
                               targets=[_address(side)], created_by=admin(world, side), hosts_count=1)


@factory("exposure.Asset")
def _asset(world, side):
    from vigie.exposure.models import Asset, Service

    now = timezone.now()
    n = Asset.objects.filter(organisation=hospital(world, side)).count()
    asset = Asset.objects.create(organisation=hospital(world, side), kind="host", value=_address(side, 10 + n),
                                 names=[f"vpn.ch-{side}-pangolin.test"], first_seen=now, last_seen=now)
    Service.objects.create(organisation=asset.organisation, asset=asset, port=443, name="https", product="nginx",
                           first_seen=now, last_seen=now)
    return asset


@factory("exposure.Finding")
def _finding(world, side):
    from vigie.exposure.models import Finding

    asset = _asset(world, side)
    now = timezone.now()
    return Finding.objects.create(organisation=asset.organisation, asset=asset, target=asset.value, port=3389,
                                  check_id="rdp-exposed", severity="critical", title_fr="Bureau à distance exposé",
                                  title_en="Remote desktop exposed", evidence=f"RDP {side.upper()} Pangolin",
                                  first_seen=now, last_seen=now)


@factory("exposure.Audit")
def _audit(world, side):
    from vigie.exposure.models import Audit

    return Audit.objects.create(organisation=hospital(world, side), title=f"Audit {side.upper()} Pangolin",
                                provider="silene", performed_on=timezone.localdate(), level=3,
                                counts={"medium": 2}, created_by=admin(world, side))


def _scope_payload(world, side):
    return {"organisation": str(hospital(world, side).uuid), "value": f"nouveau.ch-{side}-pangolin.test",
            "note": "API"}


CREATE_PAYLOADS[_model("exposure.ScopeEntry")] = _scope_payload
PATCH_PAYLOADS[_model("exposure.ScopeEntry")] = {"note": "Modifié par un intrus"}
PATCH_PAYLOADS[_model("exposure.Finding")] = {"reason": "Intrus", "until": "2030-01-01"}
