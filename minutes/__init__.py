"""The text of the minutes: formats, records, Japanese text. Uses nothing else of oshigiin."""
