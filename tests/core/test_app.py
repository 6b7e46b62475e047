"""The HTTP endpoint: POST only, GraphiQL, introspection, hints, masking."""

import logging

import pytest

from core.schema.domains import queries
from tests.conftest import with_config
from tests.graphql_client import GraphQLClient

INTROSPECTION = "query { __schema { queryType { name } } }"
TYPE_LOOKUP = 'query { __type(name: "Domain") { name } }'
TYPO = "query { domainz { totalCount } }"
ENUM_TYPO = "query { domains(orderBy: {field: NAMEE}) { totalCount } }"
LOGIN = """
mutation Login($input: LoginInput!) { login(input: $input) { token } }
"""
DOMAINS = "query { domains { totalCount } }"


def _messages(body: dict) -> list[str]:
    return [error["message"] for error in body.get("errors", [])]


class TestTransport:
    def test_get_queries_are_refused(self, client):
        response = client.http.get("/graphql", params={"query": "{ me { name } }"})

        assert response.status_code == 400

    def test_get_mutations_are_refused(self, client):
        query = 'mutation { login(input: {username: "a", password: "b"}) { token } }'

        response = client.http.get("/graphql", params={"query": query})

        assert response.status_code == 400

    def test_batched_requests_are_refused(self, client):
        response = client.http.post("/graphql", json=[{"query": "{ me { name } }"}])

        assert response.status_code == 400

    def test_oversized_bodies_are_refused(self, client):
        response = client.http.post(
            "/graphql",
            content=b" " * (3 * 1024 * 1024),
            headers={"content-type": "application/json"},
        )

        assert response.status_code == 413

    def test_graphiql_page_is_served_by_default(self, client):
        response = client.http.get("/graphql", headers={"accept": "text/html"})

        assert response.status_code == 200
        assert "graphiql" in response.text.lower()


class TestGraphiqlOff:
    @pytest.fixture
    def config(self, config):
        return with_config(config, graphiql=False)

    def test_graphiql_page_is_not_served(self, client):
        response = client.http.get("/graphql", headers={"accept": "text/html"})

        assert response.status_code == 404


class TestIntrospection:
    @pytest.mark.parametrize("query", [INTROSPECTION, TYPE_LOOKUP])
    def test_anonymous_callers_get_no_introspection(self, client, query):
        body = client.raw(query)

        assert body["data"] is None
        assert body["errors"]

    def test_authenticated_callers_may_introspect(self, admin):
        data = admin.execute(INTROSPECTION)

        assert data["__schema"]["queryType"]["name"] == "Query"

    def test_typename_is_not_introspection(self, client):
        assert client.execute("query { __typename }") == {"__typename": "Query"}


class TestIntrospectionOff:
    @pytest.fixture
    def config(self, config):
        return with_config(config, introspection=False)

    @pytest.mark.parametrize("query", [INTROSPECTION, TYPE_LOOKUP])
    def test_nobody_may_introspect(self, admin, query):
        body = admin.raw(query)

        assert body["data"] is None


class TestSuggestions:
    @pytest.mark.parametrize("query", [TYPO, ENUM_TYPO])
    def test_anonymous_callers_get_no_hints(self, client, query):
        messages = _messages(client.raw(query))

        assert messages
        assert not any("Did you mean" in message for message in messages)

    def test_anonymous_variables_get_no_hints(self, client):
        body = client.raw(LOGIN, {"input": {"usernme": "a", "password": "b"}})

        assert body["errors"]
        assert not any("Did you mean" in message for message in _messages(body))

    @pytest.mark.parametrize("query", [TYPO, ENUM_TYPO])
    def test_authenticated_callers_get_hints(self, admin, query):
        messages = _messages(admin.raw(query))

        assert any("Did you mean" in message for message in messages)

    def test_hints_of_anonymous_do_not_leak_to_cache(self, client, admin):
        client.raw(TYPO)

        assert any("Did you mean" in m for m in _messages(admin.raw(TYPO)))
        assert not any("Did you mean" in m for m in _messages(client.raw(TYPO)))


class TestSuggestionsOff:
    @pytest.fixture
    def config(self, config):
        return with_config(config, suggestions=False)

    @pytest.mark.parametrize("query", [TYPO, ENUM_TYPO])
    def test_nobody_gets_hints(self, admin, query):
        messages = _messages(admin.raw(query))

        assert messages
        assert not any("Did you mean" in message for message in messages)


class TestMasking:
    def test_unexpected_errors_are_masked_and_logged(self, admin, monkeypatch, caplog):
        def explode(*_args, **_kwargs):
            raise RuntimeError("secret connection string")

        monkeypatch.setattr(queries.domain_list, "list_domains", explode)
        with caplog.at_level(logging.ERROR, logger="core.schema.extensions"):
            body = admin.raw(DOMAINS)

        assert _messages(body) == ["Unexpected error."]
        assert "secret" not in str(body)
        record = caplog.records[-1]
        assert record.levelno == logging.ERROR
        assert "secret connection string" in str(record.exc_info[1])

    def test_service_errors_keep_their_code(self, client):
        body = client.raw(DOMAINS)

        assert body["errors"][0]["extensions"] == {
            "code": "UNAUTHENTICATED",
            "field": None,
        }

    def test_unexpected_mutation_errors_are_masked(self, admin, monkeypatch):
        from core.schema.domains.mutations import domain_create

        def explode(*_args, **_kwargs):
            raise KeyError("internal detail")

        monkeypatch.setattr(domain_create, "create_domain", explode)
        body = admin.raw(
            'mutation { createDomain(input: {name: "x.com", adminUsername: "a", '
            'adminPassword: "pw-123456"}) { errors { code } } }'
        )

        assert _messages(body) == ["Unexpected error."]

    def test_errors_outside_resolvers_are_masked_and_logged(
        self, admin, monkeypatch, caplog
    ):
        from core.schema import extensions

        def explode(_context):
            raise RuntimeError("secret inside an extension")

        monkeypatch.setattr(extensions, "_allowed", explode)
        with caplog.at_level(logging.ERROR, logger="core.schema.execution"):
            body = admin.raw(DOMAINS)

        assert _messages(body) == ["Unexpected error."]
        assert "secret" not in str(body)
        assert "secret inside" in str(caplog.records[-1].exc_info[1])

    def test_client_mistakes_are_not_logged_as_errors(self, admin, caplog):
        with caplog.at_level(logging.INFO):
            admin.raw(TYPO)

        assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_bearer_scheme_is_required(client, admin_token):
    other = GraphQLClient(client.http)
    response = other.http.post(
        "/graphql",
        json={"query": "{ me { name } }"},
        headers={"Authorization": f"Token {admin_token}"},
    )

    assert response.json()["data"]["me"] is None
