"""The documentation is checked against the code: commands, options, alert codes, the two first commands."""

import importlib.util
import re

import click
from conftest import ROOT

from workbench.cli import cli
from workbench.i18n import catalog
from workbench.profile.alerts import ALERT_CODES

spec = importlib.util.spec_from_file_location("readme_reference", ROOT / "scripts" / "readme_reference.py")
reference = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reference)
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_make_run_and_make_test():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block


def test_readme_reference_is_what_the_code_says():
    assert reference.render(README) == README, "run `make docs` and commit README.md"


def test_every_command_and_option_is_in_the_readme():
    sections = README.split("#### ")
    for path, command in reference._commands(cli, "workbench"):
        section = next((s for s in sections if s.startswith(f"`{path}")), None)
        assert section is not None, path
        for param in command.params:
            if isinstance(param, click.Option):
                for opt in param.opts:
                    assert re.search(rf"[`/ ]{re.escape(opt)}[ `]", section), f"{path} {opt}"


def test_every_alert_code_has_both_languages_and_a_readme_entry():
    for code in ALERT_CODES:
        for key in (f"profile.alert_title.{code}", f"profile.alert.{code}"):
            assert set(catalog()[key]) == {"ko", "en"}, key
        assert f"| `{code}` |" in README, code
