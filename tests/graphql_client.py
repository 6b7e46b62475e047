"""A small GraphQL client over starlette's TestClient."""

from typing import Any

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { token errors { field code message } }
}
"""


class GraphQLClient:
    """Posts operations to /graphql, optionally with a bearer token."""

    def __init__(self, http, token: str | None = None) -> None:
        self.http = http
        self.token = token

    def as_token(self, token: str | None) -> "GraphQLClient":
        return GraphQLClient(self.http, token)

    def raw(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        response = self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
        )
        return response.json()

    def execute(self, query: str, variables: dict | None = None) -> dict[str, Any]:
        """Run an operation that must not fail at the GraphQL level."""
        body = self.raw(query, variables)
        assert "errors" not in body, body.get("errors")
        return body["data"]

    def mutate(self, query: str, input: dict) -> dict[str, Any]:
        """Run a one-field mutation and return its payload."""
        data = self.execute(query, {"input": input})
        return next(iter(data.values()))

    def login(self, username: str, password: str) -> str:
        payload = self.mutate(LOGIN, {"username": username, "password": password})
        assert payload["errors"] == [], payload["errors"]
        return payload["token"]


def error_codes(payload: dict) -> list[str]:
    return [error["code"] for error in payload["errors"]]
