"""The scope an organisation declares: checking entries, attesting them, the CSV import, and the targets
given to the engine (attested, unexpired entries only).

An entry's kind follows from its value: an address, a CIDR range, or a name. A name is a host name unless
declared a domain (a domain's DNS records are read and its subdomains looked for). Names are stored in
their ASCII (IDNA) form, so a look-alike Unicode name cannot pass for another. Ranges are limited to
MAX_ADDRESSES addresses (and to what the engine accepts: /20 in IPv4, /120 in IPv6): a scan of a whole /8
is a mistake, not a scope. The engine's own reading of each entry is the last check.
"""

import datetime
import ipaddress
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.imports import Column, RowInvalid, run_import

from .engine import Scope, ScopeError
from .models import Schedule, ScopeEntry

MAX_ADDRESSES = 4096
ATTESTATION_DAYS = 365
LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _name(value: str) -> str:
    try:
        ascii_name = value.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValidationError({"value": _("“%(value)s” is not a valid name.") % {"value": value}}) from None
    labels = ascii_name.split(".")
    if len(labels) < 2 or len(ascii_name) > 253 or not all(LABEL.match(label) for label in labels):
        raise ValidationError({"value": _("“%(value)s” is not a valid domain or host name.") % {"value": value}})
    if labels[-1].isdigit():
        raise ValidationError({"value": _("“%(value)s” looks like an incomplete address.") % {"value": value}})
    return ascii_name


def normalise_entry(value: str, kind: str = "") -> tuple[str, str]:
    """(kind, value) in canonical form; ValidationError naming what is wrong."""
    text = (value or "").strip().lower()
    if not text:
        raise ValidationError({"value": _("Enter a domain, host name, address or range.")})
    if "/" in text:
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError:
            raise ValidationError({"value": _("“%(value)s” is not a valid range: write it as 192.0.2.0/28, with "
                                              "the first address of the range.") % {"value": value}}) from None
        if network.num_addresses > MAX_ADDRESSES:
            raise ValidationError({"value": _("The range %(value)s holds %(count)s addresses; at most %(max)s are "
                                              "allowed per entry.") % {"value": value, "count": network.num_addresses,
                                                                      "max": MAX_ADDRESSES}})
        try:
            Scope.from_entries([str(network)])
        except ScopeError as exc:
            raise _engine_refusal(value, exc.reason) from None
        if network.num_addresses == 1:
            return (ScopeEntry.Kind.IPV4 if network.version == 4 else ScopeEntry.Kind.IPV6), str(network.network_address)
        return ScopeEntry.Kind.CIDR, str(network)
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        return (ScopeEntry.Kind.IPV4 if address.version == 4 else ScopeEntry.Kind.IPV6), str(address)
    name = _name(text)
    if kind == ScopeEntry.Kind.DOMAIN:
        return ScopeEntry.Kind.DOMAIN, _engine_name(value, name, domain=True)
    return ScopeEntry.Kind.HOST, _engine_name(value, name, domain=False)


def _engine_refusal(value: str, reason: str) -> ValidationError:
    return ValidationError({"value": _("“%(value)s” is refused by the scanner: %(reason)s") % {
        "value": value, "reason": reason}})


def _engine_name(value: str, name: str, domain: bool) -> str:
    """The name as the engine reads it (IDNA 2008; names mixing scripts, look-alikes, are refused)."""
    try:
        parsed = Scope.from_entries([name if domain else "=" + name])
    except ScopeError as exc:
        raise _engine_refusal(value, exc.reason) from None
    return (parsed.domains or parsed.names)[0]


def entry_from(organisation, value: str, kind: str = "", note: str = "") -> ScopeEntry:
    entry = ScopeEntry(organisation=organisation, value=value, note=note)
    entry.kind, entry.value = normalise_entry(value, kind)
    return entry


def ensure_schedule(organisation) -> Schedule:
    schedule, _created = Schedule.objects.get_or_create(organisation=organisation)
    return schedule


def attest(entries, *, user, name: str, function: str, until: datetime.date) -> int:
    """Record the attestation on each entry (the view has asked for a fresh second factor)."""
    if not name.strip() or not function.strip():
        raise ValidationError(_("Name the person who attests and their function."))
    if until is None or until <= timezone.localdate():
        raise ValidationError({"attested_until": _("The attestation must expire after today.")})
    now = timezone.now()
    count = 0
    with transaction.atomic():
        for entry in entries:
            entry.attested_by, entry.attested_function = name.strip()[:200], function.strip()[:200]
            entry.attested_at, entry.attested_until, entry.attested_user = now, until, user
            entry.save(update_fields=["attested_by", "attested_function", "attested_at", "attested_until",
                                      "attested_user"])
            count += 1
    return count


def revoke(entry: ScopeEntry) -> None:
    entry.attested_at = entry.attested_until = None
    entry.save(update_fields=["attested_at", "attested_until"])


def attested_entries(organisation, on: datetime.date | None = None):
    on = on or timezone.localdate()
    return ScopeEntry.objects.filter(organisation=organisation, attested_at__isnull=False,
                                     attested_until__gte=on).order_by("kind", "value")


def targets_for(organisation, on: datetime.date | None = None) -> tuple[tuple[str, str], ...]:
    """(kind, value) of every attested, unexpired entry: the only targets the engine is given."""
    return tuple((e.kind, e.value) for e in attested_entries(organisation, on))


def in_scope(organisation, target: str) -> bool:
    """Whether an address or name is covered by an attested entry (for retests and imports)."""
    entries = list(attested_entries(organisation))
    try:
        address = ipaddress.ip_address(target)
    except ValueError:
        name = target.lower().rstrip(".")
        return any(e.value == name or (e.kind == ScopeEntry.Kind.DOMAIN and name.endswith("." + e.value))
                   for e in entries)
    for entry in entries:
        if entry.kind == ScopeEntry.Kind.CIDR and address in ipaddress.ip_network(entry.value):
            return True
        if entry.kind in (ScopeEntry.Kind.IPV4, ScopeEntry.Kind.IPV6) and address == ipaddress.ip_address(entry.value):
            return True
    return False


# --- CSV import --------------------------------------------------------------------------------------------


COLUMNS = [
    Column("value", required=True, aliases=("valeur", "cible", "target"),
           help=_("Domain, host name, address or CIDR range.")),
    Column("kind", aliases=("type",), help=_("“domain” to declare a domain; empty otherwise.")),
    Column("note", aliases=("commentaire",)),
]


def import_entries(upload, organisation):
    """Every row becomes an (unattested) entry, or nothing is imported; duplicates are errors."""
    seen: set[str] = set()

    def row(line: int, values: dict[str, str]) -> str:
        kind = values.get("kind", "").strip().lower()
        if kind and kind not in ("domain", "domaine", "host", "hôte", "hote"):
            raise RowInvalid([("kind", _("unknown kind “%(kind)s”: use “domain” or leave it empty.") % {"kind": kind})])
        try:
            entry = entry_from(organisation, values["value"], "domain" if kind.startswith("dom") else "",
                               values.get("note", "")[:300])
        except ValidationError as exc:
            raise RowInvalid([("value", m) for m in exc.messages]) from None
        if entry.value in seen or ScopeEntry.objects.filter(organisation=organisation, value=entry.value).exists():
            raise RowInvalid([("value", _("%(value)s is already in the scope.") % {"value": entry.value})])
        seen.add(entry.value)
        entry.save()
        return entry.kind

    report = run_import(upload, COLUMNS, row)
    if report.ok:
        ensure_schedule(organisation)
    return report
