"""Fixtures for the API tests: personal tokens and a small JSON client."""

import json

import pytest


class ApiClient:
    """The Django test client speaking JSON with `Authorization: Bearer <token>`."""

    def __init__(self, client, raw_token: str | None):
        self.client = client
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_token}"} if raw_token else {}

    def call(self, method: str, url: str, body=None, **extra):
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(method, url, data, content_type="application/json", **self.headers, **extra)

    def get(self, url, params=None, **extra):
        return self.client.get(url, params or {}, **self.headers, **extra)

    def post(self, url, body=None, **extra):
        return self.call("POST", url, body if body is not None else {}, **extra)

    def patch(self, url, body, **extra):
        return self.call("PATCH", url, body, **extra)

    def delete(self, url, **extra):
        return self.call("DELETE", url, **extra)


@pytest.fixture
def as_user(client):
    """`as_user(user)`: an ApiClient authenticated with a fresh personal token of `user`."""
    from vigie.accounts.models import ApiToken

    def build(user):
        _token, raw = ApiToken.issue(user, "api tests")
        return ApiClient(client, raw)

    return build


@pytest.fixture
def alice(world, as_user):
    return as_user(world.alice)


@pytest.fixture
def ars(world, as_user):
    return as_user(world.ars_a)
