"""A page's declaration is its permission check: the object is fetched through scoped() before the view
runs (404 unseen, 403 seen but not allowed), lists get their scoped queryset, creates need a place to add
to, and a POST needs the action the route declares for it (405 on a read-only route)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from vigie.core.models import Job
from vigie.core.routing import guarded

pytestmark = pytest.mark.django_db


class Recorder:
    """A view that remembers what the declaration handed it."""

    def __init__(self):
        self.calls = []

    def __call__(self, request, *handed):
        self.calls.append(handed)
        return HttpResponse("ok")


def call(view, user, method="get", **kwargs):
    request = getattr(RequestFactory(), method)("/")
    request.user = user
    return view(request, **kwargs)


@pytest.fixture
def job(world):
    return Job.objects.create(kind="test", organisation=world.hospital_a)


def test_an_object_route_hands_the_view_the_object(world, job):
    view = Recorder()
    assert call(guarded(view, Job, "object", "view", ""), world.auditor_a, uuid=job.uuid).status_code == 200
    assert view.calls == [(job,)]


def test_an_object_the_user_cannot_see_is_not_found(world, job):
    view = Recorder()
    with pytest.raises(Http404):
        call(guarded(view, Job, "object", "view", ""), world.bob, uuid=job.uuid)
    assert view.calls == []


def test_an_object_the_user_sees_but_may_not_change_is_forbidden(world, job):
    view = Recorder()
    with pytest.raises(PermissionDenied):
        call(guarded(view, Job, "object", "change", "change"), world.auditor_a, uuid=job.uuid)
    assert call(guarded(view, Job, "object", "change", "change"), world.alice, uuid=job.uuid).status_code == 200
    assert view.calls == [(job,)]


def test_a_post_needs_the_declared_post_action(world, job):
    view = Recorder()
    read_only = guarded(view, Job, "object", "view", "")
    assert call(read_only, world.alice, "post", uuid=job.uuid).status_code == 405
    reads_then_writes = guarded(view, Job, "object", "view", "change")
    assert call(reads_then_writes, world.auditor_a, "get", uuid=job.uuid).status_code == 200
    with pytest.raises(PermissionDenied):
        call(reads_then_writes, world.auditor_a, "post", uuid=job.uuid)
    assert view.calls == [(job,)]


def test_a_list_route_hands_the_view_the_scoped_queryset(world, job):
    Job.objects.create(kind="test", organisation=world.hospital_b)
    view = Recorder()
    call(guarded(view, Job, "list", "view", ""), world.auditor_a)
    (objects,), = view.calls
    assert list(objects) == [job]


def test_a_create_route_needs_somewhere_to_add(world):
    view = Recorder()
    with pytest.raises(PermissionDenied):
        call(guarded(view, Job, "create", "change", "change"), world.auditor_a)
    assert call(guarded(view, Job, "create", "change", "change"), world.contributor_a).status_code == 200
    assert view.calls == [()]


def test_anonymous_visitors_are_sent_to_sign_in(job):
    from django.contrib.auth.models import AnonymousUser

    response = call(guarded(Recorder(), Job, "object", "view", ""), AnonymousUser(), uuid=job.uuid)
    assert response.status_code == 302
