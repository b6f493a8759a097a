"""Answers of the 国会会議録検索システム 検索用API (/api/meeting, recordPacking=json), generated.

No recorded answers exist for this API in ../shared, so the replay serves these. The shape is
the documented one, key for key and in the API's order (see minutes/parsers/kokkai.py for the
sources): a paging block, meetingRecord[] with speechRecord[] inside, speechOrder 0 the
「会議録情報」 front matter, texts opening with the printed marker and a full-width space,
CRLF line ends, null for what a speech does not have, pdfURL only where a PDF exists.
The ids follow the real ones' layout (121405254X00220241004: 1, 回次 214, 会議 05254, X, 号 002,
date). The first sitting is the documented example (衆議院本会議 2024-10-04); the others
are invented: invented names, so that no real member is made to say anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

HOST = "https://kokkai.ndl.go.jp"
KANJI_DIGITS = "〇一二三四五六七八九"
WEEKDAYS = "月火水木金土日"


def kanji(n: int) -> str:
    """1..99 in kanji as the minutes print them: 4 → 四, 12 → 十二, 24 → 二十四."""
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else KANJI_DIGITS[tens]) + "十" if tens else "") + (KANJI_DIGITS[ones] if ones else "")


def wareki(d: date) -> str:
    """2024-10-04 → 令和六年十月四日（金曜日）, as the front matter's first line prints it."""
    year = d.year - 2018
    era_year = "元" if year == 1 else kanji(year)
    return f"令和{era_year}年{kanji(d.month)}月{kanji(d.day)}日（{WEEKDAYS[d.weekday()]}曜日）"


@dataclass
class Speech:
    speaker: str
    speech: str                       # as the API sends it: marker, full-width space, text
    yomi: str | None = None
    group: str | None = None
    position: str | None = None
    role: str | None = None           # 証人・参考人・公述人


@dataclass
class Sitting:
    session: int
    house: str
    meeting: str
    issue: int
    when: date
    meeting_code: int
    front_matter: str
    speeches: list[Speech] = field(default_factory=list)
    pdf: bool = True

    @property
    def issue_id(self) -> str:
        house = {"衆議院": 1, "参議院": 2}.get(self.house, 3)
        return f"{house}{self.session:03d}{self.meeting_code:05d}X{self.issue:03d}{self.when:%Y%m%d}"


def speech_record(sitting: Sitting, order: int, s: Speech, page: int) -> dict:
    iid = sitting.issue_id
    return {
        "speechID": f"{iid}_{order:03d}", "speechOrder": order, "speaker": s.speaker,
        "speakerYomi": s.yomi, "speakerGroup": s.group, "speakerPosition": s.position, "speakerRole": s.role,
        "speech": s.speech, "startPage": page,
        "createTime": f"{sitting.when + timedelta(days=40):%Y-%m-%d} 19:07:25",
        "updateTime": f"{sitting.when + timedelta(days=41):%Y-%m-%d} 09:41:38",
        "speechURL": f"{HOST}/txt/{iid}/{order}",
    }


def meeting_record(sitting: Sitting) -> dict:
    iid = sitting.issue_id
    front = Speech("会議録情報", sitting.front_matter)
    speeches = [speech_record(sitting, 0, front, 1)]
    speeches += [speech_record(sitting, i, s, 1 + i // 3) for i, s in enumerate(sitting.speeches, start=1)]
    record = {
        "issueID": iid, "imageKind": "会議録", "searchObject": 0, "session": sitting.session,
        "nameOfHouse": sitting.house, "nameOfMeeting": sitting.meeting, "issue": f"第{sitting.issue}号",
        "date": sitting.when.isoformat(), "closing": None, "speechRecord": speeches,
        "meetingURL": f"{HOST}/txt/{iid}",
    }
    if sitting.pdf:
        record["pdfURL"] = f"{HOST}/img/{iid}"
    return record


def page(sittings: list[Sitting], start: int, per_page: int = 10) -> dict:
    """One answer of /api/meeting?…&startRecord=start&maximumRecords=per_page."""
    chunk = sittings[start - 1 : start - 1 + per_page]
    following = start + len(chunk)
    return {
        "numberOfRecords": len(sittings), "numberOfReturn": len(chunk), "startRecord": start,
        "nextRecordPosition": following if following <= len(sittings) else None,
        "meetingRecord": [meeting_record(s) for s in chunk],
    }


def error(message: str, details: list[str] | None = None) -> dict:
    """The API's error object ({message, details[]}); the tests' wording is invented."""
    body: dict = {"message": message}
    if details:
        body["details"] = details
    return body


def encode(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


# ---- the sittings -------------------------------------------------------------------------

def shugiin_plenary_example() -> Sitting:
    """The documented example: 第214回国会 衆議院本会議 第2号, 2024-10-04."""
    when = date(2024, 10, 4)
    front = (f"{wareki(when)}\r\n　　　　―――――――――――――\r\n　議事日程　第二号\r\n"
             "　　令和六年十月四日\r\n　　　午後二時開議\r\n　第一　国務大臣の演説\r\n"
             "　　　　―――――――――――――\r\n○本日の会議に付した案件\r\n　国務大臣の演説\r\n")
    return Sitting(214, "衆議院", "本会議", 2, when, 5254, front, [
        Speech("額賀福志郎", "○議長（額賀福志郎君）　これより会議を開きます。\r\n"
               "　　――――◇―――――\r\n　日程第一　国務大臣の演説", "ぬかがふくしろう", "無所属", "議長"),
        Speech("石破茂", "○内閣総理大臣（石破茂君）　この度、第百二代内閣総理大臣に就任いたしました。\r\n"
               "　すべての人に安心と安全を。", "いしばしげる", "自由民主党・無所属の会", "内閣総理大臣"),
        Speech("額賀福志郎", "○議長（額賀福志郎君）　本日は、これにて散会いたします。\r\n　　　　午後二時五十分散会",
               "ぬかがふくしろう", "無所属", "議長"),
    ])


def shugiin_committee(n: int, when: date) -> Sitting:
    """An invented 衆議院 committee sitting: 出席委員 two to a line, a minister, a 参考人."""
    committee = ("予算委員会", "厚生労働委員会", "総務委員会")[n % 3]
    chair, chair_yomi = ("安田", "一郎"), "やすだいちろう"
    front = (f"{wareki(when)}\r\n　　　　午前九時開議\r\n　出席委員\r\n"
             f"　　　委員長　{chair[0]}　{chair[1]}君\r\n"
             "　　　理事　山田　太郎君　理事　佐藤　花子君\r\n"
             "　　　　　　　山田　美樹君　　　東　　国夫君\r\n"
             "　　　　　　　鈴木　次郎君\r\n"
             "　　　　…………………………………\r\n"
             "　　　国務大臣　　　　　　　石原　健一君\r\n"
             "　　　参考人\r\n　　　（架空大学教授）　　　中村　三郎君\r\n"
             "　　　　―――――――――――――\r\n本日の会議に付した案件\r\n　政府参考人出頭要求に関する件\r\n")
    speeches = [
        Speech("安田一郎", f"○{chair[0]}委員長　これより会議を開きます。\r\n"
               "　質疑の申出がありますので、順次これを許します。山田太郎君。", chair_yomi, "架空党"),
        Speech("山田太郎", f"○山田（太）委員　第{n}回目の質問です。物価の問題について伺います。",
               "やまだたろう", "架空党"),
        Speech("石原健一", "○石原国務大臣　お答えいたします。\r\n　物価については注視してまいります。",
               "いしはらけんいち", None, "国務大臣"),
        Speech("中村三郎", "○中村参考人　意見を申し述べます。", "なかむらさぶろう", None, None, "参考人"),
        Speech("山田美樹", "○山田（美）委員　関連して伺います。", "やまだみき", "架空党"),
        Speech("安田一郎", f"○{chair[0]}委員長　次回は公報をもってお知らせすることとし、"
               "本日は、これにて散会いたします。\r\n　　　　午後零時三分散会", chair_yomi, "架空党"),
    ]
    return Sitting(216, "衆議院", committee, 1 + n // 3, when, 3000 + n % 3, front, speeches, pdf=n % 4 != 0)


def sangiin_committee(n: int, when: date) -> Sitting:
    """An invented 参議院 committee sitting: 委員の異動 first, then 「出席者は左のとおり。」."""
    front = (f"{wareki(when)}\r\n　　　午前十時開会\r\n　　　　―――――――――――――\r\n"
             "　　　委員の異動\r\n　十二月九日\r\n　　　辞任　　　　　　　　　補欠選任\r\n"
             "　　　　　木村　一子君　　　　　林　　二子君\r\n　　　　―――――――――――――\r\n"
             "　出席者は左のとおり。\r\n"
             "　　　　委員長　　　　　　　　　高橋　三郎君\r\n"
             "　　　　理　事\r\n　　　　　　　　　　　　　　　　伊藤　四郎君\r\n"
             "　　　　　　　　　　　　　　　　渡辺　五子君\r\n"
             "　　　　委　員\r\n　　　　　　　　　　　　　　　　林　　二子君\r\n"
             "　　　　　　　　　　　　　　　　小林　六郎君\r\n"
             "　　　国務大臣\r\n　　　　　総務大臣　　　　　　石原　健一君\r\n"
             "　　　政府参考人\r\n　　　　　総務省自治行政局長　　加藤　七郎君\r\n")
    speeches = [
        Speech("高橋三郎", "○委員長（高橋三郎君）　ただいまから総務委員会を開会いたします。", "たかはしさぶろう",
               "架空の会", "委員長"),
        Speech("伊藤四郎", f"○伊藤四郎君　第{n}回目の質問をいたします。", "いとうしろう", "架空の会"),
        Speech("石原健一", "○国務大臣（石原健一君）　お答えいたします。", "いしはらけんいち", None, "総務大臣"),
        Speech("加藤七郎", "○政府参考人（加藤七郎君）　お答え申し上げます。", "かとうしちろう", None, "政府参考人"),
        Speech("高橋三郎", "○委員長（高橋三郎君）　本日はこれにて散会いたします。\r\n　　　午前十一時五十分散会",
               "たかはしさぶろう", "架空の会", "委員長"),
    ]
    return Sitting(216, "参議院", "総務委員会", 1 + n // 2, when, 4101, front, speeches, pdf=False)


def sangiin_plenary(n: int, when: date) -> Sitting:
    front = (f"{wareki(when)}\r\n　　　午前十時一分開議\r\n　　　━━━━━━━━━━━━━\r\n"
             f"　議事日程　第{kanji(n + 1)}号\r\n　第一　架空法案\r\n")
    speeches = [
        Speech("関口太郎", "○議長（関口太郎君）　これより会議を開きます。", "せきぐちたろう", "無所属", "議長"),
        Speech("小林六郎", "○小林六郎君　私は、架空の会を代表して質問いたします。", "こばやしろくろう", "架空の会"),
        Speech("関口太郎", "○議長（関口太郎君）　本日はこれにて散会いたします。\r\n　　　午前十一時散会",
               "せきぐちたろう", "無所属", "議長"),
    ]
    return Sitting(216, "参議院", "本会議", n + 1, when, 1, front, speeches)


def sittings(count: int = 26) -> list[Sitting]:
    """`count` sittings, newest first as the API orders them; the documented example is the oldest."""
    out: list[Sitting] = [shugiin_plenary_example()]
    day = date(2024, 11, 11)
    for n in range(count - 1):
        day += timedelta(days=1 + (n % 2))
        maker = (shugiin_committee, sangiin_committee, sangiin_plenary)[n % 3]
        out.append(maker(n // 3, day))
    return sorted(out, key=lambda s: s.when, reverse=True)
