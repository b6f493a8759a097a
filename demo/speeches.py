"""Write one sitting's speech blocks: who speaks, in what order, and what they say.

``write_meeting(ctx, n, rng)`` returns exactly ``n`` blocks for the sitting described by ``ctx``:
the chair's opening business, then units (a member's question with the answers it draws, or a
bill's committee report and vote; see units.py), then the closing. All randomness comes from
``rng``, which the caller seeds per sitting, so a sitting reads the same whatever else has been
generated.
"""

from __future__ import annotations

import random

from . import phrases
from .jpformat import RULE, SP, clock, fw, month_day
from .people import Member
from .units import committee_unit, plenary_unit, report_unit, rinji_unit, vote_unit
from .writer import AGREED, PARA, STAGE, TIME, Block, MeetingContext, Writer, partition, split_34

RECESS_FROM = 40  # sittings with at least this many blocks break for lunch


# -- opening and closing ----------------------------------------------------------------------
def _signers(w: Writer) -> str:
    two = sorted(w.rng.sample(w.ctx.present, min(2, len(w.ctx.present))), key=lambda m: m.seat)
    rows = "".join(f"\n{SP * 6}{fw(m.seat)}番{SP}{m.printed}議員" for m in two)
    return f"会議録署名議員には、{rows}\nを指名いたします。"


def _greeting(w: Writer, *, closing: bool) -> list[str]:
    ctx = w.ctx
    if closing:
        paras = [f"{ctx.session_label}の閉会に当たり、一言御挨拶を申し上げます。",
                 "議員の皆様には、提出いたしました全ての案件につきまして、慎重な御審議の上、御議決を賜り、"
                 "厚く御礼申し上げます。"]
    elif ctx.session_number == 1 and ctx.date.month == 2:
        paras = [w.fill(f"{ctx.session_label}の開会に当たり、{{fy_next}}の区政運営に臨む私の所信の一端と、"
                        "予算案の概要を申し上げます。")]
    else:
        paras = [f"{ctx.session_label}の開会に当たり、一言御挨拶を申し上げます。",
                 "議員の皆様には、御多忙の中、御出席を賜り、厚く御礼申し上げます。"]
    for topic in w.rng.sample(ctx.topics, min(3, len(ctx.topics))):
        paras.append(w.fill(w.pick(phrases.MEASURES), m=w.pick(topic.measures)))
        paras.append(w.pick(topic.plans))
    paras.append("何とぞよろしく御審議の上、御議決を賜りますようお願い申し上げます。" if not closing
                 else "今後とも、区政の推進に一層の御理解と御協力を賜りますようお願い申し上げ、"
                      "閉会の御挨拶といたします。")
    return paras


def _adjourn(w: Writer, word: str) -> str:
    nxt = w.ctx.next_day
    when = (f"次の会議は、{month_day(nxt)}午前１０時から開きます。" if nxt
            else "次の会議は、追って通知いたします。")
    return PARA.join(["以上で本日の日程は全て終了いたしました。", when,
                      f"本日はこれをもちまして{word}いたします。{TIME}{clock(w.ctx.end)}{word}"])


def opening(w: Writer) -> list[Block]:
    ctx = w.ctx
    if ctx.day_type == "daihyo":
        end = ctx.session_end or ctx.date
        days = fw((end - ctx.date).days + 1)
        return [
            w.chair(f"ただいまから{ctx.session_label}を開会いたします。",
                    f"直ちに本日の会議を開きます。{TIME}{clock(ctx.start)}開議\n{RULE}"),
            w.chair("日程第１、会議録署名議員の指名を行います。", _signers(w)),
            w.chair("日程第２、会期の決定についてお諮りいたします。",
                    f"本定例会の会期は、本日から{month_day(end)}までの{days}日間といたしたいと思います。"
                    "これに御異議ありませんか。" + AGREED),
            w.chair("御異議なしと認めます。", f"よって、会期は{days}日間と決定いたしました。\n" + RULE),
            w.chair("日程第３、区長から招集の挨拶があります。", "区長。" + STAGE
                    + f"〔区長{SP}{ctx.answerers['区長'].name}登壇〕"),
            w.answer("区長", _greeting(w, closing=False)),
            w.chair("日程第４、代表質問を行います。", "順次発言を許します。"),
        ]
    if ctx.day_type == "ippan":
        again = "前日に引き続き、順次発言を許します。" if ctx.number > 2 else "順次発言を許します。"
        return [w.chair(f"ただいまから本日の会議を開きます。{TIME}{clock(ctx.start)}開議\n{RULE}",
                        "日程第１、一般質問を行います。", again)]
    if ctx.day_type == "final":
        return [w.chair(f"ただいまから本日の会議を開きます。{TIME}{clock(ctx.start)}開議\n{RULE}")]
    if ctx.day_type == "rinji":
        chair = ctx.new_chair or ctx.chair
        blocks = [
            w.chair(f"ただいまから{ctx.session_label}を開会いたします。",
                    "地方自治法第百七条の規定により、年長の私が臨時に議長の職務を行います。",
                    "直ちに本日の会議を開きます。"),
            w.chair("これより議長の選挙を行います。",
                    "お諮りいたします。選挙の方法は、指名推選によりたいと思います。"
                    "これに御異議ありませんか。" + AGREED),
            w.chair("御異議なしと認めます。", f"議長に{chair.printed}議員を指名いたします。",
                    f"ただいま指名いたしました{chair.printed}議員を議長の当選人と定めることに"
                    "御異議ありませんか。" + AGREED),
            w.chair("御異議なしと認めます。", f"よって、{chair.printed}議員が議長に当選されました。",
                    f"{chair.printed}議員、議長席にお着き願います。{STAGE}〔{chair.printed}議員議長席に着く〕"),
        ]
        w.chair_member, w.chair_role = chair, "議長"
        blocks.append(w.chair(f"ただいま議長に選任いただきました{chair.printed}でございます。",
                              "議員各位の御協力を賜りながら、公正かつ円滑な議会運営に全力を尽くしてまいります。",
                              "よろしくお願い申し上げます。"))
        return blocks
    # committees
    dept = next(iter(ctx.answerers))
    if ctx.day_type in phrases.BUDGET_EXPLANATIONS:
        explanation = w.fill(phrases.BUDGET_EXPLANATIONS[ctx.day_type])
    else:
        explanation = f"本案は、{w.pick(phrases.BILL_REASONS)}ため、所要の措置を講ずるものでございます。"
    return [
        w.chair(f"ただいまから{ctx.committee}を開会いたします。{TIME}{clock(ctx.start)}開会",
                f"本日は、{ctx.agenda}について審査を行います。", "理事者から説明を求めます。"),
        w.answer(dept, [f"それでは、{ctx.agenda}について御説明申し上げます。",
                        explanation,
                        "説明は以上でございます。御審議のほど、よろしくお願い申し上げます。"]),
    ]


def closing(w: Writer) -> list[Block]:
    ctx = w.ctx
    if ctx.day_type in ("daihyo", "ippan"):
        return [w.chair(_adjourn(w, "散会"))]
    if ctx.day_type == "final":
        return [
            w.chair("以上をもちまして、本定例会に付議された案件は全て議了いたしました。",
                    "この際、区長から発言を求められておりますので、これを許します。",
                    f"区長。{STAGE}〔区長{SP}{ctx.answerers['区長'].name}登壇〕"),
            w.answer("区長", _greeting(w, closing=True)),
            w.chair(f"これをもちまして、{ctx.session_label}を閉会いたします。{TIME}{clock(ctx.end)}閉会"),
        ]
    if ctx.day_type == "rinji":
        return [w.chair("以上で本日の日程は全て終了いたしました。",
                        f"これをもちまして、{ctx.session_label}を閉会いたします。{TIME}{clock(ctx.end)}閉会")]
    return [
        w.chair("ほかに質疑はありませんか。" + STAGE + "〔「なし」と呼ぶ者あり〕",
                "質疑がなければ、以上で質疑を終了いたします。",
                f"以上で本日の{ctx.committee}を閉会いたします。{TIME}{clock(ctx.end)}閉会"),
    ]


# -- the whole sitting ------------------------------------------------------------------------
def write_meeting(ctx: MeetingContext, n: int, rng: random.Random) -> list[Block]:
    """Exactly ``n`` speech blocks for one sitting."""
    w = Writer(ctx, rng)
    head = opening(w)
    room = n - len(head) - _closing_size(ctx)
    if room < 0:  # a very small sitting: keep the opening's first blocks and the final words
        keep = max(1, n - _closing_size(ctx))
        head = head[:keep]
        tail = closing(w)[-(n - keep):] if n > keep else []
        return head + tail
    middle = _middle(w, room)
    return head + middle + closing(w)


def _closing_size(ctx: MeetingContext) -> int:
    return {"final": 3}.get(ctx.day_type, 1)


def _middle(w: Writer, room: int) -> list[Block]:
    ctx = w.ctx
    rng = w.rng
    if ctx.day_type == "final":
        return _final_middle(w, room)
    if ctx.day_type == "rinji":
        blocks: list[Block] = []
        i = 0
        while room - len(blocks) >= 2:
            blocks += rinji_unit(w, i)
            i += 1
        return blocks + (w.recess(1) if room - len(blocks) == 1 else [])
    recess = (1 if rng.random() < 0.5 else 2) if room >= RECESS_FROM else 0
    budget = room - recess
    if ctx.day_type in ("daihyo", "ippan"):
        speakers = _plenary_speakers(w)
        if ctx.day_type == "daihyo":
            count = max(1, min(len(speakers), budget // 7))
        else:
            count = max(1, min(len(speakers), round(budget / 9)))
    else:
        speakers = [m for m in ctx.present]
        rng.shuffle(speakers)
        count = max(1, round(budget / 8))
    sizes = partition(rng, budget, count, 3)
    if not sizes:  # fewer than three blocks to fill: no room for a question, just a break
        return w.recess(room) if room else []
    out: list[Block] = []
    half = len(sizes) // 2
    for i, size in enumerate(sizes):
        if recess and i == half:
            out += w.recess(recess)
        member = speakers[i % len(speakers)]
        if ctx.day_type in ("daihyo", "ippan"):
            out += plenary_unit(w, member, size, first=i == 0, daihyo=ctx.day_type == "daihyo")
        else:
            out += committee_unit(w, member, size, index=i)
    return out


def _plenary_speakers(w: Writer) -> list[Member]:
    ctx = w.ctx
    pool = [m for m in ctx.present if m is not ctx.vice]
    if ctx.day_type == "daihyo":
        groups: dict[str, list[Member]] = {}
        for m in pool:
            groups.setdefault(m.faction, []).append(m)
        ranked = sorted((f for f in groups if f != "無所属" and len(groups[f]) >= 3),
                        key=lambda f: (-len(groups[f]), f))
        reps = [min(groups[f], key=lambda m: (m.first_elected, m.seat)) for f in ranked]
        return reps or pool[:1]
    w.rng.shuffle(pool)
    return pool


def _final_middle(w: Writer, room: int) -> list[Block]:
    if not w.ctx.reporters:  # every committee chair is away: the bills are put to the vote directly
        out: list[Block] = []
        while room - len(out) >= 2:
            out += vote_unit(w, len(out) // 2)
        return out + (w.recess(1) if room - len(out) == 1 else [])
    sizes, rest = split_34(room)
    out: list[Block] = []
    for i, size in enumerate(sizes):
        out += report_unit(w, i, size)
    return out + (w.recess(rest) if rest else [])
