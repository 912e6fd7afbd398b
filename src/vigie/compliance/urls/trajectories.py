"""Pages of the trajectories (identification means, HospiConnect indicators, budget), included at the end
of compliance/urls.py."""

from vigie.core.routing import page
from vigie.organisations.models import Organisation

from ..models import BudgetDeclaration, IdentityApplication, IdentityIndicators
from ..views import trajectories as views

APP = "compliance"


def _on(model, route, view, name, action, kind="object"):
    return page(route, view, name, app=APP, model=model, action=action, kind=kind)


urlpatterns = [
    _on(Organisation, "trajectories/", views.trajectory_home, "trajectory_home", "view", "list"),
    _on(Organisation, "trajectories/<uuid:uuid>/", views.trajectory_detail, "trajectory_detail", "view"),
    _on(IdentityApplication, "trajectories/applications/", views.application_list, "identity_application_list",
        "view", "list"),
    _on(IdentityApplication, "trajectories/applications/new/", views.application_create,
        "identity_application_create", "add", "create"),
    _on(IdentityApplication, "trajectories/applications/<uuid:uuid>/", views.application_edit,
        "identity_application_edit", "change"),
    _on(IdentityIndicators, "trajectories/indicators/", views.indicators_list, "identity_indicators_list",
        "view", "list"),
    _on(IdentityIndicators, "trajectories/indicators/new/", views.indicators_create, "identity_indicators_create",
        "add", "create"),
    _on(IdentityIndicators, "trajectories/indicators/<uuid:uuid>/", views.indicators_edit,
        "identity_indicators_edit", "change"),
    _on(BudgetDeclaration, "trajectories/budgets/", views.budget_list, "budget_list", "view", "list"),
    _on(BudgetDeclaration, "trajectories/budgets/new/", views.budget_create, "budget_create", "add", "create"),
    _on(BudgetDeclaration, "trajectories/budgets/<uuid:uuid>/", views.budget_edit, "budget_edit", "change"),
]
