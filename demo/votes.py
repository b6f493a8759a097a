"""Contested bills on the demo's final days, in the forms real minutes print (docs/votes.md):

- the committee chair's report states each faction's side: 「賛成多数（賛成：A、B、反対：C）」;
- the plenary decides by 起立 (「起立多数であります」: nobody's individual vote is recorded), or by
  記名投票 with the names printed under 〔参照〕 (白票 / 青票), one member voting against their faction.

Deterministic from the sitting and the bill's position; draws nothing from the sitting's random
stream, so every other generated text stays as it was.
"""

from __future__ import annotations

from .jpformat import SP, fw
from .people import Member
from .writer import STAGE, Writer


def _sides(w: Writer, index: int) -> tuple[list[str], str, list[Member]]:
    """(factions for, the faction against, the members voting) — the chair does not vote."""
    voters = [m for m in w.ctx.present if m is not w.ctx.chair]
    factions = sorted({m.faction for m in voters if m.faction != "無所属"},
                      key=lambda f: (-sum(m.faction == f for m in voters), f))
    against = factions[-1 - (index % max(1, min(2, len(factions) - 1)))] if len(factions) > 1 else factions[0]
    return [f for f in factions if f != against], against, voters


def report_sides(w: Writer, index: int) -> str:
    """「（賛成：A、B、反対：C）」 for the committee chair's report."""
    yes, no, _ = _sides(w, index)
    return f"（賛成：{'、'.join(yes)}、反対：{no}）"


def plenary_vote(w: Writer, index: int) -> tuple[list[str], list[str]]:
    """(the question put, the outcome announced) for a contested bill in the plenary."""
    _, against, voters = _sides(w, index)
    if index % 2 == 0:
        ask = ["これより採決いたします。", "本案は、委員長報告のとおり決定することに賛成の方の起立を求めます。"
               + STAGE + "〔賛成者起立〕"]
        return ask, ["起立多数であります。", "よって、本案は原案のとおり可決されました。"]
    opposed = [m for m in voters if m.faction == against]
    rebel = opposed[-1] if len(opposed) > 1 else None   # one member votes against their faction
    no = [m for m in opposed if m is not rebel]
    yes = [m for m in voters if m not in no]
    ask = ["これより採決いたします。", "本案は記名投票をもって採決いたします。", "議場の出入口を閉鎖いたします。"
           + STAGE + "〔議場閉鎖〕", "投票を行います。"]
    done = ["投票の結果を報告いたします。",
            f"投票総数{fw(len(voters))}票、白票{fw(len(yes))}票、青票{fw(len(no))}票。",
            "以上のとおり白票が多数であります。よって、本案は原案のとおり可決されました。",
            STAGE + "〔参照〕", "賛成者（白票）の氏名",
            SP.join(f"{fw(m.seat)}番{SP}{m.printed}君" for m in yes),
            "反対者（青票）の氏名",
            SP.join(f"{fw(m.seat)}番{SP}{m.printed}君" for m in no)]
    return ask, done
