"""A new session on a team's workspace, over the app's own protocol (the session benchmark's wire client):
every page of the walk finishes its run without an error, and the Model page reopens on the stored run.

This keeps ``benchmarks/session_wire.py`` speaking the frontend's protocol as Streamlit changes, and
``benchmarks/session_seed.py`` building a team's day through the pages' own functions."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import running_app, seeded_sample

from benchmarks.session_seed import seed_team_day
from benchmarks.session_wire import NO_PROXY, AppSocket, fetch_files

pytestmark = pytest.mark.slow
WALK = ("", "profile", "features", "model")


@pytest.fixture(scope="module")
def team_app(tmp_path_factory):
    home = seeded_sample(tmp_path_factory.mktemp("team-workspace"))
    made = seed_team_day(home)
    with running_app(home, tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url, made


def walk(url: str) -> tuple[list[dict[str, int]], list[str], list[str]]:
    """Each page's element kinds, the addresses' query strings the server set, and any errors."""
    import websockets

    async def go():
        seen, queries = [], []
        ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, proxy=None) as ws:
            app = AppSocket(ws, url)
            for path in WALK:
                before = dict(app.elements)
                await app.run_page(path, timeout=120)
                seen.append({k: v - before.get(k, 0) for k, v in app.elements.items() if v > before.get(k, 0)})
                queries.append(app.query)
        return seen, queries, app.errors

    with ThreadPoolExecutor(1) as pool:  # a loop of its own, beside the browser tests'
        return pool.submit(asyncio.run, go()).result()


def test_every_page_of_a_teams_workspace_runs_over_the_wire_and_the_model_page_reopens_on_its_run(team_app):
    url, made = team_app
    pages, queries, errors = walk(url)
    assert errors == []
    data, profile, features, model = pages
    assert data.get("dataframe", 0) >= 1 and profile.get("plotly_chart", 0) >= 1
    assert features.get("multiselect", 0) >= 1  # the build's choices, with the stored build behind them
    assert f"dataset={made['modelling_table']}" in queries[3]  # the table with a target and a trained run
    assert model.get("plotly_chart", 0) >= 2 and model.get("download_button", 0) >= 1  # ROC, importance


def test_a_first_visits_files_are_served_as_a_browser_asks_for_them(team_app):
    url, _ = team_app
    html = _get_text(f"{url}/")
    paths = ["/", *sorted({"/" + p for p in re.findall(r'(?:src|href)="\.?/?(static/[^"]+)"', html)})]
    with ThreadPoolExecutor(1) as pool:
        requests, size = pool.submit(asyncio.run, fetch_files(url, paths)).result()
    assert requests == len(paths) >= 3 and size > 100_000  # the page and its bundle


def _get_text(url: str) -> str:
    with NO_PROXY.open(url, timeout=30) as r:
        return r.read().decode()
