"""Helpers that set up domains and accounts through the API, for user tests."""

from tests.graphql_client import GraphQLClient

PASSWORD = "pw-123456"

CREATE_DOMAIN = """
mutation Create($input: DomainCreateInput!) {
  createDomain(input: $input) { domain { name } errors { code } }
}
"""

UPDATE_DOMAIN = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) { domain { name } errors { field code } }
}
"""

CREATE_USER = """
mutation Create($input: UserCreateInput!) {
  createUser(input: $input) {
    user { email displayName isDomainAdmin }
    errors { field code }
  }
}
"""


def create_domain(admin: GraphQLClient, name: str, boss: str = "boss") -> str:
    payload = admin.mutate(
        CREATE_DOMAIN, {"name": name, "adminUsername": boss, "adminPassword": PASSWORD}
    )
    assert payload["errors"] == [], payload["errors"]
    return name


def set_domain_settings(admin: GraphQLClient, name: str, settings: dict) -> None:
    payload = admin.mutate(UPDATE_DOMAIN, {"name": name, "settings": settings})
    assert payload["errors"] == [], payload["errors"]


def create_user(admin: GraphQLClient, email: str, **fields) -> dict:
    payload = admin.mutate(
        CREATE_USER, {"email": email, "password": PASSWORD, **fields}
    )
    assert payload["errors"] == [], payload["errors"]
    return payload["user"]


def log_in(client: GraphQLClient, email: str) -> GraphQLClient:
    return client.as_token(client.login(email, PASSWORD))
