from datetime import date

import pytest

from oshigiin.minutes.normalize import kanji_number, normalize_name, normalize_text, parse_wareki, to_hiragana


@pytest.mark.parametrize(("a", "b"), [
    ("德永", "徳永"), ("髙橋", "高橋"), ("山﨑", "山崎"), ("渡邉", "渡辺"), ("渡邊", "渡辺"),
    ("吉　田　崇　仁", "吉田崇仁"), ("島　　　昌　之", "島昌之"), ("ｻﾄｳ", "サトウ"),
])
def test_names_compare_after_normalisation(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_different_names_stay_different():
    assert normalize_name("高橋") != normalize_name("高島")


def test_text_keeps_spacing_but_folds_width():
    assert normalize_text("１２番　保育") == "12番 保育"


@pytest.mark.parametrize(("text", "expected"), [
    ("令和６年２月２２日（木曜日）", date(2024, 2, 22)),
    ("平成三十一年四月二十一日", date(2019, 4, 21)),
    ("令和元年５月１日", date(2019, 5, 1)),
    ("昭和６４年１月７日", date(1989, 1, 7)),
    ("　　令和　６年１２月２７日", date(2024, 12, 27)),
    ("期日未定", None),
    ("令和６年２月３０日", None),
])
def test_wareki_dates(text, expected):
    assert parse_wareki(text) == expected


def test_kanji_numbers():
    assert [kanji_number(x) for x in ("十", "十二", "二十三", "九十九", "元", "7", "百十三", "千二百")] == [
        10, 12, 23, 99, 1, 7, 113, 1200]


def test_katakana_reading_matches_hiragana():
    assert to_hiragana("サトウハナコ") == "さとうはなこ"


def test_latin_letters_fold_case_for_search():
    assert normalize_text("ＤＸ推進とdx") == "dx推進とdx"
