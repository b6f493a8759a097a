"""Stage directions, times and separator lines: kept out of a speech's text, kept as annotations.

Minutes print more than what was said:
  〔区長　山本亨登壇〕  （大泉　潤市長登壇）  〔「異議なし」と呼ぶ者あり〕  （拍手）   ← stage directions
  午後１時４分休憩   午前10時31分　散会                                        ← times
  ──────────  －－－－－－  ――――――                                        ← separator lines
Search, topics and reading want the words spoken; threading wants the 登壇 that says who took the
floor; a reader wants to see both. So `split` returns the spoken text and the annotations, each with
the offset in that text where it stood, and `restore` puts them back: restore(*split(t)) == t for
every t, so nothing printed is ever lost.

Only whole lines are taken as times and separators (「午前10時から開きます」 and a dash inside a
sentence are words); 〔…〕 is always a stage direction; a parenthesis only when it says what
happened in the chamber (登壇, 拍手, 「…」の声あり …), since （ ） is also ordinary punctuation.
"""

from __future__ import annotations

import re
from typing import TypedDict

_NUM = r"[0-9０-９〇一二三四五六七八九十]+"
_STAGE = re.compile(
    r"〔[^〔〕\n]*〕"
    r"|[（(][^（）()\n]{0,60}?(?:登壇|降壇|登台|入場|退場|退席|着席|離席|起立|拍手|朗読|笑声|笑い|発言する者あり"
    r"|呼ぶ者あり|の声あり|声あり|議長席に着く|議長交代|委員長交代|挙手)[^（）()\n]{0,6}[）)]")
_TIME = re.compile(
    rf"^[（(〔]?[ \u3000]*(?:午前|午後){_NUM}時(?:{_NUM}分)?[ \u3000]*"
    r"(?:開会|開議|休憩|再開|散会|閉会|延会|閉議|休会|開始|終了|会議再開)?[ \u3000]*[）)〕]?$")
_SEPARATOR = re.compile(r"^[─━―－\-=＝~〜～・…＊*☆★◇◆○●△▲□■]{3,}$")
_SPACE = " \t\u3000"
# Most speeches have none of these: they return untouched without being split into lines.
_MAYBE = re.compile(r"〔|[（(]|^[ \t\u3000]*(?:午前|午後)|[─━―－\-=＝~〜～・…＊*☆★◇◆○●△▲□■]{3}", re.M)


class Annotation(TypedDict):
    kind: str   # stage | time | separator
    at: int     # offset in the spoken text where it stood
    raw: str    # exactly as printed, with the spacing and line break it took away


def _line_kind(content: str) -> str | None:
    if _SEPARATOR.match(content):
        return "separator"
    if _TIME.match(content):
        return "time"
    return None


def split(text: str) -> tuple[str, list[Annotation]]:
    """(spoken text, annotations): stage directions, time lines and separator lines taken out."""
    if not text or not _MAYBE.search(text):
        return text, []
    kept: list[str] = []
    size = 0
    notes: list[Annotation] = []

    def keep(piece: str) -> None:
        nonlocal size
        kept.append(piece)
        size += len(piece)

    def note(kind: str, raw: str) -> None:
        notes.append({"kind": kind, "at": size, "raw": raw})

    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        content = body.strip(_SPACE)
        kind = _line_kind(content) if content else None
        if kind:
            note(kind, line)
            continue
        matches = list(_STAGE.finditer(body))
        if not matches:
            keep(line)
            continue
        if not _remainder(body, matches).strip(_SPACE):
            # A line of nothing but stage directions goes whole, its indentation and line break with it.
            cut = 0
            for i, m in enumerate(matches):
                end = len(line) if i == len(matches) - 1 else m.end()
                note("stage", line[cut:end])
                cut = end
            continue
        cut = 0
        for m in matches:
            start = m.start()
            while start > cut and body[start - 1] in _SPACE:
                start -= 1
            keep(line[cut:start])
            note("stage", line[start:m.end()])
            cut = m.end()
        keep(line[cut:])
    # A last line taken whole leaves the line break before it dangling: it goes with the annotation.
    if notes and notes[-1]["at"] == size and kept and kept[-1].endswith("\n") and not notes[-1]["raw"].endswith("\n"):
        trailing = [n for n in notes if n["at"] == size]
        last = kept.pop()
        newline = "\r\n" if last.endswith("\r\n") else "\n"
        kept.append(last[: -len(newline)])
        size -= len(newline)
        trailing[0]["raw"] = newline + trailing[0]["raw"]
        for n in trailing:
            n["at"] = size
    return "".join(kept), notes


def _remainder(body: str, matches: list[re.Match]) -> str:
    out, cut = [], 0
    for m in matches:
        out.append(body[cut:m.start()])
        cut = m.end()
    out.append(body[cut:])
    return "".join(out)


def restore(text: str, annotations: list[Annotation] | None) -> str:
    """The text as printed: the annotations put back where they stood."""
    if not annotations:
        return text
    out, cut = [], 0
    for a in annotations:
        out.append(text[cut:a["at"]])
        out.append(a["raw"])
        cut = a["at"]
    out.append(text[cut:])
    return "".join(out)


def label(annotation: Annotation) -> str:
    """What to show a reader: 〔区長　山本亨登壇〕, 午後１時４分休憩."""
    return annotation["raw"].strip(_SPACE + "\r\n")
