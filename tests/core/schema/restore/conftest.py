"""A domain with a user made through the API, and a user folder left on disk."""

from pathlib import Path

import pytest

from tests.core.schema.restore.support import corpus, write_store
from tests.core.schema.users.accounts import create_domain, create_user, log_in


@pytest.fixture
def domain_dir(admin, config) -> Path:
    """a.test with alice, its folder; carol's folder waits on disk."""
    create_domain(admin, "a.test")
    create_user(admin, "alice@a.test")
    folder = config.data_dir / "domains" / "a.test"
    mail = corpus()
    write_store(folder / "carol", {"": [mail["plain"]], "Archive": [mail["utf8"]]})
    return folder


@pytest.fixture
def boss(client, domain_dir):
    """The client, as the primary domain administrator of a.test."""
    return log_in(client, "boss@a.test")
