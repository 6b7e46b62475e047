"""Configuration from MAILPLANE_* variables: embedded defaults, checked values."""

from pathlib import Path

import pytest

from core.config import load_config
from core.errors import ConfigurationError


def test_load_config_defaults_to_embedded_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    config = load_config({})

    assert config.data_dir == tmp_path / "mailplane-data"
    assert config.effective_database_url == (
        f"sqlite:///{tmp_path / 'mailplane-data' / 'mailplane.db'}"
    )
    assert (config.host, config.port) == ("127.0.0.1", 8025)
    assert config.allowed_domain_roots == (tmp_path / "mailplane-data/domains",)
    assert (config.graphiql, config.introspection, config.suggestions) == (
        True,
        True,
        True,
    )
    assert config.max_page_size == 500


def test_load_config_reads_every_variable(tmp_path):
    env = {
        "MAILPLANE_DATA_DIR": str(tmp_path),
        "MAILPLANE_DATABASE_URL": "postgresql://u@db/mail",
        "MAILPLANE_HOST": "0.0.0.0",
        "MAILPLANE_PORT": "9000",
        "MAILPLANE_ADMIN_PASSWORD": "secret-pw",
        "MAILPLANE_DOMAIN_ROOTS": f"{tmp_path / 'a'}:{tmp_path / 'b'}",
        "MAILPLANE_GRAPHIQL": "off",
        "MAILPLANE_INTROSPECTION": "false",
        "MAILPLANE_SUGGESTIONS": "0",
        "MAILPLANE_MAX_PAGE_SIZE": "50",
        "MAILPLANE_MAX_QUERY_DEPTH": "8",
        "MAILPLANE_MAX_ALIASES": "5",
        "MAILPLANE_MAX_TOKENS": "1000",
        "MAILPLANE_PLUGINS": "eas,-mapi_ews",
    }

    config = load_config(env)

    assert config.effective_database_url == "postgresql://u@db/mail"
    assert (config.host, config.port, config.admin_password) == (
        "0.0.0.0",
        9000,
        "secret-pw",
    )
    assert config.domain_roots == (tmp_path / "a", tmp_path / "b")
    assert not (config.graphiql or config.introspection or config.suggestions)
    assert (config.max_page_size, config.max_query_depth) == (50, 8)
    assert (config.max_aliases, config.max_tokens) == (5, 1000)
    assert config.plugins == {"eas": True, "mapi_ews": False}


def test_load_config_makes_data_dir_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)

    config = load_config({"MAILPLANE_DATA_DIR": "relative/data"})

    assert config.data_dir == tmp_path / "relative/data"
    assert Path(config.data_dir).is_absolute()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        pytest.param("MAILPLANE_PORT", "http", id="port-word"),
        pytest.param("MAILPLANE_PORT", "70000", id="port-range"),
        pytest.param("MAILPLANE_PORT", "0", id="port-zero"),
        pytest.param("MAILPLANE_MAX_PAGE_SIZE", "0", id="page-size"),
        pytest.param("MAILPLANE_MAX_QUERY_DEPTH", "-1", id="depth"),
        pytest.param("MAILPLANE_GRAPHIQL", "maybe", id="switch"),
        pytest.param("MAILPLANE_TOKEN_TTL", "5", id="ttl"),
    ],
)
def test_load_config_refuses_malformed_values(name, value):
    with pytest.raises(ConfigurationError, match=name):
        load_config({name: value})
