"""Evidence providers: how other modules prove requirements without the compliance app importing them.

A module registers, usually from its AppConfig.ready(), which requirements it can prove and a function
that returns the records it holds for an organisation:

    from vigie.compliance.providers import EvidenceRecord, register_provider

    def exposure_audits(organisation, requirement, as_of):
        return [EvidenceRecord(title=..., date=audit.finished_on, url=audit.get_absolute_url())
                for audit in ...]

    register_provider("exposure.audits", ["care-d1:D1.O2.B"], exposure_audits,
                      label=_("Internet-exposure audits"))

Requirements are named `framework-key:CODE`, so a provider keeps working when a new version of the
framework is loaded. The function receives the organisation the evidence is asked for (already within
what the user may see), the `Requirement` and the date the evidence must be valid on; it returns only
that organisation's records. See docs/evidence-providers.md.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date



@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """A record another module holds that helps prove a requirement (an audit, an exercise, a test)."""

    title: str
    date: date
    url: str = ""
    value: float | None = None  # a level or score the freshness rules may check (e.g. ADS level)
    detail: str = ""
    provider: str = ""


@dataclass(frozen=True, slots=True)
class EvidenceProvider:
    key: str
    references: frozenset[str]
    fetch: Callable
    label: str = ""


@dataclass
class ProviderRegistry:
    providers: dict[str, EvidenceProvider] = field(default_factory=dict)

    def register(self, key: str, references: Iterable[str], fetch: Callable, label: str = "") -> None:
        references = frozenset(references)
        bad = sorted(r for r in references if ":" not in r)
        if bad:
            raise ValueError(f"provider {key}: name requirements as framework-key:CODE, not {bad}")
        self.providers[key] = EvidenceProvider(key, references, fetch, label or key)

    def unregister(self, key: str) -> None:
        self.providers.pop(key, None)

    def for_reference(self, reference: str) -> list[EvidenceProvider]:
        return [p for p in self.providers.values() if reference in p.references]

    def references(self) -> set[str]:
        return {r for p in self.providers.values() for r in p.references}

    def records(self, organisation, requirement, as_of: date) -> list[EvidenceRecord]:
        found = []
        for provider in self.for_reference(requirement.reference):
            for record in provider.fetch(organisation, requirement, as_of) or ():
                if not record.provider:
                    record = EvidenceRecord(record.title, record.date, record.url, record.value, record.detail,
                                            str(provider.label))
                found.append(record)
        return sorted(found, key=lambda r: r.date, reverse=True)


providers = ProviderRegistry()
register_provider = providers.register
