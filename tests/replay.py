"""A backend for demo.server.DiscussNetServer that replays real recorded DiscussNet responses.

Only what was recorded exists: one 会議's schedule list and one sitting. Anything else is a
404, as a real server answers an unknown id, so a test crawl must be narrowed to the
recorded 会議 (the spider's council_ids argument) — which is also what keeps its request
count bounded.
"""

from __future__ import annotations

import json
from pathlib import Path


class RecordedTenant:
    def __init__(self, folder: Path, slug: str = "recorded"):
        self.folder = folder
        self.meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        self.tenant_slug = slug
        self.tenant_id = int(self.meta["tenantId"])
        self.name = folder.name

    def _json(self, name: str) -> dict:
        return json.loads((self.folder / name).read_text(encoding="utf-8"))

    def tenant_js(self) -> str:
        return (self.folder / "tenant.js").read_text(encoding="utf-8")

    def councils_index(self) -> dict:
        return self._json("councils.json")

    def schedules(self, council_id: int) -> dict:
        if council_id != int(self.meta["councilId"]):
            raise KeyError(council_id)
        return self._json("schedules.json")

    def minute(self, council_id: int, schedule_id: int) -> dict:
        if (council_id, schedule_id) != (int(self.meta["councilId"]), int(self.meta["scheduleId"])):
            raise KeyError((council_id, schedule_id))
        return self._json("minute.json")

    def roster_html(self) -> str:
        raise KeyError("roster")

    def minute_view_html(self, council_id: int, schedule_id: int) -> str:
        raise KeyError((council_id, schedule_id))
