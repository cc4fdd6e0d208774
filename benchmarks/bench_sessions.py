"""``python -m benchmarks.bench_sessions``: N analysts on one Workbench server, as a team would use it.

Starts the real server on a copy of a workspace seeded with the sample bank (``workbench app --with-sample``),
then drives N concurrent sessions from one headless Chromium (one browser context each, so the clients cost
little) through Data → Profile → Features → Model, pausing between pages as a reader does. Reports page-ready
p50/p95 and the server's RSS (the process and its children, read from /proc) for each N, side by side, and
the RSS once the sessions have closed and the server has had time to let them go.

Page-ready: the page's title is on screen, the script run is over and no spinner or progress bar is left;
``drawn`` also waits for every plotly chart to be drawn in the browser. Both are end to end: they include the
browser's own work, and here the N browser contexts share the server's cores. So the benchmark also reports
what the server owes a page view, read from the websocket as the browser's network stack saw it (the rerun
request sent → the script run's end received, whatever the page's renderer was doing), and the CPU seconds
the server and the browser each spent over the run. ``--server-cpus``/``--browser-cpus`` pin them to
separate cores, as when each analyst's browser runs on their own machine.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.session_seed import seed_team_day
from benchmarks.session_wire import WireTimings, one_wire_session, record_walk

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "RESULTS.md"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
FLOW = (("data", "nav.data"), ("profile", "nav.profile"), ("features", "nav.features"), ("model", "nav.model"))

READY_JS = """([title, drawn]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  const h1 = main && main.querySelector('h1');
  if (!h1 || !h1.textContent.includes(title)) return false;
  if (main.querySelector('[data-testid="stSpinner"], [data-testid="stProgress"]')) return false;
  if (!drawn) return true;
  return [...main.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'));
}"""


# --- the server -------------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(home: Path) -> None:
    """A workspace holding the certified sample bank, as ``workbench app --with-sample`` leaves it."""
    from workbench.commands.app import seed_sample

    os.environ["WORKBENCH_HOME"] = str(home)
    seed_sample(home)


def start_server(home: Path, port: int, ttl: int, log: Path, cpus: set[int] | None = None) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "WORKBENCH_HOME": str(home),
        "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(ttl),
    }
    env.pop("WORKBENCH_DB_URL", None)
    cmd = [sys.executable, "-m", "workbench", "app", "--workspace", str(home), "--port", str(port)]
    out = log.open("w")
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, preexec_fn=pin)
    deadline = time.monotonic() + 60
    while True:
        try:
            with NO_PROXY.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.read() == b"ok":
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not become healthy, see {log}")
        time.sleep(0.2)


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int], seen: dict[tuple[int, str], float]) -> None:
    """Record in ``seen`` the user+system CPU seconds of each process (keyed by pid and start time, so a reused
    pid is another process); a process that ends between two samples keeps its last reading."""
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seen[(p, fields[19])] = (int(fields[11]) + int(fields[12])) / TICK


def run_queue_wait(pids: list[int], seen: dict[int, float]) -> None:
    """Record in ``seen`` the seconds each thread of ``pids`` has spent ready to run but waiting for a core
    (the kernel's schedstat): time a busy machine, not the program, adds to a page view."""
    for p in pids:
        try:
            tasks = list(Path(f"/proc/{p}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                seen[int(task.name)] = int((task / "schedstat").read_text().split()[1]) / 1e9
            except (OSError, IndexError, ValueError):
                continue


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every process below it (the server's helpers count too)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) * 1024
            for task in Path(f"/proc/{p}/task").iterdir():
                children = (task / "children").read_text().split()
                todo.extend(int(c) for c in children)
        except (OSError, AttributeError):
            continue
    return total


# --- the sessions -----------------------------------------------------------------------------------------------
BROWSER = {"executable": CHROMIUM}  # main() may point it at the unprivileged wrapper


def unprivileged_browser(work: Path) -> str:
    """Chromium as an analyst runs it. Run as root (as here), Chromium raises its display threads (each
    renderer's main thread, compositor, IO) to nice -8, which a desktop user's browser is not allowed to do;
    ten renderers at -8 then take the shared cores from the server at nice 0 (measured: the server's threads
    waited ~190 s for a core over one N = 10 run while using 10 s of CPU). Started without the privilege to
    lower its niceness (CAP_SYS_NICE), Chromium keeps every thread at the user's priority, as on a desktop."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return CHROMIUM
    wrapper = work / "chromium-as-user"
    wrapper.write_text(f'#!/bin/sh\nexec setpriv --bounding-set=-sys_nice -- {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


async def launch(pw):
    return await pw.chromium.launch(
        executable_path=BROWSER["executable"], args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    )


@dataclass
class Timings:
    ready: dict[str, list[float]] = field(default_factory=dict)
    drawn: dict[str, list[float]] = field(default_factory=dict)
    served: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


class Wire:
    """The app's websocket as the browser's network stack saw it (DevTools protocol, browser-process clock):
    when each rerun request left and each script run's end arrived. Their difference is what the server owes
    for a page view, whatever the page's renderer was busy with meanwhile."""

    def __init__(self) -> None:
        self.events: list[tuple[float, str]] = []

    async def attach(self, context, page) -> None:
        cdp = await context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameSent", lambda e: self._seen(e, "sent"))
        cdp.on("Network.webSocketFrameReceived", lambda e: self._seen(e, "received"))
        await cdp.send("Network.enable")

    def _seen(self, event: dict, direction: str) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        frame = event["response"]
        if frame.get("opcode") != 2:
            return
        data = base64.b64decode(frame["payloadData"])
        try:
            if direction == "sent" and BackMsg.FromString(data).WhichOneof("type") == "rerun_script":
                self.events.append((event["timestamp"], "rerun"))
            elif direction == "received" and ForwardMsg.FromString(data).WhichOneof("type") == "script_finished":
                self.events.append((event["timestamp"], "finished"))
        except Exception:  # a frame that is not one of the app's messages
            return

    def served_since(self, mark: int) -> float | None:
        """Seconds from the first rerun request after ``mark`` to the last script end received so far."""
        later = self.events[mark:]
        sent = next((ts for ts, kind in later if kind == "rerun"), None)
        done = [ts for ts, kind in later if kind == "finished" and sent is not None and ts >= sent]
        return done[-1] - sent if done else None


async def one_session(browser, url: str, titles: dict[str, str], pause: float, start_delay: float, out: Timings):
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    await asyncio.sleep(start_delay)
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(180_000)  # a slow page is measured, not dropped
    wire = Wire()
    await wire.attach(context, page)
    try:
        for i, (name, _key) in enumerate(FLOW):
            if i:
                await asyncio.sleep(pause)
            mark = len(wire.events)
            start = time.perf_counter()
            if i == 0:
                await page.goto(f"{url}/")  # the first page of the navigation lives at the root
            else:
                await page.locator(f'[data-testid="stSidebarNav"] a[href$="/{name}"]').click()
            try:
                await page.wait_for_function(READY_JS, arg=[titles[name], False], timeout=180_000, polling=50)
                out.ready.setdefault(name, []).append(time.perf_counter() - start)
                if (served := wire.served_since(mark)) is not None:
                    out.served.setdefault(name, []).append(served)
                await page.wait_for_function(READY_JS, arg=[titles[name], True], timeout=180_000, polling=100)
                out.drawn.setdefault(name, []).append(time.perf_counter() - start)
            except PlaywrightTimeout:
                out.errors.append(f"{name}: not ready in 180 s")
            exc = await page.query_selector('[data-testid="stException"]')
            if exc is not None:
                out.errors.append(f"{name}: {(await exc.inner_text())[:200]}")
    except Exception as err:  # a broken session is reported, the others go on
        out.errors.append(f"{type(err).__name__}: {' | '.join(str(err).splitlines()[:12])[:1500]}")
        if shots := os.environ.get("WORKBENCH_BENCH_SHOTS"):
            await page.screenshot(path=str(Path(shots) / f"error-{id(page)}.png"))
    return context


async def drive(url: str, n: int, args, titles: dict[str, str], pid: int, files: list[list[str]] | None) -> dict:
    """N sessions at once: Chromium contexts, or wire clients (``files`` recorded) that render nothing."""
    from playwright.async_api import async_playwright

    samples: list[int] = []
    stop = asyncio.Event()
    server_cpu: dict[tuple[int, str], float] = {}
    client_cpu: dict[tuple[int, str], float] = {}
    server_wait: dict[int, float] = {}

    def sample_cpu() -> None:
        server = descendants(pid)
        cpu_seconds(server, server_cpu)
        run_queue_wait(server, server_wait)
        # the clients: Chromium and Playwright's driver below this process; wire clients are this process itself
        mine = [p for p in descendants(os.getpid()) if p not in server and (files is not None or p != os.getpid())]
        cpu_seconds(mine, client_cpu)

    async def sample() -> None:
        while not stop.is_set():
            samples.append(tree_rss(pid))
            sample_cpu()
            await asyncio.sleep(0.25)

    timings = Timings() if files is None else WireTimings()
    async with async_playwright() as pw:
        browser = await launch(pw) if files is None else None
        sample_cpu()
        cpu_before = sum(server_cpu.values()), sum(client_cpu.values())
        wait_before = dict(server_wait)
        sampler = asyncio.create_task(sample())
        start = time.perf_counter()
        if browser is not None:
            sessions = (one_session(browser, url, titles, args.pause, i * args.stagger, timings) for i in range(n))
        else:
            paths = ["" if i == 0 else name for i, (name, _key) in enumerate(FLOW)]
            sessions = (one_wire_session(url, paths, files, args.pause, i * args.stagger, timings) for i in range(n))
        contexts = await asyncio.gather(*sessions)
        wall = time.perf_counter() - start
        sample_cpu()
        cpu = sum(server_cpu.values()) - cpu_before[0], sum(client_cpu.values()) - cpu_before[1]
        waited = sum(v - wait_before.get(tid, 0.0) for tid, v in server_wait.items())
        rss_open = tree_rss(pid)
        if browser is not None:
            for context in contexts:
                await context.close()
            await browser.close()
        stop.set()
        await sampler
    return {
        "timings": timings,
        "wall": wall,
        "rss_peak": max(samples),
        "rss_open": rss_open,
        "server_cpu": cpu[0],
        "client_cpu": cpu[1],
        "server_wait": waited,
    }


async def visit(url: str, titles: dict[str, str]) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch(pw)
        page = await browser.new_page()
        await page.goto(f"{url}/")
        await page.wait_for_function(READY_JS, arg=[titles["data"], False], timeout=120_000)
        await browser.close()


def settle(pid: int, quiet: float = 0.05, limit: float = 120.0) -> float:
    """Wait until the server has finished starting (it warms itself in the background: imports, certified
    tables, suggestions), i.e. it spent under ``quiet`` CPU seconds in each of two half-second steps; analysts
    arrive at a server that is up, not one still starting. Returns the monotonic time it settled."""
    seen: dict[tuple[int, str], float] = {}
    deadline, calm, last = time.monotonic() + limit, 0, None
    while time.monotonic() < deadline and calm < 2:
        cpu_seconds(descendants(pid), seen)
        total = sum(seen.values())
        calm = calm + 1 if last is not None and total - last < quiet else 0
        last = total
        time.sleep(0.5)
    return time.monotonic()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def titles() -> dict[str, str]:
    from workbench.i18n import t

    return {name: t(key, "ko") for name, key in FLOW}


def record_files(template: Path, args, work: Path) -> list[list[str]]:
    """What a first visit's walk fetches, page by page, from a server of its own (so no measured server has
    seen a session before its analysts arrive)."""
    from playwright.async_api import async_playwright

    async def walk(url: str) -> list[list[str]]:
        async with async_playwright() as pw:
            browser = await launch(pw)
            try:
                paths = ["" if i == 0 else name for i, (name, _key) in enumerate(FLOW)]
                return await record_walk(browser, url, paths, READY_JS, [titles()[name] for name, _ in FLOW])
            finally:
                await browser.close()

    home = work / "workspace-record"
    shutil.copytree(template, home)
    port = free_port()
    proc = start_server(home, port, args.ttl, work / "server-record.log")
    try:
        settle(proc.pid)
        return asyncio.run(walk(f"http://127.0.0.1:{port}"))
    finally:
        stop_server(proc)


def measure(template: Path, n: int, args, work: Path, files: list[list[str]] | None = None) -> dict:
    """N sessions on a fresh server over a copy of ``template``: browsers, or wire clients fetching ``files``."""
    kind = "browser" if files is None else "wire"
    home = work / f"workspace-{kind}-{n}"
    shutil.copytree(template, home)
    port = free_port()
    launched = time.monotonic()
    proc = start_server(home, port, args.ttl, work / f"server-{kind}-{n}.log", args.server_cpus)
    try:
        healthy = time.monotonic() - launched
        settled = settle(proc.pid) - launched
        rss_idle = tree_rss(proc.pid)
        out = asyncio.run(drive(f"http://127.0.0.1:{port}", n, args, titles(), proc.pid, files))
        after = []  # RSS while the server lets the closed sessions go (Streamlit keeps them `ttl` seconds)
        deadline = time.monotonic() + args.ttl + args.grace
        while time.monotonic() < deadline:
            time.sleep(5)
            after.append(tree_rss(proc.pid))
        # Streamlit drops expired sessions from its store only when another session disconnects: one more
        # visitor comes and goes, as on any working day, before the memory is read
        asyncio.run(visit(f"http://127.0.0.1:{port}", titles()))
        time.sleep(5)
        rss_closed = tree_rss(proc.pid)
    finally:
        stop_server(proc)
    timings = out["timings"]
    ready = [x for v in timings.ready.values() for x in v]
    # a wire client renders nothing: all of its page view is owed by the server
    drawn = [x for v in getattr(timings, "drawn", {}).values() for x in v]
    by_page = timings.ready if files is not None else timings.served
    served = [x for v in by_page.values() for x in v]
    return {
        "sessions": n,
        "clients": kind,
        "first_visit_files": [len(f) for f in files] if files else None,
        "pages": len(ready),
        "errors": timings.errors,
        "ready_p50": percentile(ready, 0.5) if ready else None,
        "ready_p95": percentile(ready, 0.95) if ready else None,
        "drawn_p50": percentile(drawn, 0.5) if drawn else None,
        "drawn_p95": percentile(drawn, 0.95) if drawn else None,
        "per_page_p95": {k: percentile(v, 0.95) for k, v in timings.ready.items()},
        "per_page_p50": {k: percentile(v, 0.5) for k, v in timings.ready.items()},
        "served_p50": percentile(served, 0.5) if served else None,
        "served_p95": percentile(served, 0.95) if served else None,
        "served_pages": len(served),
        "served_per_page_p95": {k: percentile(v, 0.95) for k, v in by_page.items()},
        "wall_seconds": out["wall"],
        "server_cpu_seconds": out["server_cpu"],
        "browser_cpu_seconds": out["client_cpu"],
        "server_run_queue_seconds": out["server_wait"],
        "healthy_seconds": healthy,
        "settled_seconds": settled,
        "rss_idle_mib": rss_idle / 2**20,
        "rss_peak_mib": out["rss_peak"] / 2**20,
        "rss_open_mib": out["rss_open"] / 2**20,
        "rss_closed_mib": rss_closed / 2**20,
        "rss_after_close_mib": [round(x / 2**20) for x in after],
    }


CLIENTS = {"browser": "browsers", "wire": "wire clients"}


def own_drawing(results: list[dict]) -> dict[str, float] | None:
    """Seconds a page view spends in its own browser beyond what the server owes, per page, from the browser
    walk at N = 1 (one renderer with the machine to itself): what an analyst's PC adds to the server's time."""
    alone = next((r for r in results if r["clients"] == "browser" and r["sessions"] == 1), None)
    if alone is None or not any(r["clients"] == "wire" for r in results):
        return None
    return {k: max(0.0, v - alone["served_per_page_p95"].get(k, 0.0)) for k, v in alone["per_page_p95"].items()}


def render(results: list[dict], meta: dict, label: str) -> str:
    head = "| | " + " | ".join(f"N = {r['sessions']}, {CLIENTS[r['clients']]}" for r in results) + " |"
    rows = [head, "|---|" + "---|" * len(results)]

    def row(title: str, fmt) -> None:
        rows.append(f"| {title} | " + " | ".join(fmt(r) for r in results) + " |")

    row("page-ready p50", lambda r: f"{r['ready_p50']:.2f} s")
    row("page-ready p95", lambda r: f"{r['ready_p95']:.2f} s")
    row(
        "charts drawn p50 / p95",
        lambda r: f"{r['drawn_p50']:.2f} / {r['drawn_p95']:.2f} s" if r["drawn_p50"] is not None else "–",
    )
    row(
        "p50 by page (data, profile, features, model)",
        lambda r: ", ".join(f"{v:.1f}" for v in r["per_page_p50"].values()),
    )
    row(
        "p95 by page (data, profile, features, model)",
        lambda r: ", ".join(f"{v:.1f}" for v in r["per_page_p95"].values()),
    )
    row(
        "server-owed p50 / p95 (rerun sent → run's end received)",
        lambda r: f"{r['served_p50']:.2f} / {r['served_p95']:.2f} s",
    )
    row(
        "server-owed p95 by page",
        lambda r: ", ".join(f"{v:.1f}" for v in r["served_per_page_p95"].values()),
    )
    row(
        "CPU seconds over the run: server / clients",
        lambda r: f"{r['server_cpu_seconds']:.1f} / {r['browser_cpu_seconds']:.1f} s",
    )
    if own := own_drawing(results):
        row(
            "p95 by page with each analyst's own browser (wire + the page's own drawing at N = 1)",
            lambda r: (
                ", ".join(f"{v + own[k]:.1f}" for k, v in r["per_page_p95"].items()) if r["clients"] == "wire" else "–"
            ),
        )
    row("server threads waiting for a core (sum)", lambda r: f"{r['server_run_queue_seconds']:.1f} s")
    row(
        "server start: healthy / settled (warm)",
        lambda r: f"{r['healthy_seconds']:.1f} / {r['settled_seconds']:.1f} s",
    )
    row("server RSS idle (settled, no session yet)", lambda r: f"{r['rss_idle_mib']:,.0f} MiB")
    row("server RSS peak", lambda r: f"{r['rss_peak_mib']:,.0f} MiB")
    row("server RSS, sessions open", lambda r: f"{r['rss_open_mib']:,.0f} MiB")
    row("server RSS after close", lambda r: f"{r['rss_closed_mib']:,.0f} MiB")
    row("pages timed / errors", lambda r: f"{r['pages']} / {len(r['errors'])}")
    return (
        f"**{label}** — {meta['date']}, {meta['machine']}; load average before {meta['load_before']}, "
        f"after {meta['load_after']}; pause {meta['pause']} s between pages, disconnected-session TTL "
        f"{meta['ttl']} s (RSS after close read {meta['ttl'] + meta['grace']} s after the last tab closed, once one "
        "more visitor has come and gone: Streamlit reaps expired sessions when another one disconnects)"
        + f"; browser priority: {meta.get('browser', 'privileged')}"
        + f"; workspace: {meta.get('workspace', 'fresh')}"
        + (f"; server on cores {meta['server_cpus']}" if meta.get("server_cpus") else "")
        + (f", browser on cores {meta['browser_cpus']}" if meta.get("browser_cpus") else "")
        + ".\n\n"
        + "\n".join(rows)
        + "\n"
    )


def machine() -> str:
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        "cpu",
    )
    mem = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
    return f"{cpu}, {os.cpu_count()} cores, {mem / 2**20:.1f} GiB"


def cpu_list(text: str) -> set[int]:
    return {int(c) for c in text.split(",")}


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_sessions")
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 10])
    ap.add_argument(
        "--clients",
        nargs="+",
        choices=sorted(CLIENTS),
        default=["browser", "wire"],
        help="browser: N Chromium contexts on this machine; wire: N clients that speak the app's protocol and "
        "render nothing, as when each analyst's browser runs on their own PC",
    )
    ap.add_argument(
        "--workspace",
        choices=("team", "fresh"),
        default="team",
        help="team: the sample bank with a feature build, its modelling table and a trained run (the pages "
        "reopen on results); fresh: the sample bank only",
    )
    ap.add_argument("--pause", type=float, default=5.0, help="seconds a reader spends on each page")
    ap.add_argument("--stagger", type=float, default=0.0, help="seconds between the starts of two sessions")
    ap.add_argument("--ttl", type=int, default=120, help="Streamlit's disconnected-session TTL, seconds")
    ap.add_argument("--grace", type=int, default=15, help="seconds past the TTL before RSS after close is read")
    ap.add_argument("--label", default="run", help="a name for this run in the printed table")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument(
        "--privileged-browser",
        action="store_true",
        help="let Chromium raise its threads' priority when run as root (the benchmark's behaviour before)",
    )
    ap.add_argument(
        "--run-timing",
        type=Path,
        help="the server appends one JSON line per script run here: session, page, wall and CPU seconds",
    )
    ap.add_argument("--server-cpus", type=cpu_list, help="run the server on these cores only, e.g. 0")
    ap.add_argument("--browser-cpus", type=cpu_list, help="run Chromium (and this driver) on these cores, e.g. 1")
    args = ap.parse_args()
    if args.run_timing:
        os.environ["WORKBENCH_RUN_TIMING"] = str(args.run_timing.resolve())  # read by workbench.ui.run_timing
    if args.browser_cpus:
        os.sched_setaffinity(0, args.browser_cpus)  # Playwright's driver and Chromium inherit it

    work = Path(tempfile.mkdtemp(prefix="wb-bench-sessions-"))
    try:
        if not args.privileged_browser:
            BROWSER["executable"] = unprivileged_browser(work)
        template = work / "template"
        template.mkdir()
        seed(template)
        seeded = seed_team_day(template) if args.workspace == "team" else {}
        files = record_files(template, args, work) if "wire" in args.clients else None
        load_before = os.getloadavg()
        results = [
            measure(template, n, args, work, files if kind == "wire" else None)
            for kind in args.clients
            for n in args.sessions
        ]
        meta = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(),
            "load_before": " ".join(f"{x:.2f}" for x in load_before),
            "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
            "pause": args.pause,
            "ttl": args.ttl,
            "grace": args.grace,
            "server_cpus": sorted(args.server_cpus) if args.server_cpus else None,
            "browser_cpus": sorted(args.browser_cpus) if args.browser_cpus else None,
            "browser": "privileged (may raise its threads to nice -8)" if args.privileged_browser else "as a user",
            "workspace": args.workspace,
            "seeded": seeded,
        }
        print(render(results, meta, args.label))
        for r in results:
            for err in r["errors"]:
                print(f"N={r['sessions']}: {err}", file=sys.stderr)
        if args.json:
            args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
