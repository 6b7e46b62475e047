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


# Endpoint and schema tests: the plugin loaded with EAS and MAPI/EWS, under an
# enterprise license, on the emptied database of ``runtime``.


@pytest.fixture
def plugin_runtime(runtime, tmp_path):
    import plugins.autodiscover
    import plugins.eas
    import plugins.mapi_ews
    from tests.plugin_support import licensed_runtime

    modules = [plugins.autodiscover, plugins.eas, plugins.mapi_ews]
    loaded = licensed_runtime(runtime, tmp_path, modules)
    yield loaded
    loaded.engine.dispose()


@pytest.fixture
def app(plugin_runtime):
    from core.app import create_app
    from tests.plugin_support import schema_for

    return create_app(plugin_runtime, schema=schema_for(plugin_runtime))


@pytest.fixture
def http(client):
    """The bare HTTP client of the app, for the endpoints."""
    return client.http
