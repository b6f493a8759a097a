"""What a parser may raise on bad input: the spiders record it as a parse failure with the URL and
the archived body, and `oshigiin parse-page` prints it as one line (tests/test_robust_parsers.py)."""

from __future__ import annotations

from oshigiin.minutes.parsers.discussnet import ParseError

# RecursionError: JSON or markup nested deeper than Python's stack (a hostile page; the stdlib
# json decoder recurses once per level); OverflowError: a number or date out of range.
PARSE_ERRORS = (ParseError, KeyError, ValueError, TypeError, RecursionError, OverflowError)


def as_parse_error(exc: Exception) -> Exception:
    """The error as a reader of `oshigiin status` should see it: RecursionError's own message
    ("maximum recursion depth exceeded…") does not say what was wrong with the page."""
    if isinstance(exc, RecursionError):
        return ParseError(f"nested too deeply to read ({exc})")
    return exc
