"""MAILPLANE_TRUSTED_PROXIES: the peers whose X-Forwarded-For is believed."""

import pytest

from core.config import load_config
from core.errors import ConfigurationError


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param({}, ("127.0.0.1", "::1"), id="unset-trusts-loopback"),
        pytest.param({"MAILPLANE_TRUSTED_PROXIES": ""}, (), id="empty-trusts-none"),
        pytest.param(
            {"MAILPLANE_TRUSTED_PROXIES": " 10.1.2.3/8, 192.0.2.7 ,fd00::/8,"},
            ("10.0.0.0/8", "192.0.2.7", "fd00::/8"),
            id="addresses-and-networks",
        ),
    ],
)
def test_trusted_proxies_are_read_and_normalised(environ, expected):
    config = load_config(environ)

    assert config.trusted_proxies == expected


@pytest.mark.parametrize("raw", ["*", "proxy.local", "10.0.0.0/33"])
def test_trusted_proxies_refuse_what_is_no_address(raw):
    with pytest.raises(ConfigurationError, match="MAILPLANE_TRUSTED_PROXIES"):
        load_config({"MAILPLANE_TRUSTED_PROXIES": raw})
