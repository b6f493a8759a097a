"""議会中継: video segments linked to sittings and speeches, captions aligned to the minutes."""
