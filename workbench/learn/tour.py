"""The guided tour on the sample bank, as data: each step has a goal, a page to visit, a question whose
answer is checked against what the app computes, and an explanation of the right answer (ko/en).

A check never compares with a typed-in constant: ``Facts`` derives the expected answer from the certified
tables, the raw export's privacy scan and the workspace store (feature catalog, reviews, runs).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from workbench.intake import SAMPLE_DIR, SAMPLE_TABLES
from workbench.io import read_table
from workbench.io.table import Table
from workbench.learn import facts
from workbench.privacy import MaskedTable

RAW_EXPORT = SAMPLE_DIR / "raw" / "customers_raw_cp949.csv"
DONE = "done"
AUC_TOLERANCE = 0.01  # the trainee reads the AUC off the screen to two decimals
AskKind = Literal["number", "choice", "multi", "column_code", "action"]


@dataclass(frozen=True)
class Outcome:
    """``ok``: the answer is right. ``reason``: an i18n key saying what is missing or wrong (when not ok).
    ``params``: numbers for the explanation (the expected answer, an IV, a PSI, an AUC)."""

    ok: bool
    reason: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


class Facts:
    """The expected answers for one workspace, computed on first use (a step needs one or two of them)."""

    def __init__(self, store, tables: Mapping[str, MaskedTable], raw_export: Table | None = None) -> None:
        self.store = store
        self.tables = dict(tables)
        self._raw = raw_export

    @cached_property
    def metas(self) -> list:
        return self.store.tables.list()

    @cached_property
    def label(self) -> facts.Label | None:
        return facts.label_of(self.tables, self.metas)

    @property
    def label_table(self) -> MaskedTable | None:
        return self.tables.get(self.label.table) if self.label else None

    @cached_property
    def sample_loaded(self) -> bool:
        return all(n in self.tables for n in SAMPLE_TABLES)

    @cached_property
    def raw(self) -> Table:
        return self._raw if self._raw is not None else read_table(RAW_EXPORT)

    @cached_property
    def pii(self) -> frozenset[str]:
        return facts.pii_columns(self.raw)

    @cached_property
    def leaks(self) -> dict[str, float]:
        return facts.leaking_columns(self.label_table, self.label.target) if self.label_table is not None else {}

    @cached_property
    def special_codes(self) -> tuple[facts.SpecialCode, ...]:
        return facts.special_codes(self.tables)

    @cached_property
    def drifts(self) -> tuple[facts.Drift, ...]:
        lab = self.label
        if self.label_table is None or not lab.time:
            return ()
        return facts.drifting_features(self.label_table, lab.time, exclude=(lab.target, *self.leaks))

    @cached_property
    def catalog(self) -> list:
        return self.store.features.list()

    @cached_property
    def strongest(self) -> tuple[tuple[str, float], ...]:
        return facts.strongest_features(self.catalog, n=len(self.catalog))

    def leak_free_run(self):
        if self.label is None:
            return None
        return facts.leak_free_run(self.store.runs.list(limit=200), self.label.target, list(self.leaks))


# --- questions: the options the trainee picks from ---------------------------------------------------------


def _label_columns(f: Facts) -> list[str]:
    lab = f.label
    return [c for c in f.label_table.columns if c != lab.target] if f.label_table is not None else []


def _numeric_columns(f: Facts) -> list[str]:
    return [
        f"{name}.{c}"
        for name, table in f.tables.items()
        for c, dtype in table.frame.schema.items()
        if dtype.is_numeric()
    ]


def _feature_options(f: Facts) -> list[str]:
    """The strongest feature among three weaker ones picked at spread-out ranks, in name order."""
    ranked = [name for name, _ in f.strongest]
    picks = {ranked[i] for i in (0, 3, 10, 30) if i < len(ranked)}
    return sorted(picks)


# --- checks ---------------------------------------------------------------------------------------------------


def check_load(f: Facts, answer: Any) -> Outcome:
    if not f.sample_loaded or f.label_table is None:
        return Outcome(False, "learn.check.no_sample")
    rows = f.label_table.height
    params = {"table": f.label.table, "rows": f"{rows:,}", "target": f.label.target}
    return Outcome(answer is not None and int(answer) == rows, "learn.check.wrong", params)


def check_privacy(f: Facts, answer: Any) -> Outcome:
    expected = f.pii
    chosen = frozenset(answer or ())
    params = {"columns": ", ".join(sorted(expected)), "n": len(expected)}
    if chosen == expected:
        return Outcome(True, None, params)
    missed, extra = len(expected - chosen), len(chosen - expected)
    return Outcome(False, "learn.check.pii_off", {**params, "missed": missed, "extra": extra})


def check_leak(f: Facts, answer: Any) -> Outcome:
    leaks = f.leaks
    if not leaks:
        return Outcome(False, "learn.check.no_sample")
    top = max(leaks, key=leaks.get)
    params = {"column": top, "iv": f"{leaks[top]:.2f}", "target": f.label.target}
    return Outcome(answer in leaks, "learn.check.wrong", params)


def check_special(f: Facts, answer: Any) -> Outcome:
    codes = f.special_codes
    if not codes:
        return Outcome(False, "learn.check.no_sample")
    top = codes[0]
    params = {"column": f"{top.table}.{top.column}", "code": f"{top.value:g}", "share": f"{100 * top.share:.1f}"}
    column, code = answer if answer else (None, None)
    ok = any(f"{s.table}.{s.column}" == column and code is not None and float(code) == s.value for s in codes)
    return Outcome(ok, "learn.check.wrong", params)


def check_drift(f: Facts, answer: Any) -> Outcome:
    drifts = f.drifts
    if not drifts:
        return Outcome(False, "learn.check.no_sample")
    top = drifts[0]
    params = {"column": top.feature, "psi": f"{top.psi:.2f}", "time": f.label.time}
    return Outcome(answer in facts.drift_answers(drifts), "learn.check.wrong", params)


def check_features(f: Facts, answer: Any) -> Outcome:
    if not f.strongest:
        return Outcome(False, "learn.check.no_catalog")
    name, iv = f.strongest[0]
    params = {"feature": name, "iv": f"{iv:.3f}", "n": len(f.catalog)}
    return Outcome(answer == name, "learn.check.wrong", params)


def check_review(f: Facts, answer: Any) -> Outcome:
    names = {feat.name for feat in f.catalog}
    reviewed = [r for n, r in f.store.reviews.states().items() if n in names]
    if not names:
        return Outcome(False, "learn.check.no_catalog")
    if not reviewed:
        return Outcome(False, "learn.check.no_review")
    last = max(reviewed, key=lambda r: r.at)
    return Outcome(True, None, {"feature": last.feature, "reviewer": last.reviewer, "n": len(reviewed)})


def check_split(f: Facts, answer: Any) -> Outcome:
    if f.label is None:
        return Outcome(False, "learn.check.no_sample")
    honest = "time" if f.label.time else "group"
    return Outcome(answer == honest, "learn.check.wrong", {"time": f.label.time or "-"})


def check_baseline(f: Facts, answer: Any) -> Outcome:
    run = f.leak_free_run()
    auc = facts.run_auc(run) if run is not None else None
    if auc is None:
        return Outcome(False, "learn.check.no_run", {"leaks": ", ".join(f.leaks) or "-"})
    params = {"auc": f"{auc:.3f}", "run": run.id, "leaks": ", ".join(f.leaks) or "-"}
    ok = answer is not None and not math.isnan(float(answer)) and abs(float(answer) - auc) <= AUC_TOLERANCE
    return Outcome(ok, "learn.check.wrong", params)


@dataclass(frozen=True)
class Step:
    """One stop of the tour. Keys under ``learn.step.<id>.`` hold the goal, question, hint and explanation.

    ``options`` lists the choices (for choice/multi/column_code asks); ``action`` names the "do it for me"
    helper the page offers (``load``, ``build``, ``train``) when the step needs heavy work on the sample.
    """

    id: str
    page: str
    ask: AskKind
    check: Callable[[Facts, Any], Outcome]
    options: Callable[[Facts], Sequence[str]] | None = None
    action: str | None = None

    @property
    def goal_key(self) -> str:
        return f"learn.step.{self.id}.goal"

    @property
    def question_key(self) -> str:
        return f"learn.step.{self.id}.question"

    @property
    def hint_key(self) -> str:
        return f"learn.step.{self.id}.hint"

    @property
    def explain_key(self) -> str:
        return f"learn.step.{self.id}.explain"

    @property
    def title_key(self) -> str:
        return f"learn.step.{self.id}.title"


SPLITS = ("random", "time", "group")

STEPS: tuple[Step, ...] = (
    Step("load", "pages/data.py", "number", check_load, action="load"),
    Step("privacy", "pages/privacy.py", "multi", check_privacy, options=lambda f: list(f.raw.frame.columns)),
    Step("leak", "pages/profile.py", "choice", check_leak, options=_label_columns),
    Step("special", "pages/profile.py", "column_code", check_special, options=_numeric_columns),
    Step("drift", "pages/profile.py", "choice", check_drift, options=_label_columns),
    Step("features", "pages/features.py", "choice", check_features, options=_feature_options, action="build"),
    Step("review", "pages/features.py", "action", check_review),
    Step("split", "pages/model.py", "choice", check_split, options=lambda f: list(SPLITS)),
    Step("baseline", "pages/model.py", "number", check_baseline, action="train"),
)


def step(step_id: str) -> Step:
    return next(s for s in STEPS if s.id == step_id)


def current_index(done: Mapping[str, str]) -> int:
    """The first step not done; ``len(STEPS)`` when the tour is complete."""
    return next((i for i, s in enumerate(STEPS) if done.get(s.id) != DONE), len(STEPS))
