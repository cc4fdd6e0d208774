"""The bilingual browser test's reader (``tests/ui_words.py``) catches codes shown as cells: a glossary name
is allowed whole, as written, never its words one by one in any case (that let ``random`` and ``auc`` through)."""

from __future__ import annotations

from ui_words import english_in_korean, glossary_names, hangul_in_english


def test_codes_in_a_korean_table_are_found_even_when_a_glossary_name_holds_the_word():
    phrases = glossary_names("en")
    assert "Missing not at random (MNAR)" in phrases
    assert english_in_korean(["random", "auc", "time:applied_at"], set(), phrases) == {"random", "auc", "time"}
    assert (
        english_in_korean(["Missing not at random (MNAR)", "AUC (area under the ROC curve)"], set(), phrases) == set()
    )
    assert english_in_korean(["무작위", "AUC", "시점 외 · applied_at"], set(), phrases) == set()


def test_a_korean_glossary_name_is_allowed_whole_on_an_english_screen():
    phrases = glossary_names("ko")
    assert hangul_in_english(["비무작위 결측 (MNAR)"], set(), phrases) == set()
    assert hangul_in_english(["무작위"], set(), phrases) == {"무작위"}
