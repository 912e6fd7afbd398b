from vigie.core.routing import page
from vigie.organisations.models import Organisation

from .models import Activity, Application, BackupPlan, BackupPolicy, Component, CrisisKit, DegradedProcedure, RestoreTest, Scenario, Supplier, Team
from .views import backups, bia, inventory, kit, plans, workbook

app_name = "continuity"


def _page(route, view, name, model, action, kind="object"):
    return page(route, view, name, app=app_name, model=model, action=action, kind=kind)


urlpatterns = [
    _page("", bia.index, "index", Activity, "view", "list"),
    _page("coverage/", bia.coverage, "coverage", Activity, "view", "list"),
    _page("graph/", bia.graph, "graph", Activity, "view", "list"),
    _page("activities/", bia.activity_list, "activity_list", Activity, "view", "list"),
    _page("activities/new/", bia.activity_create, "activity_create", Activity, "add", "create"),
    _page("activities/<uuid:uuid>/", bia.activity_detail, "activity_detail", Activity, "view"),
    _page("activities/<uuid:uuid>/edit/", bia.activity_edit, "activity_edit", Activity, "change"),
    _page("activities/<uuid:uuid>/delete/", bia.activity_delete, "activity_delete", Activity, "delete"),
    _page("activities/<uuid:uuid>/impacts/", bia.activity_impacts, "activity_impacts", Activity, "change"),
    _page("activities/<uuid:uuid>/procedures/new/", bia.procedure_create, "procedure_create", Activity, "change"),
    _page("procedures/<uuid:uuid>/edit/", bia.procedure_edit, "procedure_edit", DegradedProcedure, "change"),
    _page("procedures/<uuid:uuid>/delete/", bia.procedure_delete, "procedure_delete", DegradedProcedure, "delete"),
    _page("workbook/", workbook.workbook_download, "workbook_download", Activity, "export", "list"),
    _page("workbook/import/", workbook.workbook_import, "workbook_import", Activity, "import", "create"),
    _page("applications/", inventory.application_list, "application_list", Application, "view", "list"),
    _page("applications/new/", inventory.application_create, "application_create", Application, "add", "create"),
    _page("applications/<uuid:uuid>/", inventory.application_detail, "application_detail", Application, "view"),
    _page("applications/<uuid:uuid>/edit/", inventory.application_edit, "application_edit", Application, "change"),
    _page("applications/<uuid:uuid>/delete/", inventory.application_delete, "application_delete", Application, "delete"),
    _page("components/", inventory.component_list, "component_list", Component, "view", "list"),
    _page("components/new/", inventory.component_create, "component_create", Component, "add", "create"),
    _page("components/<uuid:uuid>/", inventory.component_detail, "component_detail", Component, "view"),
    _page("components/<uuid:uuid>/edit/", inventory.component_edit, "component_edit", Component, "change"),
    _page("components/<uuid:uuid>/delete/", inventory.component_delete, "component_delete", Component, "delete"),
    _page("suppliers/", inventory.supplier_list, "supplier_list", Supplier, "view", "list"),
    _page("suppliers/new/", inventory.supplier_create, "supplier_create", Supplier, "add", "create"),
    _page("suppliers/<uuid:uuid>/", inventory.supplier_edit, "supplier_edit", Supplier, "change"),
    _page("suppliers/<uuid:uuid>/delete/", inventory.supplier_delete, "supplier_delete", Supplier, "delete"),
    _page("teams/", inventory.team_list, "team_list", Team, "view", "list"),
    _page("teams/new/", inventory.team_create, "team_create", Team, "add", "create"),
    _page("teams/<uuid:uuid>/", inventory.team_edit, "team_edit", Team, "change"),
    _page("teams/<uuid:uuid>/delete/", inventory.team_delete, "team_delete", Team, "delete"),
    _page("backups/", backups.backup_list, "backup_list", BackupPlan, "view", "list"),
    _page("backups/sync/<uuid:uuid>/", backups.backup_sync, "backup_sync", Organisation, "change"),
    _page("backups/policies/", backups.policy_list, "policy_list", BackupPolicy, "view", "list"),
    _page("backups/policies/new/", backups.policy_create, "policy_create", BackupPolicy, "add", "create"),
    _page("backups/policies/<uuid:uuid>/", backups.policy_edit, "policy_edit", BackupPolicy, "change"),
    _page("backups/policies/<uuid:uuid>/delete/", backups.policy_delete, "policy_delete", BackupPolicy, "delete"),
    _page("backups/plans/new/", backups.plan_create, "plan_create", BackupPlan, "add", "create"),
    _page("backups/plans/<uuid:uuid>/", backups.plan_detail, "plan_detail", BackupPlan, "view"),
    _page("backups/plans/<uuid:uuid>/edit/", backups.plan_edit, "plan_edit", BackupPlan, "change"),
    _page("backups/plans/<uuid:uuid>/delete/", backups.plan_delete, "plan_delete", BackupPlan, "delete"),
    _page("backups/plans/<uuid:uuid>/test/", backups.test_create, "test_create", BackupPlan, "change"),
    _page("restore-tests/", backups.test_list, "test_list", RestoreTest, "view", "list"),
    _page("restore-tests/<uuid:uuid>/", backups.test_detail, "test_detail", RestoreTest, "view"),
    _page("restore-tests/<uuid:uuid>/edit/", backups.test_edit, "test_edit", RestoreTest, "change"),
    _page("restore-tests/<uuid:uuid>/delete/", backups.test_delete, "test_delete", RestoreTest, "delete"),
    _page("activities/<uuid:uuid>/pcra/", plans.activity_pcra, "activity_pcra", Activity, "view"),
    _page("scenarios/", plans.scenario_list, "scenario_list", Scenario, "view", "list"),
    _page("scenarios/new/", plans.scenario_create, "scenario_create", Scenario, "add", "create"),
    _page("scenarios/<uuid:uuid>/", plans.scenario_detail, "scenario_detail", Scenario, "view"),
    _page("scenarios/<uuid:uuid>/edit/", plans.scenario_edit, "scenario_edit", Scenario, "change"),
    _page("scenarios/<uuid:uuid>/delete/", plans.scenario_delete, "scenario_delete", Scenario, "delete"),
    _page("scenarios/<uuid:uuid>/run/", plans.scenario_run, "scenario_run", Scenario, "change"),
    _page("kits/", kit.kit_list, "kit_list", CrisisKit, "view", "list"),
    _page("kits/new/", kit.kit_create, "kit_create", CrisisKit, "add", "create"),
    _page("kits/<uuid:uuid>/", kit.kit_detail, "kit_detail", CrisisKit, "view"),
    _page("kits/<uuid:uuid>/edit/", kit.kit_edit, "kit_edit", CrisisKit, "change"),
    _page("kits/<uuid:uuid>/build/", kit.kit_build, "kit_build", CrisisKit, "change"),
    _page("kits/<uuid:uuid>/download/", kit.kit_download, "kit_download", CrisisKit, "view"),
]
