import pytest

import plugins.eas
import plugins.mapi_ews
from tests.plugin_support import licensed_runtime as make_licensed_runtime
from tests.plugin_support import schema_for
from tests.plugins.eas.access_support import FEATURES


@pytest.fixture
def licensed_runtime(runtime, tmp_path):
    """Both Enterprise plugins, under an enterprise license, on a clean database."""
    licensed = make_licensed_runtime(runtime, tmp_path, [plugins.eas, plugins.mapi_ews])
    yield licensed
    licensed.engine.dispose()


@pytest.fixture
def app(licensed_runtime):
    from core.app import create_app

    return create_app(licensed_runtime, schema=schema_for(licensed_runtime))


@pytest.fixture(params=FEATURES, ids=["eas", "mapiEws"])
def feature(request):
    """Each counted feature: (section, license feature, setAccess mutation)."""
    return request.param
