"""What spiders yield. Plain dataclasses: the staging writer turns them into JSON lines.

A meeting travels as one item with its speeches and attendance inside, so a staging line
is a whole sitting or nothing — a crawl killed mid-write cannot leave half a meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class MeetingItem:
    council_id: str
    platform: str
    ext_council_id: str
    ext_schedule_id: str
    title: str
    kind: str                      # 本会議 | 委員会 | その他
    session: str | None
    committee: str | None
    date: str | None               # ISO date
    number: int | None             # 号
    source_url: str                # the page a person opens
    api_url: str                   # what was fetched
    fetched_at: str                # ISO timestamp, UTC
    speeches: list[dict] = field(default_factory=list)
    attendance: list[dict] = field(default_factory=list)


@dataclass
class MemberItem:
    """One row of a council's published roster (議員名簿)."""

    council_id: str
    name: str
    kana: str | None
    faction: str | None
    seat: int | None
    source_url: str
    fetched_at: str


@dataclass
class FailureItem:
    """A page we could not use. The body is archived; the next run fetches the page again."""

    council_id: str
    url: str
    method: str
    request_body: str | None
    status: int | None
    # http_error | network_error | parse_error | too_large | robots_forbidden | robots_unreachable |
    # refused (off the council's hosts, not http(s), or a non-public address: never sent) | incomplete
    outcome: str
    reason: str
    fetched_at: str
    body: bytes | None = None
