"""Background jobs of the organisation tree: the XLSX export of a subtree (same columns as the import)."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from vigie.accounts.audit import record
from vigie.accounts.models import AuditEvent
from vigie.core.jobs import JobResult, handler
from vigie.core.scoping import can, scoped

from .imports import export_row, workbook_bytes

EXPORT = "organisations.export"


@handler(EXPORT)
def export_subtree(job, progress) -> JobResult:
    """The job's organisation and everything under it that the job's creator may export, parents first.

    The parent column of the top row names the node's own parent, so the file imports back under that
    parent (or, after deleting the rows, recreates them there).
    """
    root, user = job.organisation, job.created_by
    if user is None or not can(user, "export", root):  # roles may have changed since the job was queued
        raise PermissionDenied(gettext("The user who started this export may no longer export this organisation."))
    nodes = scoped(root.subtree(), user, "export").select_related("parent").order_by("path")
    total = nodes.count()
    rows = []
    # The top row names its parent only if the user may see it; otherwise it imports under the chosen node.
    root_parent = root.parent if root.parent_id and can(user, "view", root.parent) else None
    for index, org in enumerate(nodes.iterator(chunk_size=500), start=1):
        rows.append(export_row(org, root_parent if org.pk == root.pk else org.parent))
        if index % 500 == 0:
            progress(int(index * 90 / max(total, 1)), "")
    content = workbook_bytes(rows)
    record(AuditEvent.Action.EXPORT, obj=root, user=user, changes={"rows": len(rows), "format": "xlsx"},
           object_repr=root.name)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return JobResult(f"organisations-{slugify(root.name) or root.uuid}-{stamp}.xlsx", content)
