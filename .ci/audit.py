"""Audit requirements.lock for known vulnerabilities with pip-audit; fail only on a found one.

    python .ci/audit.py [LOCK] [pip-audit options…]     (make audit; .ci/run)

Every package of the lock is looked up by its pinned version (pip-audit --disable-pip: nothing is
installed or resolved). Outcomes:

- a vulnerability found: listed with its ids and fixed versions; exit 1;
- none found: exit 0;
- the vulnerability service unreachable, silent past AUDIT_TIMEOUT seconds (default 300), or
  answering for none of the packages (a PyPI mirror without the JSON API answers 404 for each):
  said so on one line, exit 0 — an outage elsewhere must not turn CI red, and "NOT AUDITED" is
  printed, never "no vulnerabilities"; packages it could not look up are named;
- pip-audit failing for another reason (a lock it cannot read): its message, exit 2.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

UNREACHABLE = re.compile(r"ConnectionError|ConnectTimeout|ReadTimeout|ProxyError|Max retries exceeded|"
                         r"Name or service not known|Temporary failure in name resolution|timed out|"
                         r"Connection refused|Network is unreachable|ServiceError|SSLError|HTTPError|"
                         r"5\d\d Server Error")


def pip_audit() -> list[str]:
    """pip-audit from the tools venv (.venv/tools, made by make audit), else from PATH."""
    here = Path(__file__).resolve().parents[1] / ".venv" / "tools" / "bin" / "pip-audit"
    return [str(here)] if here.exists() else ["pip-audit"]


def main(argv: list[str]) -> int:
    lock = argv[0] if argv and not argv[0].startswith("-") else "requirements.lock"
    extra = argv[1:] if argv and not argv[0].startswith("-") else argv
    limit = float(os.environ.get("AUDIT_TIMEOUT", "300"))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        command = [*pip_audit(), "--requirement", lock, "--require-hashes", "--disable-pip", "--format", "json",
                   "--output", str(out), "--progress-spinner", "off", "--timeout", "30", *extra]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired:
            print(f"audit: the vulnerability service did not answer within {limit:.0f} s: {lock} NOT AUDITED")
            return 0
        report = json.loads(out.read_text()) if out.exists() and out.stat().st_size else None
    if report is None:
        message = (done.stderr or done.stdout).strip()
        if UNREACHABLE.search(message):
            last = message.splitlines()[-1] if message else ""
            print(f"audit: the vulnerability service could not be reached ({last[:200]}): {lock} NOT AUDITED")
            return 0
        print(f"audit: pip-audit failed (exit {done.returncode}):\n{message[-3000:]}")
        return 2
    dependencies = report.get("dependencies", [])
    found = [(d, v) for d in dependencies for v in d.get("vulns", [])]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    for d, v in found:
        fixes = ", ".join(v.get("fix_versions") or []) or "no fixed version"
        print(f"VULNERABLE {d['name']}=={d.get('version')}: {v['id']} {' '.join(v.get('aliases', []))} "
              f"(fixed in {fixes})")
    audited = len(dependencies) - len(skipped)
    if skipped:
        # A registry mirror without PyPI's JSON API answers 404 for every package: nothing was checked.
        names = ", ".join(d["name"] for d in skipped[:8]) + (" …" if len(skipped) > 8 else "")
        print(f"audit: {len(skipped)} of {len(dependencies)} packages could not be looked up ({names}; "
              f"{skipped[0]['skip_reason'][:120]})")
    if not audited and not found:
        print(f"audit: the vulnerability service answered for none of the packages: {lock} NOT AUDITED")
        return 0
    print(f"audit: {audited} packages of {lock} audited, {len(found)} known vulnerabilities")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
