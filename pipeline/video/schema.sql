-- Council video (議会中継): recorded segments and what they are linked to (pipeline/video.py, docs/video.md).

-- One recorded segment: a speaker's part of a sitting as the video site lists it.
CREATE TABLE IF NOT EXISTS video_segments (
    segment_id    VARCHAR PRIMARY KEY,   -- {council_id}-{platform}-{the site's id: inquiry_id | council-schedule-playlist}
    council_id    VARCHAR NOT NULL,
    platform      VARCHAR NOT NULL,      -- jfit | discussvision
    ext_id        VARCHAR NOT NULL,
    session       VARCHAR,               -- 令和6年第1回定例会, as the site names it (NFKC, unspaced)
    date          DATE,                  -- the sitting's date
    meeting       VARCHAR,               -- 本会議, 企画総務委員会 … as the site names it
    ordinal       INTEGER,               -- order of the segment within its day on the site
    speaker_raw   VARCHAR,               -- 佐藤花子議員, as printed
    speaker_name  VARCHAR,               -- 佐藤花子 (the printed office taken off)
    speaker_id    VARCHAR,               -- the site's own speaker id, where it has one
    faction       VARCHAR,
    agenda        VARCHAR,               -- the site's agenda or content line
    segment_url   VARCHAR NOT NULL,      -- the page that plays the segment
    start_seconds DOUBLE,                -- where the segment starts in the media, when known
    media_url     VARCHAR,
    captions_url  VARCHAR,
    captions      STRUCT(start DOUBLE, "end" DOUBLE, text VARCHAR)[],
    -- The links (pipeline/video.py match): NULL when no single candidate fits; a guess is never stored.
    meeting_id    VARCHAR,
    question_id   VARCHAR,
    speech_id     VARCHAR,               -- the first speech of the question (or of the member's turn)
    person_id     VARCHAR,
    match         VARCHAR,               -- member | member+order | speech | sitting | ambiguous-sitting | no-sitting
    source_url    VARCHAR NOT NULL,      -- the listing the segment was read from
    fetched_at    TIMESTAMPTZ NOT NULL,
    content_hash  VARCHAR NOT NULL
);

-- Where in a segment each of its speeches starts, from the captions (pipeline/video_align.py).
CREATE TABLE IF NOT EXISTS video_speech_times (
    segment_id  VARCHAR NOT NULL,
    speech_id   VARCHAR NOT NULL,
    seconds     DOUBLE NOT NULL,         -- from the start of the segment's media
    score       DOUBLE NOT NULL,         -- share of the speech's opening characters found in the captions
    PRIMARY KEY (segment_id, speech_id)
);
