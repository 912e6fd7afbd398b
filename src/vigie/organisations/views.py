"""Pages of the organisation tree. Each route's declaration fetches the node through scoped(); the view
validates a form and calls services.

Objects the user cannot see answer 404, those they see but may not act on 403. Writes happen on POST
only; a GET on a write route shows its form or a confirmation page. Custom rather than core.generic: the
tree's writes are services (moves, role grants, imports) and its pages carry the node's breadcrumb.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vigie.accounts.services import grant_role, revoke_role
from vigie.core import recent
from vigie.core.generic import get_or_post
from vigie.core.paging import page_of
from vigie.core.scoping import can, highest_role

from . import services
from .forms import ContactForm, GrantForm, ImportForm, OrganisationCreateForm, OrganisationEditForm
from .imports import COLUMNS, template_csv, template_xlsx
from .models import Contact, Kind, LegalStatus, Organisation

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TREE_PER_PAGE = 100


def _node_context(request, org: Organisation, **extra) -> dict:
    return {"org": org, "ancestors": services.visible_ancestors(request.user, org), **extra}


@require_GET
def organisation_list(request, _organisations):
    query = request.GET.get("q", "").strip()
    context = {"query": query}
    if query:
        context["results"] = services.search(request.user, query)
        context["limit"] = services.SEARCH_LIMIT
    else:
        # A page of the tree at a time: the national tree has thousands of nodes (seconds to render whole).
        page = page_of(request, services.visible_tree_nodes(request.user), per_page=TREE_PER_PAGE)
        context.update(page_obj=page, branches=services.nest(page.object_list))
    return render(request, "organisations/list.html", context)


@require_GET
def organisation_detail(request, org):
    perms = services.permissions(request.user, org)
    status = org.effective_legal_status()
    context = _node_context(
        request, org,
        perms_org=perms,  # not "perms": the auth context processor uses that name
        legal_status=LegalStatus(status).label if status else "",
        legal_status_inherited=bool(status) and not org.legal_status,
        children=org.children.all(),
        contacts=Contact.objects.filter(organisation=org),
        shares=services.share_summary(org),
        child_kinds=[(k, Kind(k).label) for k in services.child_kinds(org)],
        members=services.members_summary(org, request.user) if perms["view_members"] else None,
    )
    return render(request, "organisations/detail.html", context)


@require_GET
def organisation_tree(request, root):
    """The subtree under a node, nested, from one query (an HTMX fragment, used by the home page)."""
    branches = services.visible_tree(request.user, root)
    return render(request, "organisations/tree.html", {"root": root, "branches": branches})


@get_or_post
def organisation_create(request, parent):
    if not services.child_kinds(parent):
        messages.error(request, _("Nothing can be created under a site."))
        return redirect(parent)
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") else None
    form = OrganisationCreateForm(request.POST or None, parent=parent, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_organisation(form, request.user)
        except services.OutOfScope:
            raise Http404 from None
        messages.success(request, _("%(name)s was created.") % {"name": org.name})
        return redirect(org)
    return render(request, "organisations/form.html", _node_context(request, parent, form=form, creating=True))


@get_or_post
def organisation_edit(request, org):
    form = OrganisationEditForm(request.POST or None, instance=org, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.update_organisation(form, request.user)
        except services.OutOfScope:
            raise Http404 from None
        messages.success(request, _("%(name)s was saved.") % {"name": org.name})
        return redirect(org)
    return render(request, "organisations/form.html", _node_context(request, org, form=form, creating=False))


@get_or_post
def organisation_delete(request, org):
    problems = []
    if request.method == "POST":
        try:
            services.delete_organisation(org)
        except services.Refused as exc:
            problems = exc.messages
        else:
            messages.success(request, _("%(name)s was deleted.") % {"name": org.name})
            parent = org.parent
            if parent is not None and can(request.user, "view", parent):
                return redirect(parent)
            return redirect("organisations:list")
    return render(request, "organisations/delete.html", _node_context(request, org, problems=problems))


@get_or_post
def contact_add(request, org):
    if not services.permissions(request.user, org)["contact_add"]:
        raise Http404
    form = ContactForm(request.POST or None, instance=Contact(organisation=org))
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, _("Contact %(name)s was added.") % {"name": contact.name})
        return redirect(org)
    return render(request, "organisations/contact_form.html", _node_context(request, org, form=form))


@get_or_post
def contact_edit(request, contact):
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Contact %(name)s was saved.") % {"name": contact.name})
        return redirect(contact.organisation)
    return render(request, "organisations/contact_form.html",
                  _node_context(request, contact.organisation, form=form, contact=contact))


@get_or_post
def contact_delete(request, contact):
    if request.method == "POST":
        contact.delete()
        messages.success(request, _("Contact %(name)s was deleted.") % {"name": contact.name})
        return redirect(contact.organisation)
    return render(request, "organisations/contact_delete.html",
                  _node_context(request, contact.organisation, contact=contact))


@get_or_post
def members(request, org):
    if request.method == "POST" and (confirm := recent.confirm_first(request)):
        return confirm
    own = highest_role(request.user, org)
    form = GrantForm(request.POST or None, granter_role=own)
    if request.method == "POST" and form.is_valid():
        try:
            assignment, created = grant_role(
                request.user, org, form.cleaned_data["username"], form.cleaned_data["role"]
            )
        except services.Refused as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            text = _("%(username)s is now %(role)s on %(name)s.") if created else _(
                "%(username)s's role on %(name)s is now %(role)s.")
            messages.success(request, text % {
                "username": assignment.user.username, "role": assignment.get_role_display(), "name": org.name})
            return redirect("organisations:members", uuid=org.uuid)
    assignments = services.role_assignments(org, request.user)
    return render(request, "organisations/members.html",
                  _node_context(request, org, form=form, assignments=assignments, own_role=own))


@get_or_post
def member_revoke(request, assignment):
    org = assignment.organisation
    problems = []
    if request.method == "POST" and (confirm := recent.confirm_first(request)):
        return confirm
    if request.method == "POST":
        try:
            revoke_role(request.user, assignment)
        except services.Refused as exc:
            problems = exc.messages
        else:
            messages.success(request, _("The role of %(username)s on %(name)s was revoked.") % {
                "username": assignment.user.username, "name": org.name})
            if can(request.user, "manage_members", org):
                return redirect("organisations:members", uuid=org.uuid)
            return redirect("steering:home")
    return render(request, "organisations/member_revoke.html",
                  _node_context(request, org, assignment=assignment, problems=problems))


@get_or_post
def organisation_import(request, root):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.import_into(request.user, root, form.cleaned_data["file"])
        if report.ok:
            counts = ", ".join(f"{Kind(kind).label}: {n}" for kind, n in report.counts.items())
            messages.success(request, _("%(count)s organisation(s) imported under %(name)s (%(counts)s).") % {
                "count": report.created, "name": root.name, "counts": counts})
            return redirect(root)
    return render(request, "organisations/import.html",
                  _node_context(request, root, form=form, report=report, columns=COLUMNS))


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def import_template_csv(request):
    return _attachment(template_csv(), "text/csv; charset=utf-8", "vigie-organisations-template.csv")


@login_required
@require_GET
def import_template_xlsx(request):
    return _attachment(template_xlsx(), XLSX_TYPE, "vigie-organisations-template.xlsx")


@get_or_post
def organisation_export(request, org):
    if request.method == "POST" and (confirm := recent.confirm_first(request)):
        return confirm
    if request.method == "POST":
        job = services.launch_export(request.user, org)
        return redirect(job)
    return render(request, "organisations/export.html", _node_context(request, org))
