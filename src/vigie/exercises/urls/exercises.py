"""Pages of exercises, scenarios and the live run; each declared with the model and action it serves."""

from vigie.core.routing import page

from ..models import Exercise, ExerciseInject, Participant, Scenario, ScenarioInject
from ..views import exercises, run, scenarios

APP = "exercises"
LIBRARY = "the scenario library is programme data shipped in the package, the same for every user"


def exercise_page(route, view, name, action, kind="object"):
    return page(route, view, name, app=APP, model=Exercise, action=action, kind=kind)


urlpatterns = [
    exercise_page("", exercises.exercise_list, "exercise_list", "view", "list"),
    exercise_page("new/", exercises.exercise_create, "exercise_create", "add", "create"),
    exercise_page("<uuid:uuid>/", exercises.exercise_detail, "exercise_detail", "view"),
    exercise_page("<uuid:uuid>/edit/", exercises.exercise_edit, "exercise_edit", "change"),
    exercise_page("<uuid:uuid>/participants/", exercises.participant_add, "participant_add", "change"),
    exercise_page("<uuid:uuid>/retex/", exercises.retex_save, "retex_save", "change"),
    exercise_page("<uuid:uuid>/lessons/", exercises.lesson_add, "lesson_add", "change"),
    exercise_page("<uuid:uuid>/declaration/", exercises.declare, "declare", "change"),
    exercise_page("<uuid:uuid>/report.pdf", exercises.report, "report", "export"),
    exercise_page("<uuid:uuid>/run/", run.control, "run_control", "change"),
    exercise_page("<uuid:uuid>/run/command/", run.command, "run_command", "change"),
    exercise_page("<uuid:uuid>/play/", run.play, "run_play", "view"),
    exercise_page("<uuid:uuid>/play/feed/", run.feed, "run_feed", "view"),
    page("participants/<uuid:uuid>/delete/", exercises.participant_delete, "participant_delete", app=APP,
         model=Participant, action="change"),
    page("injects/<uuid:uuid>/release/", run.inject_release, "inject_release", app=APP, model=ExerciseInject,
         action="change"),
    page("injects/<uuid:uuid>/hold/", run.inject_hold, "inject_hold", app=APP, model=ExerciseInject,
         action="change"),
    page("injects/<uuid:uuid>/observe/", run.observe, "inject_observe", app=APP, model=ExerciseInject,
         action="observe"),
    page("scenarios/", scenarios.scenario_list, "scenario_list", app=APP, model=Scenario, action="view", kind="list"),
    page("scenarios/library/<slug:key>/", scenarios.library_detail, "library_detail", app=APP, model=None,
         action="", kind="exempt", reason=LIBRARY),
    page("scenarios/new/", scenarios.scenario_create, "scenario_create", app=APP, model=Scenario, action="add",
         kind="create"),
    page("scenarios/<uuid:uuid>/", scenarios.scenario_detail, "scenario_detail", app=APP, model=Scenario,
         action="view"),
    page("scenarios/<uuid:uuid>/edit/", scenarios.scenario_edit, "scenario_edit", app=APP, model=Scenario,
         action="change"),
    page("scenarios/<uuid:uuid>/injects/", scenarios.inject_add, "scenario_inject_add", app=APP, model=Scenario,
         action="change"),
    page("scenarios/injects/<uuid:uuid>/edit/", scenarios.inject_edit, "scenario_inject_edit", app=APP,
         model=ScenarioInject, action="change"),
    page("scenarios/injects/<uuid:uuid>/move/", scenarios.inject_move, "scenario_inject_move", app=APP,
         model=ScenarioInject, action="change"),
    page("scenarios/injects/<uuid:uuid>/delete/", scenarios.inject_delete, "scenario_inject_delete", app=APP,
         model=ScenarioInject, action="delete"),
]
