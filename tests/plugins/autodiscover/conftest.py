import pytest

from plugins.autodiscover.responses import Account
from plugins.autodiscover.settings import PROTOCOL_NAMES, AutodiscoverSettings


@pytest.fixture
def settings() -> AutodiscoverSettings:
    return AutodiscoverSettings()


@pytest.fixture
def account() -> Account:
    return Account(
        email="jane@example.com",
        display_name="Jane Doe",
        login_name="jane@example.com",
    )


@pytest.fixture
def awkward_account() -> Account:
    """An account whose values XML cannot carry unescaped."""
    return Account(
        email='o\'<b>&"q"@example.com',
        display_name='Tom & "Jerry" <o\'Neil>',
        login_name='o\'<b>&"q"',
    )


@pytest.fixture
def every_protocol() -> frozenset[str]:
    return frozenset(PROTOCOL_NAMES)
