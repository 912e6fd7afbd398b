from vigie.core.routing import page
from vigie.organisations.models import Organisation

from ..models import Answer, Assessment, Evidence
from ..views import assessments, evidence, frameworks, reports
from . import declarations as urls_declarations
from . import trajectories as urls_trajectories

app_name = "compliance"
LIBRARY = "programme reference data (framework texts), the same for every organisation; no tenant data"


def library(route, view, name, reason=LIBRARY):
    return page(route, view, name, app=app_name, model=None, action="", kind="exempt", reason=reason)


def on(model, route, view, name, action, kind="object"):
    return page(route, view, name, app=app_name, model=model, action=action, kind=kind)


urlpatterns = [
    library("frameworks/", frameworks.framework_list, "framework_list"),
    library("frameworks/upload/", frameworks.framework_upload, "framework_upload",
            reason="platform administrators (superusers) only; loads reference data, no tenant data"),
    library("frameworks/<uuid:uuid>/", frameworks.framework_detail, "framework_detail"),
    library("requirements/<uuid:uuid>/", frameworks.requirement_detail, "requirement_detail"),
    on(Assessment, "", assessments.assessment_list, "assessment_list", "view", "list"),
    on(Assessment, "assessments/new/", assessments.assessment_create, "assessment_create", "add", "create"),
    on(Assessment, "assessments/<uuid:uuid>/", assessments.assessment_detail, "assessment_detail", "view"),
    on(Assessment, "assessments/<uuid:uuid>/conditions/", assessments.assessment_conditions,
       "assessment_conditions", "change"),
    on(Assessment, "assessments/<uuid:uuid>/submit/", assessments.assessment_submit, "assessment_submit", "change"),
    on(Assessment, "assessments/<uuid:uuid>/send-back/", assessments.assessment_send_back, "assessment_send_back",
       "approve"),
    on(Assessment, "assessments/<uuid:uuid>/approve/", assessments.assessment_approve, "assessment_approve",
       "approve"),
    on(Answer, "answers/<uuid:uuid>/", assessments.answer_edit, "answer_edit", "change"),
    on(Answer, "answers/<uuid:uuid>/review/", assessments.answer_review, "answer_review", "review"),
    on(Assessment, "self-assessment/", reports.self_assessment_list, "self_assessment_list", "view", "list"),
    on(Organisation, "self-assessment/<uuid:uuid>/", reports.self_assessment_detail, "self_assessment_detail",
       "view"),
    on(Organisation, "coverage/<uuid:uuid>/", reports.coverage_detail, "coverage_detail", "view"),
    on(Evidence, "evidence/", evidence.evidence_list, "evidence_list", "view", "list"),
    on(Evidence, "evidence/new/", evidence.evidence_create, "evidence_create", "add", "create"),
    on(Evidence, "evidence/<uuid:uuid>/", evidence.evidence_detail, "evidence_detail", "view"),
    on(Evidence, "evidence/<uuid:uuid>/download/", evidence.evidence_download, "evidence_download", "view"),
    *urls_declarations.urlpatterns,  # funding declarations (declarations.py)
    *urls_trajectories.urlpatterns,  # trajectories (trajectories.py)
]
