"""No raw residue: a raw export with planted identifiers goes through the whole app in a real browser
(upload → scan → mask and certify → profile → features → model), then every place a copy could hide is
searched for every planted value in every spelling: the server's TMPDIR, the workspace (Parquet files read
back as text, the SQLite store, key and anchor files), the server log, each page's DOM and visible text, and
every websocket frame the server sent to the browser (grid cells are drawn on a canvas, so the DOM alone
would not see them). Expected: zero hits.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from conftest import running_app, wait_for_app
from playwright.sync_api import Page, expect

from workbench.i18n import t
from workbench.privacy import fakes

ROWS = 60
WIDE = str.maketrans("0123456789-", "０１２３４５６７８９－")


def planted_export(path: Path) -> list[str]:
    """A core-banking style raw export: identifiers in their own columns and inside a memo; returns them."""
    rng = np.random.default_rng(17)
    rrns, phones, cards = fakes.rrn(rng, ROWS), fakes.phone(rng, ROWS), fakes.card(rng, ROWS)
    frame = pl.DataFrame(
        {
            "고객번호": [f"C{i:05d}" for i in range(ROWS)],
            "주민등록번호": rrns,
            "휴대전화": phones,
            "카드번호": cards,
            "연소득": (rng.integers(2_000, 9_000, ROWS) * 10_000).tolist(),
            "가입일": [f"2023-{1 + i % 12:02d}-{1 + i % 27:02d}" for i in range(ROWS)],
            "연체여부": (rng.random(ROWS) < 0.3).astype(int).tolist(),
            "메모": [f"본인 확인 완료, 연락처 {p}" for p in phones],
            "상담내용": [
                _hard_spellings(i, r, p, c) for i, (r, p, c) in enumerate(zip(rrns, phones, cards, strict=True))
            ],
        }
    )
    frame.write_csv(path)
    return rrns + phones + cards


def _hard_spellings(i: int, rrn: str, phone: str, card: str) -> str:
    """How people really type them in a memo: no dashes, spaces, +82, full-width digits, dots."""
    intl = "+82-" + phone[1:] if phone.startswith("0") else phone
    forms = [
        f"주민 {rrn.replace('-', '')} 카드 {card.replace('-', '')}",
        f"주민번호 {rrn.replace('-', ' ')} 연락 {intl}",
        f"연락처 {phone.translate(WIDE)} 카드 {card.replace('-', ' ')}",
        f"tel {phone.replace('-', '.')} rrn {rrn.translate(WIDE)}",
    ]
    return forms[i % len(forms)]


def spellings(value: str) -> set[str]:
    """The value as written, digits only, with spaces or dots for its dashes, full-width, and a phone's
    international form (+82, leading zero dropped)."""
    digits = re.sub(r"\D", "", value)
    out = {value, digits, value.replace("-", " "), value.replace("-", "."), value.translate(WIDE)}
    if value.startswith("0"):
        out |= {"+82-" + value[1:], "+82" + digits[1:], "82" + digits[1:]}
    return out


def hits(text: str, values: list[str]) -> list[str]:
    return sorted({s for v in values for s in spellings(v) if s in text})


def file_text(path: Path) -> str:
    """A file as text a search can read: Parquet decoded (its pages are compressed), anything else as bytes."""
    if path.suffix == ".parquet":
        try:
            return pl.read_parquet(path).cast(pl.String).write_csv()
        except Exception:
            pass
    return path.read_bytes().decode("utf-8", "replace")


@pytest.mark.browser
def test_the_whole_flow_leaves_no_raw_value_anywhere(page: Page, tmp_path, monkeypatch):
    raw_file = tmp_path / "upload" / "고객_원장_202403.csv"
    raw_file.parent.mkdir()
    values = planted_export(raw_file)
    assert len(hits(file_text(raw_file), values)) > len(values)  # the search sees them, hard spellings too
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    home, log = tmp_path / "ws", tmp_path / "server.log"
    monkeypatch.setenv("TMPDIR", str(server_tmp))  # the server's temporary files go where we can search them

    frames: list[bytes] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda f: frames.append(f if isinstance(f, bytes) else f.encode())),
    )
    doms: dict[str, str] = {}

    def snapshot(label: str) -> None:
        wait_for_app(page, timeout=60_000)
        doms[label] = page.content() + "\n" + page.inner_text("body")

    def go(nav: str) -> None:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=t(nav, "ko")).click()
        page.wait_for_timeout(300)
        wait_for_app(page, timeout=60_000)

    with running_app(home, log) as url:
        page.goto(f"{url}/data")
        wait_for_app(page)
        page.get_by_role("tab", name=t("data.tab.file", "ko")).click()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(raw_file))
        expect(page.get_by_text(f"{ROWS:,}").first).to_be_visible(timeout=30_000)
        snapshot("data: inspected")
        assert list(server_tmp.iterdir()) == [], "an upload stayed on disk after inspection"
        page.get_by_role("button", name=t("data.file.load", "ko")).click()
        expect(page.get_by_text("마스킹이 필요한 테이블").first).to_be_visible(timeout=30_000)
        snapshot("data: held for masking")

        go("nav.privacy")
        expect(page.get_by_role("button", name=t("privacy.apply.button", "ko"))).to_be_visible(timeout=30_000)
        snapshot("privacy: scan and policy")
        page.get_by_role("button", name=t("privacy.apply.button", "ko")).click()
        expect(page.get_by_text("마스킹·인증해 작업공간에 저장했습니다")).to_be_visible(timeout=60_000)
        snapshot("privacy: certified")

        go("nav.data")
        snapshot("data: certified preview")
        go("nav.profile")
        expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=60_000)
        snapshot("profile")
        go("nav.features")
        snapshot("features")
        go("nav.model")
        snapshot("model")

    # the server is stopped: what is left on disk is what stays
    assert doms and frames
    searched = {f"DOM {label}": text for label, text in doms.items()}
    searched["websocket frames"] = b"\n".join(frames).decode("utf-8", "replace")
    searched["server log"] = log.read_text(encoding="utf-8", errors="replace")
    leftovers = [p for p in server_tmp.rglob("*") if p.is_file()]
    searched |= {f"TMPDIR {p.relative_to(server_tmp)}": file_text(p) for p in leftovers}
    workspace_files = [p for p in home.rglob("*") if p.is_file()]
    searched |= {f"workspace {p.relative_to(home)}": file_text(p) for p in workspace_files}
    assert any(p.suffix == ".parquet" for p in workspace_files)  # the certified table was saved
    assert "[전화번호]" in searched["websocket frames"] or "***" in searched["websocket frames"]

    found = {where: hits(text, values) for where, text in searched.items()}
    found = {where: h for where, h in found.items() if h}
    counts = {"places searched": len(searched), "planted values": len(values), "hits": sum(map(len, found.values()))}
    print(counts)
    assert found == {}, found
    assert leftovers == [], f"files left in TMPDIR: {leftovers}"
    assert not list(Path(os.environ["TMPDIR"]).glob("workbench-upload-*"))


def test_an_upload_is_spooled_privately_and_removed_even_on_error(tmp_path, monkeypatch):
    import stat
    import tempfile

    from workbench.intake import spooled

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    with spooled("../고객.csv", b"a,b\n1,2\n") as path:
        assert path.read_bytes() == b"a,b\n1,2\n" and path.parent.parent == tmp_path
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError), spooled("x.csv", b"secret"):
        raise RuntimeError("a reader failed")
    assert list(tmp_path.iterdir()) == []


def test_folders_of_a_killed_server_are_swept(tmp_path, monkeypatch):
    import subprocess
    import tempfile

    from workbench.intake import SPOOL_PREFIX, sweep_spools

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)
    gone = subprocess.Popen(["true"])
    gone.wait()
    stale = tmp_path / f"{SPOOL_PREFIX}{gone.pid}-abc"
    stale.mkdir()
    (stale / "raw.csv").write_text("730915-1482636")
    mine = tmp_path / f"{SPOOL_PREFIX}{os.getpid()}-def"
    mine.mkdir()
    sweep_spools()
    assert not stale.exists() and mine.exists()
