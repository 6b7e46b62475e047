"""The committed schema.graphql matches the schema the server builds."""

from pathlib import Path

from core.config import Config
from core.runtime import build_runtime
from core.schema.builder import build_schema

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schema.graphql"


def test_committed_schema_matches_built_schema(tmp_path):
    runtime = build_runtime(Config(data_dir=tmp_path))

    built = str(build_schema(runtime)).strip()

    assert built == SCHEMA_FILE.read_text().strip(), (
        "schema.graphql is out of date: run `make schema` and commit it."
    )
