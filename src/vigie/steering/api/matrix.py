"""The steering API: the matrix rows of a node, with the same filter as the page and its export."""

from django.http import QueryDict
from ninja import Query
from ninja.errors import HttpError

from vigie.core.api import operation
from vigie.core.schemas import Message
from vigie.organisations.models import Kind, Organisation

from .. import matrix
from ..filters import MatrixFilter
from . import router
from .schemas import MatrixPageOut, MatrixQuery

PER_PAGE = 50

def _query(filters: MatrixQuery) -> QueryDict:
    data = QueryDict(mutable=True)
    for name in ("q", "within", "sort"):
        if getattr(filters, name):
            data[name] = str(getattr(filters, name))
    data.setlist("state", filters.state)
    return data


def _row(row: matrix.Row) -> dict:
    org = row.establishment
    return {
        "uuid": org.uuid, "name": org.name, "finess": org.finess, "under": row.under.name if row.under else None,
        "late": row.late, "nothing_recorded": row.nothing_recorded,
        "readings": [{"key": c.indicator.key, "state": c.state, "value": c.value, "on": c.on, "due": c.due,
                      "url": c.url, "computed_at": c.computed_at} for c in row.cells],
    }


@operation(router, "GET", "/{uuid:uuid}/matrix", "steering_matrix", Organisation, "view",
           queryset=Organisation.objects.exclude(kind=Kind.SITE),  # a site has no establishment under it: 404
           response={200: MatrixPageOut, 404: Message, 422: Message})
def steering_matrix(request, node, filters: Query[MatrixQuery]):
    """The establishments under a GHT, a region or the national node (an establishment: itself) that the
    caller may see, each with its reading of every indicator; filtered and sorted as on the matrix page,
    50 a page."""
    # Custom: rows computed from the precomputed summaries, paged by establishment.
    form = MatrixFilter(_query(filters) or None, node=node, levels=matrix.visible_levels(request.auth))
    if form.is_bound and not form.is_valid():
        raise HttpError(422, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
    visible = matrix.visible_establishments(request.auth, node)
    narrowed = form.narrow(visible)
    rows = form.order(narrowed).select_related("parent").only(*matrix.ROW_FIELDS)
    page = matrix.MatrixPaginator(rows, narrowed, PER_PAGE).get_page(filters.page)
    return {"count": page.paginator.count, "page": page.number, "pages": page.paginator.num_pages,
            "items": [_row(r) for r in matrix.rows(node, list(page.object_list), matrix.indicators())]}
