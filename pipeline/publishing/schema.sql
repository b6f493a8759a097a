-- oshigiin data model v1 (see docs/data-model.md).
-- IDs are strings derived from source identifiers, never from insertion order, so a
-- re-crawl or a rebuild yields the same IDs. Every record carries source_url and fetched_at.
-- content_hash lets a load tell insert / update / noop apart without comparing columns.

CREATE TABLE IF NOT EXISTS councils (
    council_id   VARCHAR PRIMARY KEY,   -- 全国地方公共団体コード (e.g. 131121), or 'demo'
    name         VARCHAR NOT NULL,      -- 世田谷区
    prefecture   VARCHAR,
    platform     VARCHAR NOT NULL,      -- discussnet | voices | dbsearch | kensakusystem | kokkai
    base_url     VARCHAR,
    tenant       VARCHAR,               -- the platform's tenant slug
    fictional    BOOLEAN NOT NULL DEFAULT false,
    source_url   VARCHAR,               -- where the registry entry comes from
    content_hash VARCHAR
);

CREATE TABLE IF NOT EXISTS meetings (
    meeting_id      VARCHAR PRIMARY KEY,  -- {council_id}-{platform}-{ext_council_id}-{ext_schedule_id}
    council_id      VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,     -- 令和6年第1回2月定例会 02月22日-01号
    kind            VARCHAR NOT NULL,     -- 本会議 | 委員会 | その他
    session         VARCHAR,              -- 令和6年第1回2月定例会 (the platform's 会議 name, normalised)
    committee       VARCHAR,              -- 企画総務委員会 when kind = 委員会
    date            DATE,
    number          INTEGER,              -- 号
    ext_council_id  VARCHAR,
    ext_schedule_id VARCHAR,
    source_url      VARCHAR NOT NULL,     -- the page a person opens
    fetched_at      TIMESTAMPTZ NOT NULL,
    content_hash    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS speeches (
    speech_id     VARCHAR PRIMARY KEY,    -- {meeting_id}-{ext_minute_id}
    meeting_id    VARCHAR NOT NULL,
    council_id    VARCHAR NOT NULL,
    seq           INTEGER NOT NULL,       -- 1-based order within the meeting
    speaker_raw   VARCHAR,                -- ◆１５番（佐藤花子議員）, as printed
    speaker_name  VARCHAR,                -- 佐藤花子 (spaces removed, characters as printed)
    speaker_role  VARCHAR,                -- 議長, 区長, 教育長, 委員長 … NULL for a plain member
    person_id     VARCHAR,                -- resolved member, NULL when not a member or unresolved
    kind          VARCHAR NOT NULL,       -- question | answer | procedural | other
    text          VARCHAR NOT NULL,       -- the words spoken, as published (HTML unescaped)
    text_norm     VARCHAR NOT NULL,       -- NFKC + 異体字 folded: what search matches against
    -- Stage directions (〔区長登壇〕), time lines (午後１時休憩) and separator lines, taken out of text
    -- and kept here with the offset where each stood: pipeline/annotations.restore gives the page back.
    annotations   STRUCT(kind VARCHAR, "at" INTEGER, raw VARCHAR)[],
    ext_minute_id VARCHAR,
    source_url    VARCHAR NOT NULL,
    fetched_at    TIMESTAMPTZ NOT NULL,
    content_hash  VARCHAR NOT NULL
);

-- Databases built before annotations existed gain the column; their next load re-derives the text.
ALTER TABLE speeches ADD COLUMN IF NOT EXISTS annotations STRUCT(kind VARCHAR, "at" INTEGER, raw VARCHAR)[];

-- Popolo Person: council members (議員). Executives who answer are speakers, not people.
CREATE TABLE IF NOT EXISTS people (
    person_id    VARCHAR PRIMARY KEY,     -- {council_id}:{name_norm}
    council_id   VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,        -- as published
    name_norm    VARCHAR NOT NULL,        -- NFKC, 異体字 folded, no spaces
    kana         VARCHAR,                 -- reading in hiragana
    kana_source  VARCHAR,                 -- published (the council's roster) | generated (pykakasi: a guess)
    seat         INTEGER,                 -- 議席番号, latest known
    source_url   VARCHAR NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    content_hash VARCHAR NOT NULL
);

-- Popolo Organization: the council itself, and its factions (会派).
CREATE TABLE IF NOT EXISTS organizations (
    organization_id VARCHAR PRIMARY KEY,  -- {council_id}:council, {council_id}:faction:{name_norm}
    council_id      VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,
    classification  VARCHAR NOT NULL,     -- council | faction
    source_url      VARCHAR NOT NULL,
    fetched_at      TIMESTAMPTZ NOT NULL,
    content_hash    VARCHAR NOT NULL
);

-- Popolo Membership: a person seated in the council, or in a faction.
CREATE TABLE IF NOT EXISTS memberships (
    membership_id   VARCHAR PRIMARY KEY,  -- {person_id}@{organization_id}
    person_id       VARCHAR NOT NULL,
    organization_id VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,     -- member
    start_date      DATE,
    end_date        DATE,
    source_url      VARCHAR NOT NULL,
    fetched_at      TIMESTAMPTZ NOT NULL,
    content_hash    VARCHAR NOT NULL
);

-- Who the minutes list as present or absent (出席議員 / 欠席議員) at each meeting.
CREATE TABLE IF NOT EXISTS attendance (
    meeting_id   VARCHAR NOT NULL,
    person_id    VARCHAR NOT NULL,        -- {council_id}:{name_norm}; also a people row
    name         VARCHAR NOT NULL,        -- as listed, spaces removed
    seat         INTEGER,
    status       VARCHAR NOT NULL,        -- present | absent
    source_url   VARCHAR NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meeting_id, person_id)
);

-- Every response and every failure, so nothing goes silently stale.
CREATE TABLE IF NOT EXISTS fetch_log (
    run_id       VARCHAR NOT NULL,
    council_id   VARCHAR NOT NULL,
    spider       VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    method       VARCHAR NOT NULL,
    request_body VARCHAR,
    status       INTEGER,                 -- HTTP status, NULL when no response
    outcome      VARCHAR NOT NULL,        -- ok | http_error | network_error | parse_error
    reason       VARCHAR,
    archive_path VARCHAR,                 -- raw body kept for a failed page
    fetched_at   TIMESTAMPTZ NOT NULL
);

-- current: on the council's latest roster page where the council publishes one (an open
-- membership of the council itself), otherwise listed at the latest plenary sitting (本会議).
CREATE OR REPLACE VIEW members AS
WITH latest_plenary AS (
    SELECT council_id, max(date) AS date FROM meetings WHERE kind = '本会議' GROUP BY council_id
), seated AS (
    SELECT DISTINCT a.person_id
    FROM attendance a JOIN meetings mt USING (meeting_id)
    JOIN latest_plenary l ON l.council_id = mt.council_id AND l.date = mt.date
), open_memberships AS (
    SELECT m.person_id, o.organization_id, o.name, o.classification, o.council_id
    FROM memberships m JOIN organizations o USING (organization_id)
    WHERE m.end_date IS NULL
)
SELECT p.person_id, p.council_id, p.name, p.name_norm, p.kana, p.kana_source, p.seat,
       f.name AS faction, f.organization_id AS faction_id,
       CASE WHEN p.council_id IN (SELECT council_id FROM open_memberships WHERE classification = 'council')
            THEN p.person_id IN (SELECT person_id FROM open_memberships WHERE classification = 'council')
            ELSE p.person_id IN (SELECT person_id FROM seated) END AS current,
       p.source_url, p.fetched_at
FROM people p
LEFT JOIN open_memberships f ON f.person_id = p.person_id AND f.classification = 'faction';

-- Enrichment (pipeline/enrich.py): questions threaded with their answers, and their topics.
CREATE TABLE IF NOT EXISTS questions (
    question_id  VARCHAR PRIMARY KEY,     -- {meeting_id}-q{ordinal}
    meeting_id   VARCHAR NOT NULL,
    council_id   VARCHAR NOT NULL,
    ordinal      INTEGER NOT NULL,        -- 1-based within the sitting
    form         VARCHAR,                 -- 代表質問 | 一般質問 | 質疑
    style        VARCHAR,                 -- 一括 | 一問一答
    questioner   VARCHAR,                 -- as printed
    person_id    VARCHAR,                 -- the questioning member, when resolved
    first_seq    INTEGER,
    last_seq     INTEGER,
    items        VARCHAR,                 -- JSON [{no, heading, text}]: 第１点目 …
    answerers    VARCHAR,                 -- JSON [区長, 教育長 …] in order
    headline     VARCHAR,                 -- the question's own salient terms
    source_url   VARCHAR NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS question_speeches (
    question_id  VARCHAR NOT NULL,
    speech_id    VARCHAR NOT NULL,
    seq          INTEGER NOT NULL,
    role         VARCHAR NOT NULL,        -- question | answer | requestion | reanswer
    item         INTEGER,                 -- the numbered item it asks or answers, where known
    PRIMARY KEY (question_id, speech_id)
);

CREATE TABLE IF NOT EXISTS question_topics (
    question_id  VARCHAR NOT NULL,
    topic        VARCHAR NOT NULL,        -- id from data/topics.toml
    score        DOUBLE NOT NULL,
    evidence     VARCHAR NOT NULL,        -- JSON: the terms that matched, with counts
    PRIMARY KEY (question_id, topic)
);

-- Which version of the enrichment each sitting has; a new version redoes the older ones.
CREATE TABLE IF NOT EXISTS enrichment (
    meeting_id   VARCHAR PRIMARY KEY,
    version      VARCHAR NOT NULL
);
