"""The expert's stored edits, each naming the bins it was made on, including edits stored by bin number only.

Edits saved before they named their bins' contents (``store.bin_edits`` rows written by the first version of the
editor) say "merge 3 and 4" and nothing more. Such an edit is replayed only when the binning it was made on can
be recovered: the editor saves the edits of the run it shows plus the new ones, so the edits added by version
``v`` were made on the run fitted with version ``v - 1`` (its stored scorecard holds those bins), then on each
other in order. With that binning the edit is rewritten to name its bins' contents (``edits.as_seen``) and is
placed by them like any other. When no such run is stored, when the runs that could have been shown were fitted
on other rows (another split, or data with another fingerprint), or an edit before it cannot be redone on bins
alone (a trend needs the rows), the edit is kept but marked ``stale``, so the fit leaves it out and says so.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from workbench.model.bins import Binning
from workbench.model.edits import BinEdit, EditError, as_seen, edits_from_json, rebin

LEGACY_UNKNOWN = "legacy_bins_unknown"  # ``scorecard.edit_left_out`` key: an old edit whose bins are lost


def _needs_bins(edit: BinEdit) -> bool:
    """Edits whose meaning depends on the bins they were made on (a trend or a list of codes does not)."""
    return edit.op in ("merge", "split", "edges") and not edit.fingerprint


def _run_bins(store, dataset: str, target: str, saved: Sequence[datetime]) -> dict[int, dict[str, Binning]]:
    """Binning per characteristic of the run each version was edited on: a run fitted with version ``w`` stored
    before version ``w + 1`` was saved (``saved``: save times, oldest version first); a run fitted later (on
    data that changed since) did not show the expert those bins. The editor does not say which of those runs
    it showed, so a version is placed only through runs that agree on the split and the data fingerprint (the
    rows the bins were fitted on), and a characteristic only where their bins agree; else its edits are left
    out (``LEGACY_UNKNOWN``), never placed on bins the expert may not have seen."""
    from workbench.model.runs import stored_runs

    shown: dict[int, list[tuple[str, dict[str, Binning]]]] = {}
    for _, record in stored_runs(store, dataset=dataset, limit=500):
        model = record.get("scorecard_model")
        if record.get("target") != target or not model:
            continue
        version = int(((record.get("config") or {}).get("scorecard") or {}).get("edits_version") or 0)
        at = datetime.fromisoformat(record["created_at"])
        if version < len(saved) and _aware(at) <= _aware(saved[version]):
            bins = {f["feature"]: Binning.from_dict(f) for f in model["features"]}
            shown.setdefault(version, []).append((_rows_fitted(record), bins))
    return {version: _agreed(runs) for version, runs in shown.items()}


def _rows_fitted(record: Mapping[str, Any]) -> str:
    """What the run's bins were fitted on: its split (kind, column, seed, fractions) and its data fingerprint."""
    return json.dumps([record.get("split"), (record.get("data") or {}).get("fingerprint")], sort_keys=True)


def _agreed(runs: Sequence[tuple[str, Mapping[str, Binning]]]) -> dict[str, Binning]:
    """The bins every run agrees on, per characteristic; none when the runs were fitted on other rows."""
    if len({rows for rows, _ in runs}) > 1:
        return {}
    first = runs[0][1]
    return {f: b for f, b in first.items() if all(other.get(f) == b for _, other in runs[1:])}


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def upgrade(
    versions: Sequence[Sequence[Mapping[str, Any]]], runs: Mapping[int, Mapping[str, Binning]]
) -> tuple[BinEdit, ...]:
    """The newest version's edits (``versions``: every stored list, oldest first), each old one naming the bins
    it was made on (found through ``runs``: binning per feature by the edits version the run was fitted with)
    or marked stale. Pure."""
    newest = edits_from_json(versions[-1]) if versions else ()
    if not any(_needs_bins(e) for e in newest):
        return newest
    starts = [len(v) for v in versions]  # version w + 1 added the edits from starts[w - 1] on
    out: list[BinEdit] = []
    seen: dict[str, Binning | None] = {}  # the binning the expert saw, per feature, as the edits go
    for i, edit in enumerate(newest):
        made_on = next(w for w, n in enumerate(starts) if i < n)  # the run had edits_version made_on
        if i == (starts[made_on - 1] if made_on else 0):  # a new saving session: the bins the run showed
            seen = {f: b for f, b in runs.get(made_on, {}).items()} if made_on in runs else {}
        b = seen.get(edit.feature)
        if edit.fingerprint or edit.op == "trend":
            out.append(edit)
            seen[edit.feature] = None  # a trend merges by the rows' counts: the next bins are not known here
            continue
        if b is None:
            out.append(replace(edit, stale=LEGACY_UNKNOWN) if _needs_bins(edit) else edit)
            continue
        placed = as_seen(edit, b) if _needs_bins(edit) else edit
        out.append(placed)
        try:
            seen[edit.feature] = rebin(b, edit)
        except EditError:
            seen[edit.feature] = None
    return tuple(out)


def stored_edits(store, dataset: str, target: str) -> tuple[BinEdit, ...]:
    """The current stored edits of ``dataset``/``target``, ready to replay (see the module docstring)."""
    history = store.bin_edits.history(dataset, target)
    versions = [list(v.edits) for v in history]
    newest = edits_from_json(versions[-1]) if versions else ()
    if not any(_needs_bins(e) for e in newest):
        return newest
    return upgrade(versions, _run_bins(store, dataset, target, [v.created_at for v in history]))
