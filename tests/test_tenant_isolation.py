"""Tenant isolation (STYLE.md §5.2): one test that covers every route, present and future, with no edits.

Routes are discovered, not listed: the URL resolver is walked recursively (pages and the ninja API's
patterns alike), and the API's OpenAPI schema is read for every operation and its HTTP method. Each route
must be declared in `vigie.core.registry.registry.routes` (by `page()` for pages, by `operation()` for the
API) with the model its `uuid` names and the action it performs, or be exempt with a reason. Then, with
the `world` of tests/conftest.py and one object per side from tests/factories.py:

- alice (ADMIN on hospital A) and ars_a (READER on region A) get 404 (or 403, or 405 where the route does
  not take the method) for B's objects, with none of B's identifiers in the body, and nothing changes in the
  database (a snapshot of every tenant table is compared before and after each write attempt);
- list pages and API lists answer 200 without any of B's identifiers; API creates that name B's nodes are
  refused and write nothing;
- the positive control: the same routes with A's objects answer 2xx/3xx for alice (API reads return the
  object), so a route cannot pass by being broken; ars_a may read A's objects exactly where `scoped()` says;
- a reader may not write: every page POST and every API write, by ars_a (reader on region A) and auditor_a
  (reader on hospital A) with A's objects, is refused and changes nothing, unless the route's declaration
  lets readers do it (an export job, an observation) or it is a workflow route (proven apart) or exempt.
"""

import html
import json
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.conftest import login
from tests.factories import MissingFactory, create_payload, identifiers, make, patch_payload
from vigie.api import api
from vigie.core.registry import registry

KINDS = ("object", "list", "create", "exempt")
REFUSED = (403, 404, 405)
API_NAMESPACE = "api"


# --- discovery ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    name: str  # "namespace:name", as reverse() and the registry spell it
    route: str
    kwargs: frozenset


def walk(patterns, namespace: str = "", prefix: str = "", kwargs: frozenset = frozenset()):
    """Every URL pattern under `patterns`, with its full name, route and URL keyword arguments."""
    for entry in patterns:
        here = prefix + str(entry.pattern)
        names = kwargs | frozenset(entry.pattern.converters)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (entry.namespace or namespace)
            yield from walk(entry.url_patterns, inner or "", here, names)
        elif isinstance(entry, URLPattern):
            full = (f"{namespace}:{entry.name}" if namespace else entry.name) if entry.name else ""
            yield Found(full, here, names)


FOUND = list(walk(get_resolver().url_patterns))
ROUTES = {f.name: f for f in FOUND if f.name}
UNNAMED = [f.route for f in FOUND if not f.name]
SCHEMA = api.get_openapi_schema()
OPERATIONS = {
    op["operationId"]: (method.upper(), path)
    for path, methods in SCHEMA["paths"].items()
    for method, op in methods.items()
}


def declared(name):
    return registry.routes.get(name)


def is_api(name: str) -> bool:
    return name.startswith(API_NAMESPACE + ":")


def routes_of(*kinds):
    return sorted(n for n in ROUTES if (r := declared(n)) is not None and r.kind in kinds)


OBJECT_ROUTES = routes_of("object")
LIST_ROUTES = routes_of("list")
PAGE_CREATE_ROUTES = [n for n in routes_of("create") if not is_api(n)]
API_CREATE_ROUTES = [n for n in routes_of("create") if is_api(n)]
ROUTED_MODELS = sorted({r.model for r in registry.routes.values() if r.model is not None}, key=lambda m: m._meta.label)


def test_every_url_pattern_has_a_name():
    assert not UNNAMED, f"URL patterns without a name escape the registry: {UNNAMED}"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_is_declared(name):
    route = declared(name)
    assert route is not None, (
        f"route {name} ({ROUTES[name].route}) is not in the registry: declare it with page()/operation() "
        f"and its model and action, or as exempt with a reason"
    )
    assert route.kind in KINDS, f"route {name} has unknown kind {route.kind!r}"
    kwargs = ROUTES[name].kwargs
    if route.kind == "exempt":
        assert route.reason, f"exempt route {name} gives no reason"
        return
    assert route.model is not None and route.action, f"route {name} names no model or action"
    if route.kind == "object":
        assert kwargs == {"uuid"}, (
            f"object route {name} must take exactly one URL argument, `uuid`, naming a {route.model.__name__}; "
            f"it takes {sorted(kwargs)}"
        )
    else:
        assert not kwargs, f"{route.kind} route {name} takes URL arguments {sorted(kwargs)}: declare it as object"


def test_registry_has_no_stale_entries():
    stale = sorted(set(registry.routes) - set(ROUTES))
    assert not stale, f"registered routes that no longer resolve (remove them from the registry): {stale}"


@pytest.mark.parametrize("operation_id", sorted(OPERATIONS))
def test_api_operation_is_declared(operation_id):
    name = f"{API_NAMESPACE}:{operation_id}"
    method, path = OPERATIONS[operation_id]
    assert declared(name) is not None, f"API operation {method} {path} ({operation_id}) is not in the registry"
    assert name in ROUTES, (
        f"API operation {method} {path}: its operation id {operation_id} is not its URL name; "
        f"give it url_name={operation_id!r} (core.api.operation() does)"
    )


def test_every_api_url_is_an_operation():
    documented = {f"{API_NAMESPACE}:{op}" for op in OPERATIONS}
    exempt = {n for n in ROUTES if is_api(n) and declared(n) is not None and declared(n).kind == "exempt"}
    hidden = sorted(n for n in ROUTES if is_api(n) and n not in documented and n not in exempt)
    assert not hidden, f"API URLs with no documented operation of the same name: {hidden}"


@pytest.mark.parametrize("model", ROUTED_MODELS, ids=lambda m: m._meta.label)
def test_routed_model_has_a_factory(model, tenants):
    objects, _secrets = tenants
    if model not in objects:  # build_tenants() met MissingFactory: make it again to name the model
        with pytest.raises(MissingFactory) as exc:
            make(model, None, "a")
        pytest.fail(str(exc.value))
    a, b = objects[model]["a"], objects[model]["b"]
    assert a.pk != b.pk
    assert not set(identifiers(a)) & set(identifiers(b)), f"{model._meta.label}: A and B objects look alike"


# --- requests and checks -----------------------------------------------------------------------------------


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", "replace")
    if "json" in response.get("Content-Type", ""):
        try:
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return html.unescape(text)


def job_output(response) -> str | None:
    """A route starting an export job answers the job (a redirect to its page, or 202 with it, from the API):
    the job is run as the worker would and the file it wrote is what the isolation checks read."""
    from vigie.core import jobs
    from vigie.core.models import Job

    if response.status_code == 202:
        uuid = response.json()["uuid"]
    elif response.status_code == 302 and resolve(response["Location"]).view_name == "core:job_detail":
        uuid = resolve(response["Location"]).kwargs["uuid"]
    else:
        return None
    jobs.run(str(uuid))
    job = Job.objects.get(uuid=uuid)
    assert job.status == Job.Status.DONE, f"the job of {response.request['PATH_INFO']} failed: {job.message}"
    return jobs.result_path(job).read_bytes().decode("utf-8", "replace")


def assert_no_leak(response, secrets: list[str], what: str, text: str | None = None):
    text = body_text(response) if text is None else text
    leaked = sorted({s for s in secrets if s in text})
    assert not leaked, f"{what}: the response (HTTP {response.status_code}) shows B's {leaked}"


SNAPSHOT_SKIP = {"last_login", "last_used_at", "last_t", "drift", "throttling_failure_timestamp",
                 "throttling_failure_count", "last_generated_timestamp"}


def snapshot_models():
    """Every table a route could write to: Vigie's and the second-factor devices'. The audit log is
    append-only and checked apart (no creation, change or deletion may be recorded)."""
    return [
        m for m in apps.get_models()
        if (m.__module__.startswith("vigie.") or m._meta.app_label in ("otp_totp", "otp_static"))
        and m._meta.label != "accounts.AuditEvent"
    ]


_SNAPSHOT_SQL: dict = {}


def snapshot_sql(model) -> str:
    """SELECT of the model's columns but SNAPSHOT_SKIP's, by primary key; raw SQL, written once per model,
    because the ORM's compilation of some hundred queries per write attempt dominated the module's time."""
    from django.db import connection

    if model not in _SNAPSHOT_SQL:
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields if f.attname not in SNAPSHOT_SKIP)
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        _SNAPSHOT_SQL[model] = f"SELECT {columns} FROM {table} ORDER BY {pk}"
    return _SNAPSHOT_SQL[model]


def snapshot() -> dict:
    from django.db import connection

    from vigie.accounts.models import AuditEvent

    tables = {}
    with connection.cursor() as cursor:
        for model in snapshot_models():
            cursor.execute(snapshot_sql(model))
            tables[model._meta.label] = cursor.fetchall()
    writes = AuditEvent.objects.filter(action__in=["create", "change", "delete"]).count()
    tables["accounts.AuditEvent (writes)"] = writes
    return tables


def assert_unchanged(before: dict, what: str):
    after = snapshot()
    changed = sorted(label for label in before if before[label] != after[label])
    assert not changed, f"{what}: changed {changed}"


class Caller:
    """One persona, signed in both ways: the browser session for pages, a personal token for the API."""

    def __init__(self, client, user):
        from vigie.accounts.models import ApiToken

        self.user = user
        self.client = login(client, user)
        _token, self.raw = ApiToken.issue(user, "isolation test")

    def request(self, name: str, method: str, url: str, *, body=None, htmx: bool = False):
        if is_api(name):
            headers = {"HTTP_AUTHORIZATION": f"Bearer {self.raw}"}
            data = json.dumps(body if body is not None else {}) if method in ("POST", "PUT", "PATCH") else ""
            return self.client.generic(method, url, data, content_type="application/json", **headers)
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        if method == "POST":
            return self.client.post(url, body or {}, **headers)
        return self.client.generic(method, url, **headers)


def methods_of(name: str) -> list[str]:
    """The API operation's one method; for pages, GET and POST (a GET-only view must still 404 a POST)."""
    if is_api(name):
        return [OPERATIONS[name.split(":", 1)[1]][0]]
    return ["GET", "POST"]


def body_for(name: str, model, method: str):
    return patch_payload(model) if is_api(name) and method in ("PATCH", "PUT") else None


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    """The world and the tenants, built once for the module inside a transaction rolled back at its end.
    Each test runs in a savepoint of it (pytest-django's `db`), so what a test writes is undone after it."""
    from django.db import transaction

    from tests.conftest import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        yield world, build_tenants(world)
        transaction.set_rollback(True)


@pytest.fixture
def world(shared, db):
    return shared[0]


@pytest.fixture
def tenants(shared, db):
    return shared[1]


def build_tenants(world):
    """An A and a B object for every routed model, and every identifier of B's side."""
    objects = {}
    for model in ROUTED_MODELS:
        try:
            objects[model] = {side: make(model, world, side) for side in ("a", "b")}
        except MissingFactory:
            pass  # test_routed_model_has_a_factory names it; routes of that model fail below
    secrets = [s for side in objects.values() for s in identifiers(side["b"])]
    for node in (world.region_b, world.ght_b, world.hospital_b, world.site_b, world.bob):
        secrets += identifiers(node)
    return objects, sorted(set(secrets))


def objects_for(tenants, route):
    objects, secrets = tenants
    if route.model not in objects:
        make(route.model, None, "a")  # raises MissingFactory naming the model
    return objects[route.model]["a"], objects[route.model]["b"], secrets


def permitted(user, action: str, obj) -> bool | None:
    """What scoped() says about this user, action and object; None when the model cannot say."""
    from vigie.core.scoping import scoped

    try:
        return scoped(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()
    except (AttributeError, TypeError):
        return None


def check_refused(caller, name, route, target, secrets, who):
    url = reverse(name, kwargs={"uuid": target.uuid})
    for method in methods_of(name):
        variants = [False, True] if method == "GET" and not is_api(name) else [False]
        for htmx in variants:
            what = f"{name} {method} {url} as {who} with B's {route.model.__name__}" + (" (htmx)" if htmx else "")
            before = snapshot() if method != "GET" else None
            response = caller.request(name, method, url, body=body_for(name, route.model, method), htmx=htmx)
            assert response.status_code in REFUSED, f"{what}: HTTP {response.status_code}, expected 404"
            assert_no_leak(response, secrets, what)
            if before is not None:
                assert_unchanged(before, what)


# --- isolation: object routes --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_object_route_hides_b_from_alice(name, client, world, tenants):
    route = declared(name)
    _a, b, secrets = objects_for(tenants, route)
    check_refused(Caller(client, world.alice), name, route, b, secrets, "alice")


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_object_route_hides_b_from_region_a_reader(name, client, world, tenants):
    route = declared(name)
    _a, b, secrets = objects_for(tenants, route)
    check_refused(Caller(client, world.ars_a), name, route, b, secrets, "ars_a")


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_object_route_serves_a_to_alice(name, client, world, tenants):
    """Positive control: with A's object, the route works for its administrator."""
    route = declared(name)
    a, _b, _secrets = objects_for(tenants, route)
    caller = Caller(client, world.alice)
    url = reverse(name, kwargs={"uuid": a.uuid})
    for method in methods_of(name):
        response = caller.request(name, method, url, body=body_for(name, route.model, method))
        what = f"{name} {method} {url} as alice with A's {route.model.__name__}: HTTP {response.status_code}"
        if method == "GET" and is_api(name):
            assert response.status_code == 200, what
            assert str(a.uuid) in body_text(response), f"{what}, the object is not in the answer"
        elif method == "GET":
            if response.status_code != 405:
                assert 200 <= response.status_code < 400, what
                break  # the page works; its POST, if any, is a form submission with no data to send
            # a POST-only route: the POST below must find the object
        else:
            assert response.status_code not in (404, 405) and response.status_code < 500, what


@pytest.mark.parametrize("name", OBJECT_ROUTES)
def test_object_route_lets_region_a_reader_read_a_where_scoped_allows(name, client, world, tenants):
    route = declared(name)
    a, _b, _secrets = objects_for(tenants, route)
    allowed = permitted(world.ars_a, route.action, a)
    caller = Caller(client, world.ars_a)
    url = reverse(name, kwargs={"uuid": a.uuid})
    for method in methods_of(name):
        what = f"{name} {method} {url} as ars_a with A's {route.model.__name__} (scoped() says {allowed})"
        if method == "GET":
            response = caller.request(name, method, url)
            if allowed is None or response.status_code == 405:
                continue
            if allowed:
                assert 200 <= response.status_code < 400, f"{what}: HTTP {response.status_code}"
            else:
                assert response.status_code in REFUSED, f"{what}: HTTP {response.status_code}"
        elif allowed is False:
            before = snapshot()
            response = caller.request(name, method, url, body=body_for(name, route.model, method))
            assert response.status_code in REFUSED, f"{what}: HTTP {response.status_code}"
            assert_unchanged(before, what)


# --- isolation: lists and creation --------------------------------------------------------------------------


@pytest.mark.parametrize("name", LIST_ROUTES + PAGE_CREATE_ROUTES)
@pytest.mark.parametrize("who", ["alice", "ars_a"])
def test_list_route_shows_nothing_of_b(name, who, client, world, tenants):
    objects, secrets = tenants
    route = declared(name)
    caller = Caller(client, getattr(world, who))
    url = reverse(name)
    response = caller.request(name, "GET", url)
    what = f"{name} GET {url} as {who}"
    exported = job_output(response)
    answered = response.status_code if exported is None else 200  # the job ran and wrote its file
    if who == "ars_a":  # a reader may be refused a page meant for managers or administrators
        assert answered in (200, 403), f"{what}: HTTP {response.status_code}"
    else:
        assert answered == 200, f"{what}: HTTP {response.status_code}"
    assert_no_leak(response, secrets, what, exported)
    if is_api(name) and who == "alice" and route.model in objects:
        mine = objects[route.model]["a"]
        shown = body_text(response) if exported is None else exported
        assert str(mine.uuid) in shown, f"{what}: A's {route.model.__name__} is missing"


@pytest.mark.parametrize("name", API_CREATE_ROUTES)
@pytest.mark.parametrize("who", ["alice", "ars_a"])
def test_api_create_refuses_b_nodes(name, who, client, world, tenants):
    _objects, secrets = tenants
    route = declared(name)
    payload = create_payload(route.model, world, "b")
    caller = Caller(client, getattr(world, who))
    url = reverse(name)
    what = f"{name} POST {url} as {who} naming B's nodes"
    before = snapshot()
    response = caller.request(name, "POST", url, body=payload)
    assert response.status_code in (403, 404, 422), f"{what}: HTTP {response.status_code}"
    assert_no_leak(response, secrets, what)
    assert_unchanged(before, what)


@pytest.mark.parametrize("name", API_CREATE_ROUTES)
def test_api_create_works_for_alice_in_a(name, client, world, tenants):
    """Positive control: the same body with A's nodes creates the object."""
    route = declared(name)
    caller = Caller(client, world.alice)
    response = caller.request(name, "POST", reverse(name), body=create_payload(route.model, world, "a"))
    assert response.status_code in (200, 201), f"{name}: HTTP {response.status_code} {body_text(response)}"
    assert route.model._default_manager.filter(uuid=response.json()["uuid"]).exists()


EXEMPT_PLAIN_ROUTES = [n for n in routes_of("exempt") if not ROUTES[n].kwargs]


@pytest.mark.parametrize("name", EXEMPT_PLAIN_ROUTES)
@pytest.mark.parametrize("who", ["alice", "ars_a"])
def test_exempt_route_shows_nothing_of_b(name, who, client, world, tenants):
    """Exempt routes (home, profile, docs…) are built from the caller's own data: none of B's shows."""
    _objects, secrets = tenants
    caller = Caller(client, getattr(world, who))
    url = reverse(name)
    response = caller.request(name, "GET", url)
    assert response.status_code < 500, f"{name} GET {url} as {who}: HTTP {response.status_code}"
    assert_no_leak(response, secrets, f"{name} GET {url} as {who}")


# --- workflow routes and the ARS referent ----------------------------------------------------------------------
#
# A workflow route finds its object with "view" and lets a workflow service decide who acts (registry
# `workflow=True`): the funding declarations' steps, returns and comments. Reading is not acting: a reader who
# sees A's dossier is refused (403), and the ARS referent of one region cannot reach another region's dossier.

WORKFLOW_ROUTES = sorted(n for n in OBJECT_ROUTES if declared(n).workflow)
WRITE_ROUTES = sorted(n for n in OBJECT_ROUTES if declared(n).action not in ("view", "export"))


def workflow_method(name: str) -> str:
    return OPERATIONS[name.split(":", 1)[1]][0] if is_api(name) else "POST"


def workflow_body(name: str) -> dict:
    return {"comment": "Validé par quelqu'un qui ne le peut pas"} | ({} if is_api(name) else {"step": "validate"})


def referent(world, region):
    from tests.conftest import make_user
    from vigie.core.roles import Role

    return make_user(f"referent_{region.code}", (region, Role.ARS_REFERENT))


def test_workflow_pages_say_why():
    silent = sorted(n for n in WORKFLOW_ROUTES if not is_api(n) and not declared(n).reason)
    assert not silent, f"workflow page routes that do not say why they are an exception: {silent}"


def test_there_are_workflow_routes():
    assert {"compliance:declaration_transition", "compliance:declaration_comment",
            "api:compliance_declaration_return"} <= set(WORKFLOW_ROUTES)


@pytest.mark.parametrize("name", WORKFLOW_ROUTES)
def test_workflow_route_refuses_a_reader_who_sees_the_object(name, client, world, tenants):
    route = declared(name)
    a, _b, secrets = objects_for(tenants, route)
    assert permitted(world.ars_a, "view", a), f"{name}: the region A reader should see A's object"
    url = reverse(name, kwargs={"uuid": a.uuid})
    what = f"{name} {workflow_method(name)} {url} as ars_a (reader) with A's {route.model.__name__}"
    caller = Caller(client, world.ars_a)
    before = snapshot()
    response = caller.request(name, workflow_method(name), url, body=workflow_body(name))
    assert response.status_code == 403, f"{what}: HTTP {response.status_code}"
    assert_unchanged(before, what)


@pytest.mark.parametrize("name", WORKFLOW_ROUTES)
def test_workflow_route_hides_b_from_the_referent_of_region_a(name, client, world, tenants):
    route = declared(name)
    _a, b, secrets = objects_for(tenants, route)
    check_refused(Caller(client, referent(world, world.region_a)), name, route, b, secrets, "referent of region A")


@pytest.mark.parametrize("name", WORKFLOW_ROUTES)
def test_workflow_route_lets_the_referent_of_region_a_act_on_a(name, client, world, tenants):
    """Positive control: the region's referent reaches A's dossier (the service may still refuse a step of
    the establishment's side with 403, or say the step is not the dossier's next one)."""
    route = declared(name)
    a, _b, _secrets = objects_for(tenants, route)
    url = reverse(name, kwargs={"uuid": a.uuid})
    response = Caller(client, referent(world, world.region_a)).request(
        name, workflow_method(name), url, body=workflow_body(name))
    assert response.status_code not in (404, 405) and response.status_code < 500, f"{name}: HTTP {response.status_code}"


@pytest.mark.parametrize("name", WRITE_ROUTES)
def test_the_ars_referent_changes_nothing_of_the_establishments(name, client, world, tenants):
    route = declared(name)
    a, _b, _secrets = objects_for(tenants, route)
    caller = Caller(client, referent(world, world.region_a))
    url = reverse(name, kwargs={"uuid": a.uuid})
    for method in methods_of(name):
        if method == "GET":
            continue
        what = f"{name} {method} {url} as the referent of region A with A's {route.model.__name__}"
        before = snapshot()
        response = caller.request(name, method, url, body=body_for(name, route.model, method))
        assert response.status_code in REFUSED, f"{what}: HTTP {response.status_code}"
        assert_unchanged(before, what)


@pytest.mark.parametrize("name", API_CREATE_ROUTES)
def test_the_ars_referent_creates_nothing_in_a(name, client, world, tenants):
    route = declared(name)
    caller = Caller(client, referent(world, world.region_a))
    payload = create_payload(route.model, world, "a")
    what = f"{name} POST as the referent of region A naming A's nodes"
    before = snapshot()
    response = caller.request(name, "POST", reverse(name), body=payload)
    assert response.status_code in (403, 404, 422), f"{what}: HTTP {response.status_code}"
    assert_unchanged(before, what)


# --- a reader may not write ------------------------------------------------------------------------------------
#
# The permission a route declares is the one its declaration checks (core.routing.page, core.api.operation): a
# page's POST needs the route's `post` action ("" refuses it), an API write its operation's action. So every
# write attempt by a user who may only read A's objects must be refused before anything changes.

READERS = ("ars_a", "auditor_a")


def write_method(name: str) -> str:
    return OPERATIONS[name.split(":", 1)[1]][0] if is_api(name) else "POST"


def write_action(name: str, route) -> str:
    return route.action if is_api(name) else route.post


WRITE_ROUTES_ALL = sorted(
    n for n in ROUTES
    if (r := declared(n)) is not None and r.kind != "exempt" and not r.workflow and write_method(n) != "GET"
)


def test_every_page_declares_its_post():
    """A page route that reads on GET but takes a POST says which action the POST needs; no page route
    lets a POST through with a reading action."""
    loose = sorted(n for n in ROUTES if not is_api(n) and (r := declared(n)) is not None and r.kind != "exempt"
                   and not r.workflow and r.post == "view")
    assert not loose, f"page routes whose POST needs only 'view': {loose}"


@pytest.mark.parametrize("name", WRITE_ROUTES_ALL)
@pytest.mark.parametrize("who", READERS)
def test_a_reader_may_not_write(name, who, client, world, tenants):
    route = declared(name)
    a, _b, secrets = objects_for(tenants, route)
    reader = getattr(world, who)
    method = write_method(name)
    url = reverse(name, kwargs={"uuid": a.uuid}) if route.kind == "object" else reverse(name)
    body = (create_payload(route.model, world, "a") if is_api(name) and route.kind == "create"
            else body_for(name, route.model, method))
    action = write_action(name, route)
    what = f"{name} {method} {url} as {who} (reader) with A's {route.model.__name__}, declared {action!r}"
    caller = Caller(client, reader)
    before = snapshot()
    response = caller.request(name, method, url, body=body)
    if action and permitted(reader, action, a):  # the declaration lets readers do it: an export, an observation
        assert response.status_code < 500, f"{what}: HTTP {response.status_code}"
        return
    assert response.status_code in REFUSED, f"{what}: HTTP {response.status_code}"
    assert_no_leak(response, secrets, what)
    assert_unchanged(before, what)
