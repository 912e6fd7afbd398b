"""Does this exercise count as the yearly crisis exercise (instruction DNS/2025/12, action 1)?

The rules, from the regional agencies' guidance: the trigger is a cyber incident; general management and
the business side (medical or care management) take part, not only IT; it is not a pure IT test (a
restore, a fail-over, an IT-recovery test). The exercise must also have been played (FINEX) and its cold
RETEX recorded. Each rule answers with its reason, shown on the page and in the report. When the exercise
is valid and declared to the national platform, the deadline "crisis-exercise" is recorded done, and the
compliance module sees it through the evidence provider `exercises.crisis`.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.actions.services import record_completion
from vigie.compliance.providers import EvidenceRecord

from .models import Exercise, Participant
from .models.scenarios import ParticipantRole

BUSINESS_ROLES = {ParticipantRole.MEDICAL, ParticipantRole.CARE}


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    ok: bool
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    rules: tuple[Rule, ...]

    @property
    def valid(self) -> bool:
        return all(r.ok for r in self.rules)

    @property
    def failures(self) -> list[Rule]:
        return [r for r in self.rules if not r.ok]


def check(exercise: Exercise) -> Verdict:
    # all(), filtered here: a list of exercises prefetches their participants (steering indicators)
    players = {p.role for p in exercise.participants.all() if p.function == Participant.Function.PLAYER}
    cyber = exercise.cyber_trigger and (exercise.scenario is None or exercise.scenario.cyber_trigger)
    rules = [
        Rule("cyber_trigger", cyber,
             _("The crisis starts from a cyber incident.") if cyber else
             _("The trigger is not a cyber incident: the yearly exercise must start from one.")),
        Rule("not_pure_it", not exercise.pure_it_test,
             _("It is not a pure IT test.") if not exercise.pure_it_test else
             _("A pure IT test (restore, fail-over, IT recovery) does not count as the yearly crisis exercise.")),
        Rule("direction", ParticipantRole.DIRECTION in players,
             _("General management took part.") if ParticipantRole.DIRECTION in players else
             _("General management must take part: add a player with the role “General management”.")),
        Rule("business", bool(players & BUSINESS_ROLES),
             _("The business side (medical or care management) took part.") if players & BUSINESS_ROLES else
             _("The business side must take part: add a medical or care-management player; an IT-only exercise "
               "does not count.")),
        Rule("played", exercise.status == Exercise.Status.ENDED,
             _("The exercise was played to FINEX.") if exercise.status == Exercise.Status.ENDED else
             _("The exercise has not been played to FINEX yet.")),
        Rule("retex", exercise.retex_done_on is not None,
             _("The cold RETEX was recorded.") if exercise.retex_done_on else _("The cold RETEX is not recorded yet.")),
    ]
    return Verdict(tuple(rules))


def declare(exercise: Exercise, *, declared_on, reference: str, user=None) -> Exercise:
    """Keep the record of the declaration to the national platform; counts the exercise when valid."""
    exercise.declared_on, exercise.declaration_reference = declared_on, reference.strip()
    exercise.full_clean()
    exercise.save(update_fields=["declared_on", "declaration_reference"])
    after_change(exercise, user)
    return exercise


def after_change(exercise: Exercise, user=None) -> bool:
    """Record the deadline completion when the exercise is valid and declared; returns whether it counts."""
    if not (exercise.declared_on and check(exercise).valid):
        return False
    done_on = exercise.ended_at.date()
    try:
        record_completion(exercise.organisation, "crisis-exercise", when=done_on,
                          reference=f"exercise {exercise.uuid}", user=user)
    except ValidationError:  # e.g. a site or a GHT, to which the deadline does not apply
        return False
    return True


def counted(organisation, as_of):
    """Valid, declared exercises of the organisation up to `as_of` (the evidence provider's query)."""
    candidates = (Exercise.objects.filter(organisation=organisation, status=Exercise.Status.ENDED,
                                          declared_on__isnull=False, retex_done_on__isnull=False,
                                          ended_at__date__lte=as_of, cyber_trigger=True, pure_it_test=False)
                  .select_related("scenario").order_by("-ended_at")[:12])
    return [e for e in candidates if check(e).valid]


LABEL = gettext_lazy("Crisis exercises")


def evidence(organisation, requirement, as_of):
    return [EvidenceRecord(title=e.title, date=e.ended_at.date(), url=e.get_absolute_url(),
                           detail=_("Declared on %(day)s, reference %(ref)s") % {
                               "day": e.declared_on.isoformat(), "ref": e.declaration_reference or "—"})
            for e in counted(organisation, as_of)]
