"""``python -m benchmarks.bench_click``: how long a click on Build (Features) and Train (Model) keeps the
script thread of the analyst's session busy, on the sample bank.

While a script run is busy, the session answers nothing else (a filter, a tab, another page). The server
runs with ``WORKBENCH_RUN_TIMING``; one headless Chromium opens the Features page, clicks Build and waits
for the built message, then the Model page, clicks Train and waits for the results. Reported per click:
the longest single script run (full runs and progress-fragment runs) from the click to the result, the
sum of those runs' wall and thread-CPU seconds, and the click-to-result wall time the browser saw.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from benchmarks.bench_sessions import cpu_seconds, descendants, free_port, seed, start_server, stop_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _runs(path: Path, since: float) -> list[dict]:
    if not path.exists():
        return []
    lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()]
    return [r for r in lines if r["start"] >= since and r["part"] in ("script", "job_progress")]


def _jobs(path: Path, since: float) -> list[dict]:
    lines = [json.loads(x) for x in path.read_text().splitlines() if x.strip()] if path.exists() else []
    return [r for r in lines if r["start"] >= since and r["part"] == "job"]


def _cpu(pid: int) -> float:
    seen: dict = {}
    cpu_seconds(descendants(pid), seen)
    return sum(seen.values())


def click_and_wait(page, button: str, done, timing: Path, timeout_s: float, server: int) -> dict:
    from playwright.sync_api import expect

    server_cpu, client_cpu = _cpu(server), _cpu(os.getpid())  # the browser is a child of this process
    start = time.time()
    page.get_by_role("button", name=button, exact=True).click()
    expect(done.first).to_be_visible(timeout=timeout_s * 1000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout_s * 1000)
    seen = time.time() - start
    server_cpu, client_cpu = _cpu(server) - server_cpu, _cpu(os.getpid()) - client_cpu
    time.sleep(1.0)  # the last run's line is written when it ends
    runs = _runs(timing, start - 0.05)
    jobs = _jobs(timing, start - 0.05)
    return {
        "job_wall_s": round(sum(j["wall"] for j in jobs), 3),  # the work itself, in the worker (after only)
        "click_to_result_s": round(seen, 2),
        "longest_run_s": max((r["wall"] for r in runs), default=0.0),
        "runs": len(runs),
        "runs_wall_s": round(sum(r["wall"] for r in runs), 3),
        "runs_cpu_s": round(sum(r["cpu"] for r in runs), 3),
        "server_cpu_s": round(server_cpu, 2),  # the whole server process, all threads
        "browser_cpu_s": round(client_cpu, 2),  # Chromium (and the Playwright driver) on the same cores
    }


def main() -> None:
    from playwright.sync_api import sync_playwright

    from workbench.i18n import t

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="wb-click-"))
    home, timing = tmp / "workspace", tmp / "timing.jsonl"
    home.mkdir()
    seed(home)
    os.environ["WORKBENCH_RUN_TIMING"] = str(timing)
    port = free_port()
    proc = start_server(home, port, 60, tmp / "server.log")
    out = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            base = f"http://127.0.0.1:{port}"
            page.goto(f"{base}/features?who=bench")
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
            page.get_by_role("button", name=t("features.page.build", "ko")).wait_for(timeout=120_000)
            built = t("features.page.built", "ko", rows=0, features=0, selected=0).split("0")[-1].strip()
            out["build"] = click_and_wait(
                page, t("features.page.build", "ko"), page.get_by_text(built), timing, args.timeout, proc.pid
            )
            page.goto(f"{base}/model?who=bench&dataset=loans")
            page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
            page.get_by_role("button", name=t("model.page.train", "ko")).wait_for(timeout=120_000)
            results = page.get_by_role("heading", name=t("model.page.results", "ko"), exact=True)
            out["train"] = click_and_wait(page, t("model.page.train", "ko"), results, timing, args.timeout, proc.pid)
            browser.close()
    finally:
        stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
