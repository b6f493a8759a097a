"""A one-council registry file for tests that point a spider at a local replay."""

from __future__ import annotations

from pathlib import Path


def write_registry(directory: Path, *, code: str = "recorded", name: str = "記録市", **fields) -> str:
    """Write directory/councils.toml; the path goes in OSHIGIIN_COUNCILS."""
    def value(v):
        return str(v).lower() if isinstance(v, bool) else repr(v) if isinstance(v, float) else f'"{v}"'

    lines = ["[[council]]", f'code = "{code}"', f'name = "{name}"', *(f"{k} = {value(v)}" for k, v in fields.items())]
    path = Path(directory) / "councils.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)
