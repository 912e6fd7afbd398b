"""`page()` declares a URL and, in the same line, what it serves and who may call it.

The declaration is both the registry entry the isolation test reads and the permission check: a route
names its model and action, and `page()` wraps the view so that, before the view runs,

- an `object` route fetches the object named by the URL's `uuid` through `scoped()` (404 when the user
  cannot see it, 403 when they see it but may not act) and hands it to the view: `view(request, obj)`;
- a `list` route hands the view the scoped queryset: `view(request, objects)`;
- a `create` route checks the user may act somewhere (403 otherwise): `view(request)`.

GET (and HEAD, OPTIONS) needs `action`; any other method needs `post`, which defaults to `action` for a
writing action and to nothing for a reading one ("view", "export"): a page that reads on GET and writes on
POST says so (`action="view", post="change"`), and a read-only route answers 405 to a POST before its view
runs. A `workflow` route finds its object with `action` whatever the method; a workflow service then
decides who acts. `exempt` routes (public, self-service, reference data) are not wrapped; both kinds of
exception say why in the registry (`reason`).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.urls import path

from .registry import registry
from .organisation_choice import organisations_for
from .scoping import scoped

READ_ACTIONS = frozenset({"view", "export"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def page(route: str, view, name: str, *, app: str, model: type | None, action: str, kind: str = "object",
         post: str | None = None, reason: str = "", workflow: bool = False):
    if (workflow or kind == "exempt") and not reason:
        raise ValueError(f"{app}:{name} is an exception to its declared action: say why (reason=)")
    if post is None:
        post = action if workflow or action not in READ_ACTIONS else ""
    registry.route(f"{app}:{name}", model, action, kind, reason, workflow, post=post)
    if kind != "exempt":
        view = guarded(view, model, kind, action, post)
    return path(route, view, name=name)


def needed_action(request, action: str, post: str) -> str:
    return action if request.method in SAFE_METHODS else post


def fetch(user, model, uuid, action: str):
    """The object if the user may `action` it; 403 if they may only see it; 404 if they cannot see it."""
    objects = model._default_manager.all()
    found = scoped(objects, user, action).filter(uuid=uuid).first()
    if found is not None:
        return found
    if action != "view" and scoped(objects, user, "view").filter(uuid=uuid).exists():
        raise PermissionDenied
    raise Http404


def may_act_somewhere(user, model, action: str) -> bool:
    return organisations_for(user, model, action).exists()


def guarded(view, model, kind: str, action: str, post: str):
    @wraps(view)
    def declared(request, uuid=None):
        needed = needed_action(request, action, post)
        if not needed:
            return HttpResponseNotAllowed(sorted(SAFE_METHODS - {"OPTIONS"}))
        if kind == "object":
            return view(request, fetch(request.user, model, uuid, needed))
        if kind == "list":
            return view(request, scoped(model._default_manager.all(), request.user, needed))
        if kind == "create" and not may_act_somewhere(request.user, model, needed):
            raise PermissionDenied
        return view(request)

    return login_required(declared)
