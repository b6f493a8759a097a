# Over 500 lines: one small function per verb (about 25 verbs); the work is in the library they call.
"""The `oshigiin` command: one small function per verb over the library."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from oshigiin.paths import PACKAGE, db_path


class Failure(click.ClickException):
    """A library error, shown to the user as one plain line."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main():
    """推し議員 — council minutes crawled, linked and searchable.

    \b
    Example:
        oshigiin demo build        # crawl the demo council into data/oshigiin.duckdb
        oshigiin dashboard         # open it in the browser
    """


@main.command()
def councils():
    """List the councils in the registry (data/councils.toml): platform, crawlable or not, data held.

    \b
    Example:
        oshigiin councils
    """
    from oshigiin.access import load_access, summary
    from oshigiin.crawler.run import spiders_for
    from oshigiin.pipeline.publishing.status import council_status
    from oshigiin.registry import load_registry, permissions, video_sources

    access = load_access()  # data/access.json, written by `oshigiin check-access` (docs/access.md)
    held = council_status()
    held = held.set_index("council_id") if not held.empty else None
    for c in load_registry():
        crawlable = bool(spiders_for(c)) and bool(c.base_url) and (c.platform != "discussnet" or bool(c.tenant))
        state = "crawlable" if crawlable else "not yet"
        if held is not None and c.code in held.index:
            h = held.loc[c.code]
            when = h.last_success.strftime("%Y-%m-%d") if h.last_success is not None else "never"
            state += f", {h.meetings} sittings held, last success {when}"
        video = ", ".join(f"{v.platform} ({v.status})" for v in video_sources(c)) or "—"  # docs/video.md
        granted = "; ".join(p.shown() for p in permissions(c))
        click.echo(f"{c.code:<8}{c.name:<6}{(c.platform or '独自システム'):<15}{state:<55}{c.base_url or ''}"
                   f"  video: {video}  access: {summary(c, access)}" + (f"  {granted}" if granted else ""))


@main.command("check-access")
@click.argument("council", required=False)
@click.option("--timeout", default=10.0, show_default=True, help="Seconds to wait for each robots.txt.")
def check_access_cmd(council, timeout):
    """Fetch only robots.txt of each host a council names (minutes, roster, video), once per host,
    and record whether the council's spiders may fetch there (data/access.json; docs/access.md).

    \b
    Example:
        oshigiin check-access 港区
        oshigiin check-access            # every council with a URL
    """
    from oshigiin.access import check_access, council_access
    from oshigiin.registry import find_council, load_registry

    try:
        chosen = [find_council(council)] if council else load_registry()
    except (LookupError, ValueError) as e:
        raise Failure(str(e)) from e
    chosen = [c for c in chosen if not c.fictional or council]
    check_access(chosen, timeout=timeout)
    blocked = False
    for c in chosen:
        for netloc, status, reason, permission in council_access(c):
            blocked |= status != "allowed" and not permission
            shown = f"{c.code:<8}{c.name:<6}{netloc:<32}{status:<12}{reason}"
            click.echo(shown + (f"  {permission}" if permission else ""))
    if blocked:
        click.echo("Forbidden or unreachable hosts are not crawled; docs/access.md gives the import route "
                   "(oshigiin import) and how a permission is recorded.", err=True)


@main.command("add-council")
@click.argument("url")
@click.option("--code", required=True, help="全国地方公共団体コード, 6 digits (世田谷区 = 131121).")
@click.option("--name", required=True, help="The council's municipality, e.g. 世田谷区.")
@click.option("--prefecture", default="", help="e.g. 東京都.")
@click.option("--roster-url", help="The council's page listing its members (議員名簿), on a public host.")
def add_council_cmd(url, code, name, prefecture, roster_url):
    """Recognise the minutes platform from URL and add the council to the registry.

    \b
    Example:
        oshigiin add-council https://ssp.kaigiroku.net/tenant/hakodate/SpTop.html --code 012025 --name 函館市
    """
    from oshigiin.registry import add_council

    try:
        council = add_council(code, name, url, prefecture, roster_url=roster_url)
    except ValueError as exc:
        raise Failure(str(exc)) from exc
    click.echo(f"added {council.name} ({council.code}): {council.platform} at {council.base_url}"
               + (f", tenant {council.tenant}" if council.tenant else ""))


@main.command()
@click.argument("council")
@click.option("--base-url", help="Crawl this host instead of the registry's (a local replay or the demo).")
@click.option("--cache/--no-cache", default=None,
              help="Development only: replay settled sittings from the HTTP cache (default: off; "
                   "OSHIGIIN_HTTPCACHE=1). Listings, recent sittings and robots.txt are always fetched.")
@click.option("--years", help="Only these view years, comma-separated (DiscussNet).")
@click.option("--council-ids", help="Only these platform 会議 ids, comma-separated (DiscussNet).")
@click.option("--full", is_flag=True, help="Fetch every sitting again, not only new and recent ones.")
@click.option("--from", "date_from", help="First date, YYYY-MM-DD (the Diet API; default: 30 days ago).")
@click.option("--until", "date_until", help="Last date, YYYY-MM-DD (the Diet API).")
@click.option("--load/--no-load", default=True, show_default=True, help="Load into the database afterwards.")
@click.option("--db", type=click.Path(path_type=Path), help="Database to load into.")
def crawl(council, base_url, cache, years, council_ids, full, date_from, date_until, load, db):
    """Crawl one council's minutes (and roster), then load them.

    COUNCIL is a 全国地方公共団体コード or a name from the registry.

    \b
    A re-crawl fetches only the listings, new sittings and recent ones (which councils still
    correct); --full fetches everything again.

    \b
    Example:
        oshigiin crawl 131075 --years 2024
        oshigiin crawl demo --base-url http://127.0.0.1:8765/
        oshigiin crawl kokkai --from 2025-11-01 --until 2025-11-30
    """
    from oshigiin import jobs
    from oshigiin.registry import UnknownCouncil, find_council

    try:
        council_obj = find_council(council)
    except UnknownCouncil as exc:
        raise Failure(str(exc)) from exc
    args = {k: v for k, v in (("years", years), ("council_ids", council_ids), ("full", "1" if full else None),
                              ("from", date_from), ("until", date_until)) if v}
    _run(jobs.crawl(council_obj, base_url=base_url, cache=cache, load=load, db=db, **args))


def _run(lines) -> None:
    """Echo a job's progress lines; its failure becomes the command's."""
    from oshigiin.jobs import JobFailed

    try:
        for line in lines:
            click.echo(line)
    except JobFailed as exc:
        raise Failure(str(exc)) from exc


@main.command()
@click.argument("council", required=False)
@click.option("--db", type=click.Path(path_type=Path), help="Database to read.")
def status(council, db):
    """Per council: last success, last error, meetings and speeches held, pages failing.

    With COUNCIL, also list the failing pages (URL, reason, archived body).

    \b
    Example:
        oshigiin status
        oshigiin status demo
    """
    from oshigiin.pipeline.publishing.status import council_status, failing_pages, printable, suspect_runs
    from oshigiin.registry import find_council

    table = council_status(db)
    if table.empty:
        raise Failure(f"{db or db_path()} does not exist or holds no council yet: crawl one first")
    for r in table.itertuples():
        ok = r.last_success.strftime("%Y-%m-%d %H:%M") if r.last_success is not None else "never"
        err = f"{r.last_error_at:%Y-%m-%d %H:%M} {r.last_error}" if r.last_error else "none"
        click.echo(f"{r.council_id:<8}{r.name:<8} last success {ok:<17} meetings {r.meetings:>6} "
                   f"speeches {r.speeches:>8}  latest sitting {r.latest_sitting or '-'}  "
                   f"failing pages {r.failing_pages:>4}  last error: {err}")
        for run in suspect_runs(r.council_id):  # the drop alarm (crawler/run.py)
            click.echo(f"  SUSPECT: the latest {run['spider']} crawl ({run['run_id']}) has markedly less than the "
                       f"previous successful one: {'; '.join(run['suspect'])}. The sittings held before are "
                       f"kept, not deleted; check the site before trusting this crawl.")
    if council:
        for f in failing_pages(find_council(council).code, db).itertuples():
            body = f" [{printable(f.request_body)}]" if f.request_body else ""
            click.echo(f"  {f.outcome:<18}{printable(f.reason):<40}{printable(f.url)}{body}  "
                       f"archived: {f.archive_path or '-'}")


@main.command("import")
@click.argument("platform", type=click.Choice(["voices", "dbsearch", "kensakusystem", "text"]))
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--council", "council_key", required=True, help="Code or name from the registry.")
@click.option("--source-url", help="Where the files were downloaded from "
              "(default: import:sha256:<the file's digest>/<its name>).")
@click.option("--replace", is_flag=True, help="A file whose sitting (開催日 and 会議名) an earlier import took from "
              "different text replaces it (a corrected download). Without it such a file is refused.")
@click.option("--load/--no-load", default=True, show_default=True)
@click.option("--db", type=click.Path(path_type=Path), help="Database to load into.")
def import_cmd(platform, files, council_key, source_url, replace, load, db):
    """Import minutes downloaded as text (one sitting per file), then load them.

    For councils whose robots.txt forbids crawling: VOICES and DB-Search offer 「テキスト形式」
    downloads, kensakusystem its statements. Shift_JIS and UTF-8 are both read.

    \b
    Example:
        oshigiin import kensakusystem 2025-02-17.txt --council 目黒区
    """
    from oshigiin.pipeline.publishing.importer import import_files
    from oshigiin.registry import UnknownCouncil, find_council

    try:
        council = find_council(council_key)
    except UnknownCouncil as exc:
        raise Failure(str(exc)) from exc
    run = import_files(council, council.platform if platform == "text" else platform, list(files), source_url,
                       replace=replace)
    click.echo(f"import: {run['meetings']} sittings, {run['speeches']} speeches, {run['failures']} files failed"
               + (f", {run['duplicates']} duplicate files imported once" if run["duplicates"] else ""))
    if run["meetings"] == 0:
        log = f"data/staging/{council.code}/{run['run_id']}/fetch_log.ndjson"
        raise Failure("\n".join([*run["refusals"], f"nothing imported; see {log}"]))
    if load:
        _load([council.code], db)
    if run["refusals"]:
        raise Failure("\n".join(run["refusals"]))


def _publish_imports(db: Path | None, work, reports: list, refused: type[Exception]) -> None:
    """Run an importer's work in one atomic publish; a refused file is the command's error."""
    from oshigiin.pipeline.publishing.load import publish

    try:
        published = publish(db, work)
    except refused as exc:
        raise Failure(str(exc)) from exc
    for r in reports:
        click.echo(r.summary())
    click.echo(f"published: {db or db_path()}" if published else "no changes: nothing published")


@main.command("import-elections")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--council", "council_key", help="The council (code or name) a single-area file is about.")
@click.option("--type", "election_type", help="区議会議員選挙, 区長選挙 … when the file does not say.")
@click.option("--date", "election_date", help="Election day (YYYY-MM-DD) when the file does not say.")
@click.option("--source", help="Who published the file (default: its file name).")
@click.option("--source-url", help="Where it was published.")
@click.option("--status", type=click.Choice(["official", "secondary"]), help="Default: official.")
@click.option("--db", type=click.Path(path_type=Path), help="Database to publish.")
def import_elections(files, council_key, election_type, election_date, source, source_url, status, db):
    """Import election results or turnout from CSV or Excel files, as election commissions and
    総務省 publish them (Shift_JIS or UTF-8, numbers with thousands separators, fractional votes).

    Every file is checked first (columns, dates, turnout = voters / electorate): one bad line
    rejects the whole import with the line and the reason, and nothing is written. The database
    is published atomically, like a load.

    \b
    Example:
        oshigiin import-elections kekka.csv --council 世田谷区 --type 区議会議員選挙 --date 2023-04-23
    """
    from oshigiin.pipeline import elections
    from oshigiin.registry import UnknownCouncil, find_council

    try:
        council = find_council(council_key).code if council_key else None
    except UnknownCouncil as exc:
        raise Failure(str(exc)) from exc
    reports = []

    def work(con) -> bool:
        for path in files:
            reports.append(elections.import_file(
                con, path, council=council, election_type=election_type, date=election_date, source=source,
                source_url=source_url, status=status, transaction=False))
        return any(c.get("insert") or c.get("update") for r in reports for c in r.counts.values())

    _publish_imports(db, work, reports, elections.ElectionImportError)


@main.command("import-stances")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--council", "council_key", required=True, help="The council (code or name) the stances are about.")
@click.option("--source-url", help="Where the stances were published (for lines without a source_url).")
@click.option("--format", "fmt", type=click.Choice(["table", "metro-tokyo"]),
              help="table: the CSV / Excel layout; metro-tokyo: a saved 各会派等の議案への賛否 page "
                   "(default: by the file's extension, .html is a page).")
@click.option("--db", type=click.Path(path_type=Path), help="Database to publish.")
def import_stances(files, council_key, source_url, fmt, db):
    """Import faction stances (各会派の態度) from CSV or Excel: date, motion, faction, stance
    (賛成 / 反対 / 棄権 / 退席 / 欠席 / 除斥), optional title and source_url. See docs/votes.md.

    Every file is checked first: one bad line rejects the whole import with the line and the
    reason, and nothing is written. Published atomically, like a load.

    \b
    Example:
        oshigiin import-stances taido.csv --council 大田区 --source-url https://…/taido.pdf
        oshigiin import-stances 06.html --council 東京都 --source-url https://www.gikai.metro.tokyo.lg.jp/…
    """
    from oshigiin.pipeline.votes import stances
    from oshigiin.registry import UnknownCouncil, find_council

    try:
        council = find_council(council_key).code
    except UnknownCouncil as exc:
        raise Failure(str(exc)) from exc
    reports = []

    def work(con) -> bool:
        for path in files:
            reports.append(stances.import_file(con, path, council, source_url, fmt))
        return any(r.counts["insert"] or r.counts["update"] or r.counts["delete"] for r in reports)

    _publish_imports(db, work, reports, stances.StanceImportError)


@main.command()
@click.argument("council", required=False)
@click.option("--db", type=click.Path(path_type=Path), help="Database to read.")
@click.option("--limit", default=50, show_default=True)
def review(council, db, limit):
    """List speakers who speak as members but were not linked to one, for a person to check.

    Nothing is dropped: an unlinked speech keeps its printed speaker; this shows which names
    need a roster entry or a correction. Also lists seats whose member's name changed between
    sittings: a renamed member is recorded in data/people.toml, never merged on a guess.

    \b
    Example:
        oshigiin review 131075
    """
    from oshigiin.pipeline.publishing.status import printable, rename_candidates, unresolved_speakers
    from oshigiin.registry import find_council

    code = find_council(council).code if council else None
    rows = unresolved_speakers(code, db, limit)
    if rows.empty:
        click.echo("every member-like speaker is linked to a member")
    for r in rows.itertuples():
        # Names and URLs come from council sites: control characters are shown, never sent to the terminal.
        click.echo(f"{r.council_id:<8}{printable(r.speaker_name) or '(no name)':<14}{printable(r.speaker_role):<12}"
                   f"{r.speeches:>6} speeches  {r.first_date} – {r.last_date}  e.g. {printable(r.example_url)}")
    renamed = rename_candidates(code, db)
    if not renamed.empty:
        click.echo("\nseats whose member's name changed (one person renamed? record it in data/people.toml):")
    for r in renamed.itertuples():
        click.echo(f"{r.council_id:<8}seat {r.seat:<4}{printable(r.before)} (until {r.last_as_before}) → "
                   f"{printable(r.after)} (from {r.first_as_after})")


@main.command("load")
@click.argument("councils", nargs=-1, required=True)
@click.option("--db", type=click.Path(path_type=Path), help="Database to publish.")
def load_cmd(councils, db):
    """Load the staged crawls of COUNCILS into the database and publish it atomically.

    \b
    Example:
        oshigiin load demo
    """
    from oshigiin.registry import find_council

    _load([find_council(c).code for c in councils], db)


def _load(codes: list[str], db: Path | None) -> None:
    from oshigiin.jobs import load_and_publish

    _run(load_and_publish(codes, db))


@main.group()
def demo():
    """The fictional demo council (架空区): generate, serve, crawl."""


@demo.command("build")
@click.option("--speeches", default=5000, show_default=True, help="Size of the generated council.")
@click.option("--seed", default=0, show_default=True)
@click.option("--db", type=click.Path(path_type=Path), help="Database to publish.")
@click.option("--if-missing", is_flag=True, help="Do nothing when the database already exists.")
@click.option("--port", type=int, help="Serve on this port while crawling (default: the registry's, 8765).")
def demo_build(speeches, seed, db, if_missing, port):
    """Serve the demo council on 127.0.0.1, crawl it with the real spider, load it.

    \b
    Example:
        oshigiin demo build --speeches 20000
    """
    from oshigiin.demo.build import build

    target = Path(db or db_path())
    if if_missing and target.exists():
        click.echo(f"{target} exists; not rebuilding")
        return
    try:
        for line in build(speeches=speeches, seed=seed, db=target, port=port):
            click.echo(line)
    except RuntimeError as exc:
        raise Failure(str(exc)) from exc


@demo.command("serve")
@click.option("--port", type=int, help="Default: the registry's (8765).")
@click.option("--speeches", type=int, help="Default: what the last `demo build` used.")
@click.option("--seed", type=int, help="Default: what the last `demo build` used.")
def demo_serve(port, speeches, seed):
    """Serve the demo council (DiscussNet API and minutes pages) in the foreground.

    With no options it serves what the last `demo build` crawled, so the source links in the
    database open.

    \b
    Example:
        oshigiin demo serve
    """
    from oshigiin.demo.build import registry_port, saved_settings
    from oshigiin.demo.generator import DemoCouncil
    from oshigiin.demo.server import DiscussNetServer

    saved = saved_settings()
    council = DemoCouncil(speeches=speeches or saved["speeches"], seed=saved["seed"] if seed is None else seed)
    try:
        server = DiscussNetServer(council, port=registry_port() if port is None else port)
    except OSError as exc:
        raise Failure(f"cannot serve the demo council: {exc}") from exc
    server.start()
    click.echo(f"serving 架空区 (demo) at {server.url}  — Ctrl-C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


@main.command()
@click.option("--port", default=lambda: int(os.environ.get("PORT", 8501)), show_default="8501 or $PORT")
@click.option("--db", type=click.Path(path_type=Path), help="Database to show.")
def dashboard(port, db):
    """Start the Streamlit dashboard on 127.0.0.1.

    \b
    Example:
        PORT=8600 oshigiin dashboard
    """
    target = Path(db or db_path())
    if not target.exists():
        raise Failure(f"{target} does not exist: run `oshigiin demo build` (or `make run`) first")
    os.environ["OSHIGIIN_DB"] = str(target)
    click.echo(f"dashboard: http://127.0.0.1:{port}/")
    sys.stdout.flush()
    os.execvp(sys.executable, [
        sys.executable, "-m", "streamlit", "run", str(_app_entry()),
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
        "--server.enableStaticServing", "true",
    ])


def _app_entry() -> Path:
    """The dashboard's entry script. Streamlit serves static/ beside it (the feeds): in a checkout that is
    dashboard/static → data/feeds; installed, the package folder is site-packages, so the entry is linked
    from a folder of the data directory whose static/ is the feeds folder."""
    from oshigiin.paths import IN_CHECKOUT, data_dir, feeds_dir

    app = PACKAGE / "dashboard"
    if IN_CHECKOUT:
        return app / "app.py"
    home = data_dir() / "dashboard"
    home.mkdir(parents=True, exist_ok=True)
    feeds_dir().mkdir(parents=True, exist_ok=True)
    for name, target in (("app.py", app / "app.py"), ("views", app / "views"), ("static", feeds_dir())):
        link = home / name
        if link.is_symlink() and link.resolve() == target.resolve():
            continue
        link.unlink(missing_ok=True)
        link.symlink_to(target)
    return home / "app.py"


PAGE_KINDS = {
    ("discussnet", "tenant-js"): "parse_tenant_js",
    ("discussnet", "councils"): "parse_councils",
    ("discussnet", "schedules"): "parse_schedules",
    ("discussnet", "minute"): "parse_minute",
    ("roster", "page"): "parse_roster",
    ("kokkai", "meeting"): "parse_meetings",
    ("kokkai", "meeting-list"): "parse_meetings",
    ("kokkai", "page"): "parse_page",
    ("text", "minutes"): "parse_text_minutes",
    ("kensakusystem", "top"): "parse_top",
    ("kensakusystem", "tree"): "parse_tree",
    ("kensakusystem", "frameset"): "parse_frameset",
    ("kensakusystem", "speakers"): "parse_speakers",
    ("kensakusystem", "statements"): "parse_statements",
    ("voices", "search-result"): "parse_meeting_list",
    ("voices", "header"): "parse_header",
    ("voices", "sidebar"): "parse_sidebar",
    ("voices", "huid-page"): "parse_huid_page",
    ("dbsearch", "top"): "parse_top",
    ("dbsearch", "search-result"): "list_documents",
    ("dbsearch", "frameset"): "parse_frameset",
    ("dbsearch", "command"): "parse_command",
    ("dbsearch", "detail"): "parse_detail",
    ("dbsearch", "page"): "parse_detail",
    ("sangiin", "roll-call"): "parse_roll_call",
    ("sangiin", "index"): "parse_index",
    ("sangiin", "bill"): "parse_bill_page",
    # Council video (docs/video.md): JFIT pages and DiscussVision API answers and captions.
    ("jfit", "gikai-list"): "parse_sessions", ("jfit", "days"): "parse_days", ("jfit", "day"): "parse_day",
    ("jfit", "play"): "parse_play", ("jfit", "speaker"): "parse_speaker",
    ("discussvision", "years"): "parse_years", ("discussvision", "councils"): "parse_councils",
    ("discussvision", "captions"): "parse_vtt",
}


PARSER_MODULES = {"text": "textfile"}


def _records(result):
    """Parser output → flat records: a sitting is its header line, then one line per speech."""
    import dataclasses

    if isinstance(result, tuple):
        result = result[0]
    items = result if isinstance(result, list) else [result]
    for item in items:
        record = dataclasses.asdict(item) if dataclasses.is_dataclass(item) else item
        if not isinstance(record, dict):
            yield {"value": record}
        elif "speeches" in record:
            yield {k: v for k, v in record.items() if k not in ("speeches", "front_matter")}
            yield from record["speeches"]
        else:
            yield record


@main.command("parse-page")
@click.argument("platform", type=click.Choice(sorted({p for p, _ in PAGE_KINDS})))
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def parse_page(platform, kind, file):
    """Parse one saved page and print its records as JSON lines.

    Works on pages from councils oshigiin has never seen: that is what it is for.

    \b
    Kinds: discussnet tenant-js | councils | schedules | minute; kensakusystem top | tree | frameset |
    speakers | statements; voices search-result | header | sidebar | huid-page; dbsearch top |
    search-result | frameset | command | detail | page; kokkai meeting | meeting-list | page;
    roster page; text minutes; sangiin roll-call (one line per member, totals checked) | index | bill.
    Example:
        oshigiin parse-page discussnet minute minute.json
    """
    result = _parse_saved(platform, kind, file)
    if platform == "sangiin" and kind == "roll-call":
        # One line per member; the page's totals must agree with the members counted.
        for record in result.records():
            click.echo(json.dumps(record, ensure_ascii=False))
        if problems := result.check():
            raise Failure(f"{file}: totals do not agree: {'; '.join(problems)}")
        return
    for record in _records(result):
        click.echo(json.dumps(record, ensure_ascii=False, default=str))


def _parse_saved(platform: str, kind: str, file: Path):
    """A saved page through the parser `oshigiin parse-page PLATFORM KIND` names; a parse error is the command's."""
    import importlib

    from oshigiin.minutes.parsers.errors import PARSE_ERRORS, as_parse_error

    fn_name = PAGE_KINDS.get((platform, kind))
    if not fn_name:
        kinds = ", ".join(k for p, k in PAGE_KINDS if p == platform)
        raise Failure(f"unknown kind {kind!r} for {platform}; one of: {kinds}")
    module = importlib.import_module(f"oshigiin.minutes.parsers.{PARSER_MODULES.get(platform, platform)}")
    body = file.read_bytes()
    try:
        return getattr(module, fn_name)(body if platform != "roster" else body.decode("utf-8"))
    except PARSE_ERRORS as exc:
        exc = as_parse_error(exc)
        raise Failure(f"{file}: {type(exc).__name__}: {exc}") from exc


@main.command("decisions")
@click.argument("platform", type=click.Choice(sorted({p for p, _ in PAGE_KINDS})))
@click.argument("kind")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reported", is_flag=True, help="Also the committee decisions that a committee chair's report states.")
def decisions_cmd(platform, kind, file, reported):
    """Print the decisions (採決) announced in a saved minutes page as JSON lines.

    The page is parsed as `parse-page PLATFORM KIND FILE` parses it; one line per motion decided:
    motion, title, method, result, yes, no, total, speech (the speech's seq or id).

    \b
    Example:
        oshigiin decisions dbsearch page page.html
        oshigiin decisions discussnet minute minute.json --reported
    """
    from oshigiin.pipeline.votes.decisions import extract

    result = _parse_saved(platform, kind, file)
    speeches = [r for r in _records(result) if "text" in r and "speaker_raw" in r]
    for d in extract(speeches):
        if d.reported and not reported:
            continue
        record = {"motion": d.motion, "title": d.title, "method": d.method, "result": d.result, "yes": d.yes,
                  "no": d.no, "total": d.total, "speech": d.speech or d.seq, "majority": d.majority,
                  "group": d.group}
        if d.reported:
            record |= {"reported": True, "body": d.body}
        click.echo(json.dumps(record, ensure_ascii=False))


def _show_progress(dataset: str, percent: float, size: int) -> None:
    """One line on a terminal, rewritten in place; nothing when stderr is a file or a pipe."""
    if sys.stderr.isatty():
        click.echo(f"\r{dataset}: {percent:5.1f}% read, {size / 1e6:,.0f} MB written ", nl=False, err=True)
        if percent >= 100:
            click.echo("", err=True)


@main.command("export")
@click.argument("datasets", nargs=-1)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Directory to write to.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet", "ndjson", "json"]),
              help="Default: csv; parquet with --all.")
@click.option("--excel", is_flag=True, help="CSV with a BOM, so Excel opens Japanese text correctly; text cells "
              "starting with = + - @ TAB or CR get a leading ' so Excel never runs them as formulas.")
@click.option("--all", "everything", is_flag=True, help="Every dataset, unfiltered, as Parquet: the bulk snapshot.")
@click.option("--council", help="Only this council (code, e.g. 131121).")
@click.option("--member", help="Only this member (person_id, e.g. 131121:佐藤花子). Speeches then come as headlines "
              "and 120-character excerpts with links, never full texts (著作権法40条1項).")
@click.option("--faction", help="Only members of this faction (name or organization_id).")
@click.option("--from", "date_from", help="Sittings (or elections) on or after YYYY-MM-DD.")
@click.option("--until", "date_to", help="Sittings (or elections) on or before YYYY-MM-DD.")
@click.option("--topic", help="Only what is linked to questions on this topic (data/topics.toml id).")
@click.option("--query", help="Only what is linked to speeches matching this search (search syntax).")
@click.option("--meeting-kind", help="search: only sittings of this kind (本会議, 委員会, その他).")
@click.option("--kind", help="search: only speeches of this kind (question, answer, procedural, other).")
@click.option("--list", "list_only", is_flag=True, help="List the datasets and the filters each accepts.")
@click.option("--db", type=click.Path(path_type=Path), help="Database to read (opened read-only).")
def export_cmd(datasets, out_dir, fmt, excel, everything, council, member, faction, date_from, date_to, topic, query,
               list_only, db, meeting_kind, kind):
    """Export datasets to CSV, Parquet, NDJSON or JSON with a datapackage.json describing them.

    DATASETS: councils, members, organizations, memberships, meetings, speeches, search (needs
    --query), questions, question_speeches (questions and answers, speech by speech),
    question_topics, attendance, elections, election_results, election_turnout_groups,
    candidate_members, motions, vote_events, stances, votes (docs/votes.md). Fields and keys:
    docs/data-dictionary.md.

    \b
    Example:
        oshigiin export speeches questions --council 131121 --from 2024-01-01 --out out/ --excel
        oshigiin export search --query "保育 OR 幼稚園" --format parquet --out out/
        oshigiin export --all --out snapshot/
    """
    from oshigiin.pipeline.sharing import datapackage
    from oshigiin.pipeline.sharing.export import Filters, export, export_all

    if list_only:
        for ds in datapackage.DATASETS.values():
            click.echo(f"{ds.name:<25}{ds.ja} / {ds.en}  [filters: {', '.join(ds.filters) or '-'}]")
        return
    if out_dir is None:
        raise Failure("--out DIR is required")
    filters = Filters(council=council, person=member, faction=faction, date_from=date_from, date_to=date_to,
                      topic=topic, query=query, meeting_kind=meeting_kind, kind=kind)
    if everything and (datasets or filters.used() or excel):
        raise Failure("--all exports every dataset unfiltered: give no DATASETS, filters or --excel with it")
    if not everything and not datasets:
        raise Failure("name the DATASETS to export, or --all (see --list)")
    started = time.monotonic()
    try:
        if everything:
            result = export_all(db, out_dir, fmt=fmt or "parquet", progress=_show_progress)
        else:
            result = export(db, list(datasets), fmt or "csv", out_dir, filters, excel=excel, progress=_show_progress)
    except (ValueError, FileNotFoundError) as exc:
        raise Failure(str(exc)) from exc
    for r in result.resources:
        click.echo(f"{r.path}  {r.rows:,} rows  {r.path.stat().st_size / 1e6:,.1f} MB")
    if result.skipped:
        click.echo(f"skipped: {', '.join(result.skipped)}")
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    click.echo(f"{result.datapackage}  version {result.version}")
    click.echo(f"export: {time.monotonic() - started:.1f}s")


@main.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the feeds to.")
@click.option("--searches", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Saved searches (TOML); default data/searches.toml when it exists.")
@click.option("--limit", default=50, show_default=True, help="Entries per feed.")
@click.option("--base-url", help="Where DIR will be served, for the feeds' self links and index.opml.")
@click.option("--db", type=click.Path(path_type=Path), help="Database to read (opened read-only).")
def feeds(out_dir, searches, limit, base_url, db):
    """Write Atom feeds: per council (new sittings), per member (their questions), per saved search.

    Every entry links to the original minutes. DIR/index.opml lists them all.

    \b
    Example:
        oshigiin feeds --out feeds/ --searches data/searches.toml
    """
    from oshigiin.pipeline.sharing.feeds import load_searches, write_feeds

    try:
        written = write_feeds(db, out_dir, load_searches(searches), limit=limit, base_url=base_url)
    except (ValueError, FileNotFoundError) as exc:
        raise Failure(str(exc)) from exc
    for kind in ("council", "member", "search"):
        mine = [f for f in written if f.kind == kind]
        click.echo(f"{kind}: {len(mine)} feeds, {sum(f.entries for f in mine)} entries")
    click.echo(f"feeds: {out_dir}/index.opml")
