"""Units of a sitting: a member's question with the answers it draws, a bill's report and vote.

Every unit is asked for an exact number of blocks and returns exactly that many, so that a
sitting (and the whole corpus) holds precisely the planned number of speeches.
"""

from __future__ import annotations

from . import phrases, votes
from .jpformat import RULE, SP, fw, kanji_ordinal
from .people import Member
from .topics import KAN, TOPICS_BY_COMMITTEE, Topic
from .writer import AGREED, PARA, STAGE, Block, Item, Writer

# How often the chair names the next answerer in a block of its own; tuned so that a corpus is
# roughly 40% answers, 35% questions and 25% procedural blocks, like real ward minutes.
P_NAME_ANSWERER = 0.15
P_RECOGNISE = 0.15
P_SUPPLEMENT = 0.2
P_CALL_ANSWERER = 0.35  # 代表・一般質問: the chair calls each answerer to the rostrum


# -- plenary units ---------------------------------------------------------------------------
def _answer_groups(w: Writer, items: list[Item], *, daihyo: bool) -> dict[str, list[Item]]:
    groups: dict[str, list[Item]] = {}
    mayor_topic = items[0].topic if w.rng.random() < 0.5 else None
    for it in items:
        if daihyo and not it.topic.education or it.topic is mayor_topic:
            post = "区長"
        else:
            post = w.answer_post(it.topic, plenary=True)
        groups.setdefault(post, []).append(it)
    order = sorted(groups, key=lambda p: (p != "区長", p != "教育長"))  # stable: otherwise as asked
    return {p: groups[p] for p in order}


def _limit_groups(groups: dict[str, list[Item]], limit: int) -> dict[str, list[Item]]:
    """At most ``limit`` answer blocks: the 区長 takes over the points nobody else has room for."""
    if len(groups) <= limit:
        return groups
    others = [p for p in groups if p != "区長"]
    kept = others[: limit - 1]
    mayor = [it for p, its in groups.items() if p not in kept for it in its]
    return {"区長": mayor, **{p: groups[p] for p in kept}}


def _numbered(w: Writer, i: int, total: int, style: str) -> str:
    if total == 1:
        return ""
    if style == "dai":
        return f"第{kanji_ordinal(i + 1)}に、"
    return f"{fw(i + 1)}点目、"


def _bulk_question(w: Writer, member: Member, items: list[Item], *, daihyo: bool) -> list[str]:
    topics: list[Topic] = []
    for it in items:
        if it.topic not in topics:
            topics.append(it.topic)
    intro = phrases.INTRO_DAIHYO if daihyo else phrases.INTRO_IPPAN
    paras = [w.fill(w.pick(intro), name=member.printed, faction=member.faction, k=kanji_ordinal(len(topics)))]
    style = w.pick(("dai", "ten"))
    for ti, topic in enumerate(topics):
        heads = (phrases.TOPIC_HEAD_FIRST if ti == 0 else
                 phrases.TOPIC_HEAD_LAST if ti == len(topics) - 1 else phrases.TOPIC_HEAD_NEXT)
        paras.append(w.fill(w.pick(heads), label=topic.label))
        paras.append(w.fill(w.pick(topic.facts)))
        if w.rng.random() < 0.6:
            paras.append(w.pick(topic.voices))
        points = [it for it in items if it.topic is topic]
        for i, it in enumerate(points):
            ask = w.fill(it.ask, s=it.subject, p=it.proposal)
            lead = "そこで、" if i == 0 and w.rng.random() < 0.5 else ""
            paras.append(lead + _numbered(w, i, len(points), style) + ask)
    paras.append(w.pick(phrases.QUESTION_CLOSINGS))
    return paras


def _bulk_answer(w: Writer, member: Member, post: str, items: list[Item], *, first: bool, daihyo: bool,
                 later_posts: list[str]) -> list[str]:
    labels = "及び".join(dict.fromkeys(it.topic.label for it in items))
    if post == "区長" and first:
        opens = phrases.ANSWER_OPEN_MAYOR_DAIHYO if daihyo else phrases.ANSWER_OPEN_MAYOR
    elif post == "教育長":
        opens = phrases.ANSWER_OPEN_EDUCATION
    else:
        opens = phrases.ANSWER_OPEN_DEPT
    paras = [w.fill(w.pick(opens), name=member.printed, faction=member.faction, labels=labels)]
    style = w.pick(("dai", "seq"))
    for i, it in enumerate(items):
        if style == "dai" and len(items) > 1:
            lead = f"第{kanji_ordinal(i + 1)}に、"
        else:
            lead = "初めに、" if i == 0 else "最後に、" if i == len(items) - 1 else "次に、"
            lead = "" if len(items) == 1 else lead
        paras.append(lead + w.fill(w.pick(phrases.ANSWER_ITEM_HEADS), s=it.subject))
        paras.append(w.fill(w.pick(phrases.MEASURES), m=it.measure))
        if it.proposes:
            paras.append(w.stance(it))
        if not it.proposes or w.rng.random() < 0.5:
            paras.append(w.pick(it.topic.plans))
    if post == "区長" and first and later_posts:
        edu = "教育長" in later_posts
        depts = any(p != "教育長" for p in later_posts)
        if edu and depts:
            paras.append("なお、教育に関する御質問につきましては教育長から、その他の御質問につきましては関係部長から"
                         "答弁いたします。")
        elif edu:
            paras.append("なお、教育に関する御質問につきましては、教育長から答弁いたします。")
        else:
            paras.append("なお、その他の御質問につきましては、関係部長から答弁いたします。")
    elif w.rng.random() < 0.4:
        paras.append(w.pick(phrases.ANSWER_CLOSINGS))
    return paras


def _follow_up(w: Writer, it: Item, *, last: bool) -> list[str]:
    paras = [w.fill(w.pick(phrases.FOLLOW_UPS), s=it.subject),
             w.fill(w.pick(phrases.FOLLOW_UP_BODIES), m=it.measure)]
    if w.rng.random() < 0.5:
        paras.append(w.pick(it.topic.voices))
    paras.append(w.fill(w.pick(phrases.FOLLOW_UP_ASKS), p=it.proposal))
    if last:
        paras.append(w.pick(phrases.QUESTION_CLOSINGS))
    return paras


def _re_answer(w: Writer, member: Member, it: Item) -> list[str]:
    paras = [w.fill(w.pick(phrases.RE_ANSWER_OPEN), name=member.printed), w.stance(it)]
    if w.rng.random() < 0.6:
        paras.append(w.pick(it.topic.plans))
    return paras


def _call_member(w: Writer, member: Member, *, first: bool, daihyo: bool) -> Block:
    lead = "初めに、" if first else "次に、"
    who = f"{fw(member.seat)}番{member.printed}議員。"
    if daihyo:
        who = f"{member.faction}を代表して、{member.printed}議員。"
    return w.chair(f"{lead}{who}{STAGE}〔{member.printed}議員登壇〕")


def plenary_unit(w: Writer, member: Member, size: int, *, first: bool, daihyo: bool) -> list[Block]:
    """One member's question (代表質問 or 一般質問) and everything it draws, in ``size`` blocks."""
    blocks = [_call_member(w, member, first=first, daihyo=daihyo)]
    rest = size - 1
    bulk = daihyo or w.rng.random() < 0.6  # the rest ask 一問一答
    end = f"以上で{member.printed}議員の{'代表質問' if daihyo else '一般質問'}を終わります。"
    if bulk:
        n_topics = w.rng.randint(3, 5) if daihyo else w.rng.randint(1, 3)
        items = w.items_for(member, n_topics, w.rng.randint(1, 3))
        blocks.append(w.question(member, _bulk_question(w, member, items, daihyo=daihyo), seat=True))
        rest -= 1
        groups = _limit_groups(_answer_groups(w, items, daihyo=daihyo), rest)
        extra = rest - len(groups)
        posts = list(groups)
        for gi, (post, its) in enumerate(groups.items()):
            if extra > 0 and w.rng.random() < P_CALL_ANSWERER:
                blocks.append(w.call_answerer(post))
                extra -= 1
            blocks.append(w.answer(post, _bulk_answer(w, member, post, its, first=gi == 0, daihyo=daihyo,
                                                      later_posts=posts[gi + 1:])))
        order: list[Item] = []
        while extra >= 2:
            if extra >= 3 and w.rng.random() < P_RECOGNISE:
                blocks.append(w.chair(f"{member.printed}議員。"))
                extra -= 1
            if not order:  # press on each point once before coming back to any
                order = w.rng.sample(items, len(items))
            it = order.pop()
            post = next(p for p, its in groups.items() if it in its)
            extra -= 2
            blocks.append(w.question(member, _follow_up(w, it, last=extra == 0), seat=False))
            blocks.append(w.answer(post, _re_answer(w, member, it)))
        if extra == 1:
            blocks.append(_last_word(w, member, w.pick(items), end))
        return blocks
    return blocks + _dialogue(w, member, rest, plenary=True, end=end)


def _dialogue(w: Writer, member: Member, rest: int, *, plenary: bool, end: str) -> list[Block]:
    """一問一答 (and committee 質疑): question, (chair names answerer), answer, … in ``rest`` blocks."""
    blocks: list[Block] = []
    wanted = max(1, rest // 4)  # fresh points for about half the exchanges, follow-ups for the rest
    n_topics = max(1, min(4, wanted // 2))
    items = w.items_for(member, n_topics, -(-wanted // n_topics))
    asked: list[tuple[Item, str]] = []
    i = 0
    while rest >= 2:
        name_it = rest >= 3 and w.rng.random() < P_NAME_ANSWERER
        # In committee the 部長 sometimes adds to a 課長's answer (補足答弁).
        supplement = not plenary and rest >= 3 + name_it and w.rng.random() < P_SUPPLEMENT
        rest -= 2 + name_it + supplement
        last = rest == 0  # with one block left the member has a last word instead
        if i < len(items):
            it = items[i]
            post = w.answer_post(it.topic, plenary=plenary)
            paras = _new_point(w, member, it, first=i == 0, plenary=plenary)
            answer = _point_answer(w, it, plenary=plenary)
        else:  # out of fresh points: press on one already asked
            it, post = asked[i % len(items)]  # cycle through the points already raised
            paras = _follow_up(w, it, last=False) if plenary else _committee_follow(w, it)
            answer = _re_answer(w, member, it) if plenary else _committee_re_answer(w, it)
        if plenary and last:
            paras.append(w.pick(phrases.QUESTION_CLOSINGS))
        asked.append((it, post))
        blocks.append(w.question(member, paras, seat=plenary and i == 0))
        if name_it:
            blocks.append(w.call_answerer(post))
        blocks.append(w.answer(post, answer))
        if supplement:
            blocks.append(_supplement(w, it, post))
        i += 1
    if rest == 1:
        blocks.append(_last_word(w, member, items[0], end))
    return blocks


def _supplement(w: Writer, it: Item, post: str) -> Block:
    head = it.topic.dept if it.topic.dept in w.ctx.answerers and it.topic.dept != post else None
    head = head or next((p for p in w.ctx.answerers if p != post), post)
    return w.answer(head, ["補足して答弁いたします。", w.stance(it), w.pick(it.topic.plans)])


def _last_word(w: Writer, member: Member, it: Item, chair_line: str) -> Block:
    """One block left in a unit: usually the member closes with a request, else the chair moves on."""
    if w.rng.random() < 0.25:
        return w.chair(chair_line)
    ack = w.pick(("御答弁ありがとうございました。", "前向きな御答弁をいただきました。",
                  "一定の理解をいたしました。"))
    done = "質疑を終わります。" if w.ctx.committee else "質問を終わります。"
    return w.question(member, [ack, f"{it.proposal}の実現を強く要望して、{done}"], seat=False)


def _new_point(w: Writer, member: Member, it: Item, *, first: bool, plenary: bool) -> list[str]:
    if not plenary:
        paras = [w.fill(w.pick(phrases.COMMITTEE_Q_OPEN), s=it.subject)]
        if w.ctx.day_type in ("yosan", "kessan"):
            paras = [_budget_lead(w, it)]
        if w.rng.random() < 0.6:
            paras.append(w.fill(w.pick(it.topic.facts)))
        paras.append(w.fill(it.ask, s=it.subject, p=it.proposal, m=it.measure))
        return paras
    paras = []
    if first:
        paras.append(w.fill(w.pick(phrases.INTRO_QA), name=member.printed, faction=member.faction))
        paras.append(f"初めに、{it.subject}について伺います。")
    else:
        paras.append(w.pick((f"次に、{it.subject}について伺います。", f"{it.subject}について伺います。")))
    paras.append(w.fill(w.pick(it.topic.facts)))
    if w.rng.random() < 0.4:
        paras.append(w.pick(it.topic.voices))
    paras.append(w.fill(it.ask, s=it.subject, p=it.proposal))
    return paras


def _budget_lead(w: Writer, it: Item) -> str:
    if w.ctx.day_type == "yosan":
        return w.fill(f"{{fy_next}}予算案のうち、{it.subject}に関連して伺います。")
    return w.fill(f"{{fy_prev}}決算における{it.subject}の執行状況について伺います。")


def _committee_follow(w: Writer, it: Item) -> list[str]:
    return [w.pick(phrases.COMMITTEE_FOLLOW),
            w.fill(w.pick(phrases.FOLLOW_UP_BODIES), m=it.measure),
            w.fill(w.pick(phrases.FOLLOW_UP_ASKS), p=it.proposal)]


def _committee_re_answer(w: Writer, it: Item) -> list[str]:
    paras = [w.pick(phrases.COMMITTEE_RE_OPEN), w.stance(it)]
    if w.rng.random() < 0.5:
        paras.append(w.pick(it.topic.plans))
    return paras


def _point_answer(w: Writer, it: Item, *, plenary: bool) -> list[str]:
    opens = phrases.ANSWER_ITEM_HEADS if plenary else phrases.COMMITTEE_A_OPEN
    paras = [w.fill(w.pick(opens), s=it.subject), w.fill(w.pick(phrases.MEASURES), m=it.measure)]
    if it.proposes:
        paras.append(w.stance(it))
    if not it.proposes or w.rng.random() < 0.4:
        paras.append(w.pick(it.topic.plans))
    return paras


# -- committee, final day and 臨時会 units ----------------------------------------------------
def committee_unit(w: Writer, member: Member, size: int, *, index: int) -> list[Block]:
    call = f"{member.printed}委員。"
    if index == 0:
        call = PARA.join(["説明が終わりました。",
                          "これより質疑を行います。質疑のある方は挙手願います。", call])
    elif w.ctx.day_type in ("yosan", "kessan") and w.rng.random() < 0.3:
        k = w.rng.randrange(len(KAN))
        call = f"次に、第{fw(k + 2)}款{KAN[k]}について質疑を行います。" + PARA + call
    end = w.pick(("ほかに関連した質疑はありませんか。",
                  "よろしいですか。" + PARA + "それでは、次の質疑に移ります。"))
    return [w.chair(call)] + _dialogue(w, member, size - 1, plenary=False, end=end)


def report_unit(w: Writer, index: int, size: int) -> list[Block]:
    """A bill on the final day: committee report (◆, kind other) and a vote, in 3 or 4 blocks."""
    committee, reporter = w.ctx.reporters[index % len(w.ctx.reporters)]
    bill = w.ctx.bills[index % len(w.ctx.bills)]
    role = committee.removesuffix("会") + "長"
    intro = w.chair(f"日程第{fw(index + 1)}、{bill}を議題といたします。",
                    f"本案に関し、{role}の報告を求めます。",
                    f"{role}、{reporter.printed}議員。{STAGE}〔{role}{SP}{reporter.printed}議員登壇〕")
    examined = TOPICS_BY_COMMITTEE.get(committee) or w.ctx.topics  # special committees examine everything
    subject = w.pick(w.pick(examined).subjects)
    result = w.pick(("全員異議なく、原案のとおり可決すべきものと決定いたしました",
                     "賛成多数により、原案のとおり可決すべきものと決定いたしました"))
    report = w.report(committee, reporter, [
        f"ただいま議題となりました{bill}につきまして、{committee}における審査の経過と結果を御報告いたします。",
        "本委員会は、理事者から説明を聴取した後、質疑を行いました。",
        f"質疑では、{subject}などについて質疑がありました。",
        f"採決の結果、本案は{result.replace('賛成多数', '賛成多数' + votes.report_sides(w, index), 1)}。",
        "以上で報告を終わります。",
    ])
    vote = ["これより採決いたします。",
            "本案は、委員長報告のとおり決定することに御異議ありませんか。" + AGREED]
    done = ["御異議なしと認めます。", "よって、本案は原案のとおり可決されました。\n" + RULE]
    if "賛成多数" in result:  # contested: 起立, or a 記名投票 with names (demo/votes.py)
        vote, done = votes.plenary_vote(w, index)
        done[-1] += "\n" + RULE
    if size == 3:
        return [intro, report, w.chair(*vote, *done)]
    return [intro, report, w.chair(*vote), w.chair(*done)]


def vote_unit(w: Writer, index: int) -> list[Block]:
    """A bill put to the vote without a report from the floor (two blocks)."""
    bill = w.ctx.bills[index % len(w.ctx.bills)] if w.ctx.bills else f"議案第{fw(index + 1)}号"
    return [w.chair(f"日程第{fw(index + 1)}、{bill}を議題といたします。",
                    "本案は、委員会審査報告書のとおり決定することに御異議ありませんか。" + AGREED),
            w.chair("御異議なしと認めます。", "よって、本案は原案のとおり可決されました。\n" + RULE)]


_RINJI_ITEMS = (  # (agenda item, the question put to the house)
    ("副議長の選挙を行います。",
     "選挙の方法は、指名推選によりたいと思います。これに御異議ありませんか。"),
    ("議席の指定を行います。",
     "議席は、ただいま御着席のとおり指定いたしたいと思います。これに御異議ありませんか。"),
    ("特別委員会の設置についてを議題といたします。",
     "本件は、原案のとおり設置することに御異議ありませんか。"),
    ("清掃一部事務組合議会議員の選挙を行います。",
     "選挙の方法は、指名推選によりたいと思います。これに御異議ありませんか。"),
    ("東京都後期高齢者医療広域連合議会議員候補者の推薦を行います。",
     "推薦の方法は、議長において指名することにいたしたいと思います。これに御異議ありませんか。"),
    ("常任委員の選任を行います。",
     "お手元に配付の名簿のとおり指名いたしたいと思います。これに御異議ありませんか。"),
    ("議会運営委員の選任を行います。",
     "お手元に配付の名簿のとおり指名いたしたいと思います。これに御異議ありませんか。"),
    ("監査委員の選任同意についてを議題といたします。",
     "本件は、原案のとおり同意することに御異議ありませんか。"),
)


def rinji_unit(w: Writer, index: int) -> list[Block]:
    head, ask = _RINJI_ITEMS[index % len(_RINJI_ITEMS)]
    return [w.chair(f"日程第{fw(index + 1)}、{head}", ask + AGREED),
            w.chair("御異議なしと認めます。", "よって、そのように決定いたしました。")]
