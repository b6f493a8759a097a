"""Speaker lines → name, role and seat.

Minutes print the speaker in many shapes (from the real fixtures and other councils):
  ○議長（佐藤篤）  ◆（白井正子君）  ◎区長（山本亨）  ○おのせ康裕議長
  ○２０番（鈴木まさし議員）  ○（植竹　貴副区長）  ○塩田　委員長  ◆佐藤花子委員
A shape we cannot read keeps the whole line as the name and no role, so nothing is lost;
a guessed split that is wrong would invent a person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from oshigiin.minutes.normalize import kanji_number

MARKERS = "○◎◆◇△〇●□■▲▼◯"
HONORIFICS = ("議員", "委員", "君", "さん", "氏")

# Offices that end a speaker line. Department heads are open-ended (総務部長,
# 子ども・子育て支援部長, 教育委員会事務局次長…), so they are a pattern, not a list.
_ROLE = (
    r"(?:副?議長|副?委員長|副?[区市町村]長|副?知事|教育長|議会運営委員長"
    r"|[^\s（）()]*?(?:部長|課長|室長|局長|所長|次長|参事|理事|監|管理者|館長|主幹|係長|主査|会長|委員長|事務局長)"
    r"|委員|議員|説明員|参考人|証人)"
)
_BRACKETED = re.compile(r"^(?P<head>.*?)[（(](?P<inner>[^（()）]*)[）)]\s*$")
_SEAT = re.compile(r"^(?P<seat>[0-9〇一二三四五六七八九十百千]+)\s*番\s*$")
# No speaker line is anywhere near this long (the longest in the real recordings has 16 characters,
# 「◆経済建設常任委員長（山口勝彦）」); a longer "speaker" is a page the parser misread, kept whole as
# the name, never split. The cap also bounds every pattern below on hostile input (issue 14.5).
SPEAKER_MAX = 120
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    role: str | None = None
    seat: int | None = None


def _strip_honorific(name: str) -> str:
    for h in ("議員", "君", "さん", "氏"):
        if name.endswith(h) and len(name) > len(h) + 1:
            return name[: -len(h)]
    return name


def _squash(text: str) -> str:
    return _SPACES.sub("", text)


def split_speaker(line: str) -> Speaker:
    """Read one speaker line (with or without its marker)."""
    text = unicodedata.normalize("NFKC", line).strip().lstrip(MARKERS).strip()
    if not text:
        return Speaker(name="")
    if len(text) > SPEAKER_MAX:
        return Speaker(name=text)

    if m := _BRACKETED.match(text):
        head, inner = _squash(m["head"]), m["inner"].strip()
        if seat := _SEAT.match(head):
            return Speaker(name=_strip_honorific(_squash(inner)), seat=kanji_number(seat["seat"]))
        if head:
            # 議長（佐藤篤）: the office outside, the name inside.
            return Speaker(name=_strip_honorific(_squash(inner)), role=head)
        # （植竹　貴副区長）/（白井正子君）: everything inside the brackets.
        return _name_then_role(inner)
    return _name_then_role(text)


def _name_then_role(text: str) -> Speaker:
    """「おのせ康裕議長」, 「塩田　委員長」, 「佐藤花子委員」, 「白井正子君」."""
    parts = text.split()
    if len(parts) >= 2 and re.fullmatch(_ROLE, parts[-1]) and parts[-1] not in ("議員",):
        return Speaker(name=_squash("".join(parts[:-1])), role=parts[-1])
    squashed = _squash(text)
    # Council offices first, longest first: 「田中太郎委員長」 is 田中太郎 + 委員長, not 田中 + 太郎委員長.
    for role in _CLOSED_BY_LENGTH:
        if squashed.endswith(role) and len(squashed) - len(role) >= 2:
            return Speaker(name=squashed[: -len(role)], role=role)
    # 「某議員」: 議員 is a title, not an office. (This was `^(?P<name>.+?)\s*(?P<role>_ROLE)$`, whose
    # lazy name against the open-ended department pattern made it quadratic: 0.72 s at 8,000
    # characters, minutes at 700 KB. Of its outcomes only this one was ever used: a closed office
    # with a name of 2 or more is taken by the loop above, and a bare department title glued to a
    # name (山田太郎総務部長) is not split without knowing the departments.)
    if squashed.endswith("議員") and len(squashed) > len("議員"):
        return Speaker(name=squashed[: -len("議員")])
    return Speaker(name=_strip_honorific(squashed))


_CLOSED_ROLES = {
    "議長", "副議長", "委員長", "副委員長", "委員", "区長", "副区長", "市長", "副市長", "町長",
    "村長", "知事", "副知事", "教育長",
}
_CLOSED_BY_LENGTH = sorted(_CLOSED_ROLES, key=len, reverse=True)


def speech_kind(marker: str, role: str | None, type_code: int | None = None) -> str:
    """question | answer | procedural | other.

    DiscussNet tells us directly (minute_type_code 4 議長, 5 質問, 6 答弁); text platforms
    only have the marker, whose meaning is the DiscussNet one on most councils.
    """
    if type_code is not None:
        if type_code == 5 and role and role.endswith("委員長"):
            # ◆総務常任委員長（島昌之）: a committee chair reporting to the plenary is filed under
            # 質問 by the platform (函館 fixture), but it asks nothing.
            return "other"
        return {4: "procedural", 5: "question", 6: "answer"}.get(type_code, "other")
    # Text platforms mark everyone with ○ on many councils, so the office decides.
    if role and role.endswith(("議長", "委員長")):
        return "procedural"
    if role and role.startswith("事務局"):
        return "other"  # the clerk reads documents aloud
    if role and role not in ("委員", "議員") and _EXECUTIVE.search(role):
        return "answer"
    if role in (None, "委員", "議員") and marker in "◆○〇◯":
        return "question"
    return {"◎": "answer"}.get(marker, "other")


_EXECUTIVE = re.compile(r"(長|知事|参事|理事|監|管理者|主幹|次長|主査|大臣|副大臣|政務官|政府参考人|政府特別補佐人)$")
