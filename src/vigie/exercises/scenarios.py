"""The scenario library: versioned YAML files in `scenarios/`, written by us, validated on load.

Each file is one scenario with its chronogram, from DEBEX (offset 0) to FINEX. A malformed file raises
`ScenarioError` naming the file, the inject and the field, so a bad edit stops at start-up or in the tests
rather than in the middle of an exercise. Copying a library scenario gives an establishment its own
`Scenario` rows, which it may then edit.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from django.db import transaction

from .models.scenarios import (
    ALL_ROLES,
    Channel,
    KitLevel,
    ParticipantRole,
    Scenario,
    ScenarioInject,
)

LIBRARY_DIR = Path(__file__).parent / "scenarios"
RECIPIENTS = {ALL_ROLES, *ParticipantRole.values}
MIN_INJECTS, MAX_INJECTS = 5, 12


class ScenarioError(ValueError):
    """A library file is malformed; the message names the file, the inject and the field."""


@dataclass(frozen=True, slots=True)
class LibraryInject:
    id: str
    offset_minutes: int
    channel: str
    sender: str
    recipient_role: str
    title: str
    content: str
    expected_reactions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LibraryScenario:
    key: str
    version: int
    title: str
    summary: str
    kit_level: str
    cyber_trigger: bool
    injects: tuple[LibraryInject, ...]

    @property
    def duration_minutes(self) -> int:
        return self.injects[-1].offset_minutes if self.injects else 0

    @property
    def kit_level_label(self) -> str:
        return str(KitLevel(self.kit_level).label)


def _text(where: str, data: dict, field: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError(f"{where}: field '{field}' must be a non-empty text")
    return value.strip()


def parse(text: str, filename: str) -> LibraryScenario:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{filename}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{filename}: expected a mapping at the top")
    for field in ("key", "title", "summary"):
        _text(filename, data, field)
    version = data.get("version")
    if not isinstance(version, int) or version < 1:
        raise ScenarioError(f"{filename}: field 'version' must be a positive integer")
    if data.get("kit_level") not in KitLevel.values:
        raise ScenarioError(f"{filename}: field 'kit_level' must be one of {', '.join(KitLevel.values)}")
    if not isinstance(data.get("cyber_trigger", True), bool):
        raise ScenarioError(f"{filename}: field 'cyber_trigger' must be true or false")
    rows = data.get("injects")
    if not isinstance(rows, list) or not MIN_INJECTS <= len(rows) <= MAX_INJECTS:
        raise ScenarioError(f"{filename}: 'injects' must list {MIN_INJECTS} to {MAX_INJECTS} injects")
    injects, seen, previous = [], set(), -1
    for index, row in enumerate(rows, start=1):
        ident = row.get("id") if isinstance(row, dict) else None
        where = f"{filename}, inject {ident or index}"
        if not isinstance(row, dict):
            raise ScenarioError(f"{where}: expected a mapping")
        ident = _text(where, row, "id")
        if ident in seen:
            raise ScenarioError(f"{where}: duplicate id")
        seen.add(ident)
        offset = row.get("offset")
        if not isinstance(offset, int) or offset < 0:
            raise ScenarioError(f"{where}: field 'offset' must be minutes from DEBEX (an integer >= 0)")
        if offset < previous:
            raise ScenarioError(f"{where}: field 'offset' goes back in time ({offset} < {previous})")
        previous = offset
        if row.get("channel") not in Channel.values:
            raise ScenarioError(f"{where}: field 'channel' must be one of {', '.join(Channel.values)}")
        if row.get("to") not in RECIPIENTS:
            raise ScenarioError(f"{where}: field 'to' must be one of {', '.join(sorted(RECIPIENTS))}")
        expected = row.get("expected", [])
        if not isinstance(expected, list) or not all(isinstance(e, str) and e.strip() for e in expected):
            raise ScenarioError(f"{where}: field 'expected' must be a list of texts")
        injects.append(LibraryInject(
            id=ident, offset_minutes=offset, channel=row["channel"], sender=_text(where, row, "from"),
            recipient_role=row["to"], title=_text(where, row, "title"), content=_text(where, row, "content"),
            expected_reactions=tuple(e.strip() for e in expected),
        ))
    if injects[0].offset_minutes != 0:
        raise ScenarioError(f"{filename}, inject {injects[0].id}: the first inject (DEBEX) must be at offset 0")
    return LibraryScenario(
        key=data["key"].strip(), version=version, title=data["title"].strip(), summary=data["summary"].strip(),
        kit_level=data["kit_level"], cyber_trigger=data.get("cyber_trigger", True), injects=tuple(injects),
    )


def load_directory(directory: Path) -> dict[str, LibraryScenario]:
    found: dict[str, LibraryScenario] = {}
    for path in sorted(directory.glob("*.yaml")):
        scenario = parse(path.read_text(encoding="utf-8"), path.name)
        if scenario.key in found:
            raise ScenarioError(f"{path.name}: key '{scenario.key}' is already used by another file")
        found[scenario.key] = scenario
    return found


@lru_cache(maxsize=1)
def library() -> dict[str, LibraryScenario]:
    return load_directory(LIBRARY_DIR)


def copy_to(organisation, key: str) -> Scenario:
    """The library scenario `key` as the organisation's own, editable scenario."""
    source = library()[key]
    with transaction.atomic():
        scenario = Scenario.objects.create(
            organisation=organisation, title=source.title, summary=source.summary, kit_level=source.kit_level,
            cyber_trigger=source.cyber_trigger, library_key=source.key, library_version=source.version,
        )
        ScenarioInject.objects.bulk_create([
            ScenarioInject(scenario=scenario, position=i, offset_minutes=inj.offset_minutes, channel=inj.channel,
                           sender=inj.sender, recipient_role=inj.recipient_role, title=inj.title,
                           content=inj.content, expected_reactions=list(inj.expected_reactions))
            for i, inj in enumerate(source.injects)
        ])
    return scenario


def renumber(scenario: Scenario) -> None:
    """Positions 0..n-1 in chronogram order (offset, then position)."""
    for i, inject in enumerate(scenario.injects.order_by("offset_minutes", "position", "pk")):
        if inject.position != i:
            ScenarioInject.objects.filter(pk=inject.pk).update(position=i)


def move(inject: ScenarioInject, delta: int) -> None:
    """Swap an inject with its neighbour at the same offset (reorder within one time step); across offsets,
    the order is the time order and changes by editing the offset."""
    renumber(inject.scenario)
    inject.refresh_from_db()
    siblings = list(inject.scenario.injects.order_by("offset_minutes", "position", "pk"))
    index = next(i for i, s in enumerate(siblings) if s.pk == inject.pk)
    other_index = index + delta
    if not 0 <= other_index < len(siblings):
        return
    other = siblings[other_index]
    with transaction.atomic():
        if other.offset_minutes != inject.offset_minutes:  # moving across a time step takes its time
            ScenarioInject.objects.filter(pk=inject.pk).update(offset_minutes=other.offset_minutes)
        ScenarioInject.objects.filter(pk=inject.pk).update(position=other.position)
        ScenarioInject.objects.filter(pk=other.pk).update(position=inject.position)
