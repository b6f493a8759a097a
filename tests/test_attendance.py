from oshigiin.minutes.attendance import parse_attendance

ONE_COLUMN = """〇出席議員（３人）
　　　　　　　　１番　吉　田　崇　仁
　　　　　　　　６番　茂　木　　　修
　　　　　　　２６番　島　　　昌　之
──────────────────────
〇欠席議員（１人）
　　　　　　　２５番　高　橋　千　晶
──────────────────────
〇説明員
　　　　市長　　　　　大　泉　　　潤
"""

TWO_COLUMNS = """３　出席議員（４人）
　　　　　　　１番　　小林しょう　　　１７番　　たかはしのりこ
　　　　　　２３番　　佐藤　篤　　　　２４番　　しもむら　緑
４　欠席議員
　　　　　　　なし
５　出席理事者
　　　　区長　　　　　　　　山本　亨
"""


def test_one_column_with_padded_names_and_an_absence():
    assert parse_attendance(ONE_COLUMN) == [
        {"seat": 1, "name": "吉田崇仁", "status": "present"},
        {"seat": 6, "name": "茂木修", "status": "present"},
        {"seat": 26, "name": "島昌之", "status": "present"},
        {"seat": 25, "name": "高橋千晶", "status": "absent"},
    ]


def test_two_columns_and_nobody_absent():
    got = parse_attendance(TWO_COLUMNS)
    assert [(a["seat"], a["name"]) for a in got] == [
        (1, "小林しょう"), (17, "たかはしのりこ"), (23, "佐藤篤"), (24, "しもむら緑")]
    assert {a["status"] for a in got} == {"present"}


def test_executives_are_not_members():
    names = {a["name"] for a in parse_attendance(ONE_COLUMN + TWO_COLUMNS)}
    assert "大泉潤" not in names and "山本亨" not in names


COMMITTEE = """出　席　委　員
　　　　委員長　　　　　　塩　田　　　尚　君
　　　　副委員長　吉　田　洸　龍　君
　　　　委　員　　長谷川ひろゆき　君
　　　　〃　　　　　　　　あさの　えくこ　君
──────────────
議　　　　　長
　　　　　　　　　　　　　黒　田　健　祐　君
欠席委員（なし）
出席理事者
　こども健康部長　　　　秋　山　直　仁　君
"""


def test_committee_lists_without_seats():
    """VOICES committee minutes (つくば, 八戸): offices instead of seat numbers, names ending in 君."""
    assert [(a["seat"], a["name"], a["status"]) for a in parse_attendance(COMMITTEE)] == [
        (None, "塩田尚", "present"), (None, "吉田洸龍", "present"), (None, "長谷川ひろゆき", "present"),
        (None, "あさのえくこ", "present")]
