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


# --- counts and their nouns (English singular and plural; Korean has none) ---------------------------------------
COUNTED = re.compile(
    r"\{(\w+)\} (?:[a-z]+ )?(rows|columns|tables|runs|features|entries|events|groups|values|days|lines|cells|"
    r"statements|trees|bytes|characters|classes|steps|applications|alerts|transactions|customers|dates|points|"
    r"fields|changes|edits|characteristics)\b"
)


def test_the_sidebar_says_one_run_and_two_runs():
    assert t("flow.model", "en", n=1) == "Train the baseline (1 run)"
    assert t("flow.model", "en", n=2) == "Train the baseline (2 runs)"
    assert t("flow.model", "en", n=0) == "Train the baseline (0 runs)"
    assert t("flow.data", "en", n=1) == "Load data (1 table)"
    assert t("flow.model", "ko", n=1) == t("flow.model", "ko", n=2).replace("2", "1")  # Korean: one form


def test_a_count_already_written_for_the_reader_picks_its_noun_too():
    assert t("model.chart.missing_rows", "en", rows="1") == "1 missing row not shown"
    assert t("model.chart.missing_rows", "en", rows="1,000") == "1,000 missing rows not shown"
    assert t("features.review.shown", "en", n=1, total=1) == "1 of 1 feature shown"
    assert t("features.review.conflicts", "en", n=1, who="x").startswith("1 feature was reviewed")
    assert t("privacy.scan.found", "en", n=1, columns="phone").startswith("1 column looks like personal data")


def test_other_format_specs_still_work_beside_plurals():
    from workbench.i18n import _PLURAL

    assert _PLURAL.format("{x:.2f} ({n} {n:run|runs})", x=0.5, n=1) == "0.50 (1 run)"


def test_no_english_message_puts_a_bare_plural_after_a_count():
    """``{n} runs`` reads "1 runs" when n is one: every count+noun in English goes through ``{n:run|runs}``
    (``{what}`` is a noun, ``{word}`` a SQL keyword, ``{same}`` a share),
    and no message hedges with "(s)" after a count."""
    bare = {
        key: entry["en"]
        for key, entry in catalog().items()
        if any(var not in {"what", "word", "same"} for var, _ in COUNTED.findall(entry["en"]))
        or re.search(r"\{\w+\} (?:[a-z]+ )?[a-z]+\(s\)", entry["en"])
    }
    assert not bare, bare
