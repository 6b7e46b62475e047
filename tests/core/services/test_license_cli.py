"""``mailplane license show``: what the server runs under."""

from click.testing import CliRunner

from core.cli import main
from tests.plugin_support import PUBLIC_PEM, STRANGER_KEY, issue_license


def show(tmp_path, text: str | None = None) -> list[str]:
    env = {"MAILPLANE_DATA_DIR": str(tmp_path / "data")}
    if text is not None:
        (tmp_path / "mailplane.license").write_text(text)
        env["MAILPLANE_LICENSE_FILE"] = str(tmp_path / "mailplane.license")
        env["MAILPLANE_LICENSE_PUBLIC_KEY"] = PUBLIC_PEM
    result = CliRunner().invoke(main, ["license", "show"], env=env)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_license_show_prints_free_edition_without_file(tmp_path):
    lines = show(tmp_path)

    assert "Edition:     free" in lines
    assert "Source:      none" in lines


def test_license_show_prints_the_license_file(tmp_path):
    lines = show(tmp_path, issue_license(mailbox_cap=500))

    assert "Edition:     enterprise" in lines
    assert "Features:    eas, mapi_ews" in lines
    assert "Mailbox cap: 500" in lines
    assert "Source:      file" in lines


def test_license_show_prints_why_a_license_was_refused(tmp_path):
    lines = show(tmp_path, issue_license(key=STRANGER_KEY))

    assert "Edition:     free" in lines
    assert any(
        line.startswith("Refused:") and "LICENSE_FORGED" in line for line in lines
    )
