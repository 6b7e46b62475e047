"""Every hook is documented: a docstring in core/hookspecs.py and an entry
in the README's plugin guide."""

import inspect
import re
from pathlib import Path

import pytest

from core import hookspecs

README = Path(__file__).resolve().parents[2] / "README.md"

HOOK_NAMES = sorted(
    name for name, item in vars(hookspecs).items() if hasattr(item, "mailplane_spec")
)


def plugin_guide() -> str:
    text = README.read_text()
    match = re.search(r"^## Plugin guide$(.*?)(?=^## )", text, re.M | re.S)
    assert match, "README.md has no '## Plugin guide' section."
    return match.group(1)


def test_hookspecs_declare_hooks():
    assert len(HOOK_NAMES) >= 15


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_hook_has_a_docstring(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""

    assert len(doc.split()) >= 5, f"Give {hook} a docstring: when, and what to return."


@pytest.mark.parametrize("hook", HOOK_NAMES)
def test_hook_has_a_plugin_guide_entry(hook):
    assert f"`{hook}(" in plugin_guide(), f"Document {hook} in README's Plugin guide."
