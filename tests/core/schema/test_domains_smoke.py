"""A first pass through the domain API: create, list, update."""

CREATE = """
mutation Create($input: DomainCreateInput!) {
  createDomain(input: $input) {
    domain {
      name hostname primaryAdmin userCount
      settings { limits { users diskSpaceMb } }
    }
    errors { field code message }
  }
}
"""

LIST = """
query { domains(first: 10) { totalCount nodes { name userCount } } }
"""

UPDATE = """
mutation Update($input: DomainUpdateInput!) {
  updateDomain(input: $input) {
    domain { settings { limits { users } throttling { messageAction } } }
    errors { field code message }
  }
}
"""


def test_create_domain_makes_admin_and_folder(admin, config):
    payload = admin.mutate(
        CREATE,
        {"name": "Example.COM", "adminUsername": "jdoe", "adminPassword": "pw-123456"},
    )

    assert payload["errors"] == []
    domain = payload["domain"]
    assert domain["name"] == "example.com"
    assert domain["hostname"] == "mail.example.com"
    assert domain["primaryAdmin"] == "jdoe@example.com"
    assert domain["userCount"] == 1
    assert domain["settings"]["limits"] == {"users": 100, "diskSpaceMb": 500}
    assert (config.data_dir / "domains" / "example.com" / "jdoe").is_dir()


def test_update_domain_rejects_bad_patch_wholly(admin):
    admin.mutate(
        CREATE, {"name": "a.test", "adminUsername": "x", "adminPassword": "pw-123456"}
    )

    payload = admin.mutate(
        UPDATE,
        {
            "name": "a.test",
            "settings": {
                "limits": {"users": -1},
                "throttling": {"messageAction": "REJECT"},
            },
        },
    )

    assert [e["field"] for e in payload["errors"]] == ["settings.limits.users"]
    data = admin.execute(LIST)
    assert data["domains"]["totalCount"] == 1
