from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from vigie.accounts.scoping import scoped

from .models import Organisation
from .services import top_nodes, visible_organisations


@login_required
def organisation_list(request):
    return render(request, "organisations/list.html", {"tops": top_nodes(request.user)})


@login_required
def organisation_detail(request, uuid):
    org = get_object_or_404(scoped(Organisation.objects.all(), request.user, "view"), uuid=uuid)
    return render(request, "organisations/detail.html", {"org": org})


@login_required
def organisation_tree(request, uuid):
    """The subtree under a node, nested, from one query."""
    root = get_object_or_404(scoped(Organisation.objects.all(), request.user, "view"), uuid=uuid)
    nodes = list(visible_organisations(request.user).filter(path__startswith=root.path))
    children: dict[int | None, list[Organisation]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    return render(request, "organisations/tree.html", {"root": root, "children": children})
