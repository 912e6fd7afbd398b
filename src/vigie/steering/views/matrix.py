"""The matrix of a level, its export, and the drill-down to one establishment.

Nodes are fetched through scoped(): a node the user may not see answers 404, as does a node of a kind that
has no such page (a site).
"""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from vigie.core import recent
from vigie.core.generic import get_or_post
from vigie.core.indicators import WARNING_DAYS, State
from vigie.core.roles import Role
from vigie.core.scoping import can, role_paths
from vigie.organisations.models import Kind, Organisation

from .. import jobs, matrix
from ..filters import MatrixFilter
from ..models import Summary
from ..services import LEVEL_KINDS

PER_PAGE = 50
EXPORT_FORMATS = ("csv", "xlsx")


def _ancestors(levels, org: Organisation):
    """The level nodes above `org` among `levels` (the ones the user may see), from the top: the way up."""
    return levels.filter(pk__in=org.ancestors().values("pk")).order_by("path")


@require_GET
def levels(request, nodes):
    """Where the user's steering starts: the top nodes they hold a role on, each a matrix or a drill-down."""
    user = request.user
    nodes = nodes.filter(kind__in=(*LEVEL_KINDS, Kind.LEGAL_ENTITY))
    if user.is_superuser:
        nodes = nodes.filter(kind=Kind.NATIONAL)
    else:
        nodes = nodes.filter(path__in=role_paths(user, Role.READER))
    found = list(nodes.order_by("path"))
    tops = [n for n in found if not any(n.path != o.path and n.path.startswith(o.path) for o in found)]
    return render(request, "steering/levels.html", {"nodes": tops, "level_kinds": LEVEL_KINDS})


@require_GET
def matrix_page(request, node):
    if node.kind == Kind.LEGAL_ENTITY:  # the matrix of one establishment is its drill-down
        return redirect("steering:establishment", uuid=node.uuid)
    if not matrix.is_level(node):
        raise Http404
    user = request.user
    columns = matrix.indicators()
    visible = matrix.visible_establishments(user, node)
    levels = matrix.visible_levels(user)
    filters = MatrixFilter(request.GET or None, node=node, levels=levels)
    narrowed = filters.narrow(visible)
    rows = filters.order(narrowed).select_related("parent").only(*matrix.ROW_FIELDS)
    page = matrix.MatrixPaginator(rows, narrowed, PER_PAGE).get_page(request.GET.get("page"))
    sort = filters.sort_key
    headers = [(i, f"-{i.key}" if sort == i.key else i.key, sort.lstrip("-") == i.key) for i in columns]
    return render(request, "steering/matrix.html", {
        "node": node, "ancestors": _ancestors(levels, node), "filters": filters, "page_obj": page,
        "rows": matrix.rows(node, list(page.object_list), columns), "columns": columns, "headers": headers,
        "groups": matrix.column_groups(columns), "figures": matrix.level_figures(user, node, visible, levels, columns),
        "coverage_columns": matrix.coverage_columns(columns), "threshold": matrix.COVERAGE_THRESHOLD,
        "sort": sort, "may_export": can(user, "export", node),
    })


@get_or_post
def matrix_export(request, node):
    """GET: the export form, with the matrix's filters; POST: start the export job and follow it."""
    if node.kind == Kind.SITE:
        raise Http404
    levels = matrix.visible_levels(request.user)
    filters = MatrixFilter(request.GET or None, node=node, levels=levels)
    if request.method == "POST":
        if confirm := recent.confirm_first(request, back=request.get_full_path()):
            return confirm
        chosen = request.POST.get("format")
        if chosen in EXPORT_FORMATS and not (filters.is_bound and not filters.is_valid()):
            job = jobs.launch_matrix_export(request.user, node, request.GET, chosen)
            return redirect(job)
    return render(request, "steering/export.html", {
        "node": node, "ancestors": _ancestors(levels, node), "filters": filters,
        "formats": EXPORT_FORMATS, "query": request.GET.urlencode(),
        "count": filters.narrow(matrix.visible_establishments(request.user, node)).count(),
    })


MEANINGS = {
    State.HELD: _("The objective is held."),
    State.DUE: _("Held today, but it lapses or falls due within %(days)s days."),
    State.PARTIAL: _("Something is recorded, the objective is not reached yet (not late)."),
    State.LATE: _("Lapsed, broken or past its deadline."),
    State.NEVER: _("Nothing recorded yet."),
}


def _meaning(state: str) -> str:
    return str(MEANINGS[state]) % {"days": WARNING_DAYS}


@require_GET
def establishment(request, org):
    if org.kind != Kind.LEGAL_ENTITY:
        raise Http404
    columns = matrix.indicators()
    found = {s.key: s for s in Summary.objects.filter(organisation=org)}
    readings = []
    for indicator in columns:
        s = found.get(indicator.key)
        state = s.state if s is not None else State.NEVER
        readings.append({"indicator": indicator, "summary": s, "state": state, "label": State(state).label,
                         "text": matrix.value_text(indicator.kind, s.value, None) if s is not None else "",
                         "meaning": _meaning(state), "group": matrix.GROUPS.get(indicator.group, indicator.group)})
    computed = [s.computed_at for s in found.values()]
    return render(request, "steering/establishment.html", {
        "org": org, "readings": readings, "ancestors": _ancestors(matrix.visible_levels(request.user), org),
        "sites": org.children.filter(kind=Kind.SITE).order_by("name"),
        "nothing_recorded": all(r["state"] == State.NEVER for r in readings),
        "oldest": min(computed, default=None), "today": timezone.localdate(),
    })

