-- Votes, after Popolo (docs/votes.md): motions, vote events, counts, organisations' stances and
-- persons' votes, kept apart. A decision the minutes announce (採決) is a vote_event; a faction's
-- stance is a stance; only a recorded individual vote (a roll call, a 記名投票 with names) is a vote.

CREATE TABLE IF NOT EXISTS motions (
    motion_id      VARCHAR PRIMARY KEY,  -- {council_id}:{year}:{identifier}; an unnumbered item: {meeting_id}:{title}
    council_id     VARCHAR NOT NULL,
    identifier     VARCHAR NOT NULL,     -- 議案第146号, 市第54号議案, 請願第6号 (NFKC), or the item's title
    title          VARCHAR,              -- where the minutes (or a page) print one
    classification VARCHAR NOT NULL,     -- 議案 | 議員提出議案 | 請願 | 陳情 | 意見書案 | 決議案 | 報告 | 承認 | 認定 | 同意 | 諮問 | 法律案 | その他
    year           INTEGER,              -- motions are numbered per year: 議案第1号 of 2024 is not that of 2025
    source_url     VARCHAR NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS vote_events (
    vote_event_id  VARCHAR PRIMARY KEY,  -- minutes: {speech_id}:{identifier} (+ ':reported'); roll call: {council_id}:rollcall:{number}
    council_id     VARCHAR NOT NULL,
    motion_id      VARCHAR NOT NULL,
    meeting_id     VARCHAR,              -- the sitting it was announced in (or the roll call's sitting, where loaded)
    date           DATE,
    body           VARCHAR,              -- 本会議 | 委員会 | the committee whose decision a report states | 参議院本会議
    reported       BOOLEAN NOT NULL,     -- a committee's decision as its chair reported it to this sitting
    grouping       VARCHAR,              -- motions decided together share it (日程第15〜日程第40)
    method         VARCHAR,              -- 簡易採決 | 起立 | 挙手 | 押しボタン | 記名投票 | 無記名投票 | 投票; NULL: not said
    result         VARCHAR NOT NULL,     -- 可決 | 原案可決 | 修正可決 | 否決 | 採択 | 不採択 | 承認 | 認定 | 同意 | 継続審査 | 委員長報告のとおり | 決定 …
    majority       VARCHAR,              -- 全員 | 多数 | 少数 | 可否同数, as announced
    speech_id      VARCHAR,              -- the speech that announced it (a link into the minutes)
    source         VARCHAR NOT NULL,     -- minutes | roll call
    evidence       VARCHAR,              -- the announcing sentence (NFKC) or the roll call's 案件名
    source_url     VARCHAR NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL,
    content_hash   VARCHAR NOT NULL
);

-- Popolo Count: only counts that were announced or printed, never inferred.
CREATE TABLE IF NOT EXISTS counts (
    vote_event_id  VARCHAR NOT NULL,
    option         VARCHAR NOT NULL,     -- total | yes | no
    value          INTEGER NOT NULL,
    PRIMARY KEY (vote_event_id, option)
);

-- An organisation's (faction's) position on a motion, from a council page, an import or a report.
CREATE TABLE IF NOT EXISTS stances (
    stance_id       VARCHAR PRIMARY KEY, -- {motion_id}@{organization_id}@{source}
    council_id      VARCHAR NOT NULL,
    motion_id       VARCHAR NOT NULL,
    organization_id VARCHAR NOT NULL,    -- {council_id}:faction:{name_norm}
    faction         VARCHAR NOT NULL,    -- as printed
    option_raw      VARCHAR NOT NULL,    -- 賛成 / 反対 / ○ / × … as printed
    option          VARCHAR NOT NULL,    -- yes | no | abstain | absent | not voting | excluded | left | chair
    date            DATE,                -- the decision's date: a faction is that of the member at this date
    source          VARCHAR NOT NULL,    -- the file or page it came from (import:<file>, page)
    source_url      VARCHAR NOT NULL,
    fetched_at      TIMESTAMPTZ NOT NULL
);

-- Popolo Vote: a person's recorded vote; a name that matches nobody is kept as printed.
CREATE TABLE IF NOT EXISTS votes (
    vote_event_id  VARCHAR NOT NULL,
    voter_name     VARCHAR NOT NULL,     -- as printed
    name_norm      VARCHAR NOT NULL,
    person_id      VARCHAR,              -- the member, when the normalised name is one at that council
    faction        VARCHAR,              -- as printed with the vote
    option_raw     VARCHAR NOT NULL,     -- ○ / ● / 賛成 / 反対 / 投票なし / 白票 … as printed ('' = both cells empty)
    option         VARCHAR NOT NULL,     -- yes | no | not voting | absent | abstain | left | excluded | chair
    source_url     VARCHAR NOT NULL,
    fetched_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (vote_event_id, name_norm)
);

-- Which version of the decision extraction each sitting has; a new version redoes the older ones.
CREATE TABLE IF NOT EXISTS decision_runs (
    meeting_id     VARCHAR PRIMARY KEY,
    version        VARCHAR NOT NULL
);
