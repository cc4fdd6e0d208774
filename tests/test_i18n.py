"""Every message exists in Korean and English, with the same placeholders, and every key the code asks for exists."""

import re
import string

from conftest import ROOT

from workbench.i18n import LANGUAGES, catalog, t

KEY_CALL = re.compile(r"""\b(?:t|tr|LoadError|GateError|_msg)\(\s*["']([a-z0-9_]+(?:\.[a-z0-9_]+)+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_every_language_with_same_placeholders():
    for key, entry in catalog().items():
        assert set(entry) == set(LANGUAGES), f"{key} has {sorted(entry)}"
        for lang in LANGUAGES:
            assert entry[lang].strip(), f"{key}[{lang}] is empty"
        assert placeholders(entry["ko"]) == placeholders(entry["en"]), key


def test_every_key_used_in_code_exists():
    sources = [*ROOT.joinpath("workbench").rglob("*.py"), *ROOT.joinpath("pages").rglob("*.py"), ROOT / "app.py"]
    missing = set()
    for path in sources:
        if not path.exists():
            continue
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            if key not in catalog():
                missing.add(f"{key} ({path.relative_to(ROOT)})")
    assert not missing, "keys used but not in the catalogs: " + ", ".join(sorted(missing))


def test_korean_is_the_default_and_english_switches():
    assert t("app.title", "ko") == "워크벤치"
    assert t("app.title", "en") == "Workbench"
    assert t("privacy.gate.unmasked", "en", columns="a, b").startswith("Columns")
