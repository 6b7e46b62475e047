import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from core.licensing import Edition, load_license, load_public_key

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "bench" / "issue_license.py"


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_issue_script_license_loads_back(tmp_path):
    # given a keypair written by the script
    private, public = tmp_path / "vendor.pem", tmp_path / "vendor.pub"
    keygen = run_script(
        "keygen", "--private-key", str(private), "--public-key", str(public)
    )
    assert keygen.returncode == 0, keygen.stderr

    # when a license is issued with it
    issued = run_script(
        "issue", "--private-key", str(private), "--licensee", "Example GmbH",
        "--edition", "enterprise", "--feature", "eas", "--feature", "mapi_ews",
        "--mailbox-cap", "250", "--expires", "2099-12-31",
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr

    # then the printed file loads with the public key
    key = load_public_key(public.read_text())
    loaded = load_license(issued.stdout, key, now=datetime.now(UTC))
    assert loaded.licensee == "Example GmbH"
    assert loaded.edition is Edition.ENTERPRISE
    assert loaded.features == ("eas", "mapi_ews")
    assert loaded.mailbox_cap == 250
    assert loaded.expires_at == datetime(2099, 12, 31, tzinfo=UTC)
    assert private.stat().st_mode & 0o077 == 0


def test_issue_script_keygen_never_replaces_keys(tmp_path):
    # given an existing private key file
    private, public = tmp_path / "vendor.pem", tmp_path / "vendor.pub"
    private.write_text("precious")

    # when keygen is asked to write over it
    result = run_script(
        "keygen", "--private-key", str(private), "--public-key", str(public)
    )

    # then it refuses and touches neither file
    assert result.returncode != 0
    assert private.read_text() == "precious"
    assert not public.exists()


def test_issue_script_rejects_past_expiry(tmp_path):
    # given a keypair
    private, public = tmp_path / "vendor.pem", tmp_path / "vendor.pub"
    run_script("keygen", "--private-key", str(private), "--public-key", str(public))

    # when a license is issued that would already be expired
    result = run_script(
        "issue", "--private-key", str(private), "--licensee", "Late Ltd",
        "--edition", "pro", "--expires", "2000-01-01",
    )  # fmt: skip

    # then nothing is printed and the usage error says why
    assert result.returncode == 2
    assert result.stdout == ""
    assert "issued_at" in result.stderr
