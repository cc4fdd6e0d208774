"""Feature specs: each candidate feature is a frozen, declarative object (dict/YAML/JSON round-trip).

A spec says *where* the values come from (``source`` table and the ``key_path`` that links it to the label
key), *when* (``window`` in days before the cutoff; ``None`` means all history before it), *what*
(``aggregation`` of ``column`` over the events that pass ``filter``) and, for single-table features, which
``transform`` applies. The name and the Korean/English descriptions are derived from the spec, never typed,
so two equal specs always carry the same name and the SQL, polars code and catalog agree on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal

import yaml

from workbench.i18n import has, t

EventAggregation = Literal[
    "count",
    "sum",
    "mean",
    "std",
    "min",
    "max",
    "median",
    "n_unique",
    "last",
    "days_since_last",
    "days_since_first",
    "share",
    "ratio",
    "trend",
    "limit_use",
    "tenure_min",
    "tenure_max",
]
EntityAggregation = Literal["attribute", "tenure_days", "cutoff_month", "cutoff_weekday"]
Transform = Literal["log1p", "bin", "ratio", "date_part", "missing", "frequency", "target_encoding"]

EVENT_AGGREGATIONS: tuple[str, ...] = EventAggregation.__args__  # type: ignore[attr-defined]
ENTITY_AGGREGATIONS: tuple[str, ...] = EntityAggregation.__args__  # type: ignore[attr-defined]
TRANSFORMS: tuple[str, ...] = Transform.__args__  # type: ignore[attr-defined]

# aggregations whose value over *no* events is 0 (a count of nothing), not missing
ZERO_WHEN_EMPTY: frozenset[str] = frozenset({"count", "sum", "n_unique"})
# aggregations that need no value column (they count events)
COLUMNLESS: frozenset[str] = frozenset({"count", "days_since_last", "days_since_first"})
# days from a date column to the cutoff, smallest / largest over the rows (the youngest / oldest client)
TENURE_AGGREGATIONS: frozenset[str] = frozenset({"tenure_min", "tenure_max"})
# when a feature's values were known: dated rows filtered by the cutoff (and the label table's own columns),
# or a snapshot of a table without a time column, taken at extraction and possibly after the cutoff
TIMINGS: tuple[str, ...] = ("before_cutoff", "snapshot")
# how ``limit_use`` summarises the per-event use of the credit limit over a window
LIMIT_USE_STATS: tuple[str, ...] = ("mean", "max")

_UNSAFE = re.compile(r"[^\w]+", re.UNICODE)


def _slug(value: object) -> str:
    return _UNSAFE.sub("_", str(value)).strip("_") or "x"


def _tuplify(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return tuple(_tuplify(v) for v in value)
    return value


def _listify(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_listify(v) for v in value]
    return value


@dataclass(frozen=True)
class FeatureSpec:
    """One candidate feature, relative to the label row's cutoff.

    - ``window``: days before the cutoff; events with ``cutoff - window days <= ts < cutoff`` count. The cutoff
      itself is exclusive, always: an event stamped exactly at the cutoff instant belongs to the future.
    - ``filter``: ``((column, value), ...)`` all of which must hold (values compared as text).
    - ``denominator_filter``: for ``ratio``, the events of the denominator (``share`` divides by all events).
    - ``base_window``: for ``trend``, the comparison period right before ``window`` (e.g. 30 vs previous 90).
    - ``params``: transform settings (bin ``edges``, date ``part``, ratio ``other``, encoding ``folds``…);
      for ``limit_use``, the ``limit`` column, the ``limit_table`` that holds it (the source or a table on its
      key path) and the ``stat`` (``mean`` or ``max``) over the window.
    """

    source: str
    aggregation: str
    column: str | None = None
    window: int | None = None
    filter: tuple[tuple[str, str], ...] = ()
    key_path: tuple[str, ...] = ()
    transform: str | None = None
    denominator_filter: tuple[tuple[str, str], ...] = ()
    base_window: int | None = None
    params: tuple[tuple[str, Any], ...] = ()
    alias: str | None = None
    timing: str | None = None  # before_cutoff | snapshot; None: attributes are snapshots, the rest before_cutoff

    def __post_init__(self) -> None:
        if self.timing is None:
            default = "snapshot" if self.aggregation in ("attribute", "tenure_days") else "before_cutoff"
            object.__setattr__(self, "timing", default)
        if self.timing not in TIMINGS:
            raise ValueError(f"unknown timing {self.timing!r}; allowed: {', '.join(TIMINGS)}")
        known = (*EVENT_AGGREGATIONS, *ENTITY_AGGREGATIONS, "transform")
        if self.aggregation not in known:
            raise ValueError(f"unknown aggregation {self.aggregation!r}; allowed: {', '.join(known)}")
        if self.transform is not None and self.transform not in TRANSFORMS:
            raise ValueError(f"unknown transform {self.transform!r}; allowed: {', '.join(TRANSFORMS)}")
        if self.window is not None and self.window <= 0:
            raise ValueError("window must be a positive number of days")
        if (
            self.aggregation not in COLUMNLESS
            and self.aggregation not in ("share", "trend", "cutoff_month", "cutoff_weekday")
            and self.column is None
        ):
            raise ValueError(f"aggregation {self.aggregation!r} needs a column")
        if self.aggregation == "ratio" and not self.denominator_filter:
            raise ValueError("ratio needs a denominator_filter")
        if self.aggregation == "trend" and (self.window is None or self.base_window is None):
            raise ValueError("trend needs window and base_window")
        if self.aggregation == "limit_use":
            p = dict(_tuplify(self.params))
            if not p.get("limit") or not p.get("limit_table") or p.get("stat") not in LIMIT_USE_STATS:
                raise ValueError(
                    f"limit_use needs params limit, limit_table and stat; stat allowed: {', '.join(LIMIT_USE_STATS)}"
                )
        object.__setattr__(self, "filter", tuple((str(c), str(v)) for c, v in _tuplify(self.filter)))
        object.__setattr__(
            self, "denominator_filter", tuple((str(c), str(v)) for c, v in _tuplify(self.denominator_filter))
        )
        object.__setattr__(self, "key_path", tuple(_tuplify(self.key_path)))
        object.__setattr__(self, "params", tuple((str(k), _tuplify(v)) for k, v in _tuplify(self.params)))

    # --- identity -------------------------------------------------------------------------------------

    @property
    def of_the_calendar(self) -> bool:
        """The month or weekday of the cutoff: when the application came, not who applied. A later month holds
        one value of it only (its PSI against training is always large), so a model that leans on it has
        learnt its training window's season; an expert decides whether the season is real."""
        return self.aggregation in ("cutoff_month", "cutoff_weekday")

    @property
    def is_event(self) -> bool:
        return self.aggregation in EVENT_AGGREGATIONS

    @property
    def snapshot_of_many(self) -> bool:
        """Aggregated over the rows of an undated one-to-many table: they may describe the world after the
        cutoff (a loan's own repayment order), so only an expert's acceptance may select it."""
        return self.is_event and self.timing == "snapshot"

    def param(self, name: str, default: Any = None) -> Any:
        return dict(self.params).get(name, default)

    @property
    def name(self) -> str:
        """A column name that is stable, readable and valid unquoted-ish SQL (letters, digits, underscores)."""
        prefix = _slug(self.alias or self.source)
        agg, col = self.aggregation, self.column
        if agg == "transform":
            extra = {
                "bin": "bin",
                "log1p": "log1p",
                "missing": "missing",
                "frequency": "freq",
                "target_encoding": "te",
                "date_part": str(self.param("part", "part")),
            }.get(self.transform or "", self.transform or "")
            if self.transform == "ratio":
                return f"{prefix}_{_slug(col)}_per_{_slug(self.param('other'))}"
            return f"{prefix}_{_slug(col)}_{extra}"
        if agg == "attribute":
            return f"{prefix}_{_slug(col)}"
        if agg == "tenure_days":
            return f"{prefix}_{_slug(col)}_tenure_days"
        if agg in ("cutoff_month", "cutoff_weekday"):
            return f"{prefix}_{agg}"
        if agg == "limit_use":
            window = f"{self.window}d" if self.window else "all"
            name = f"{prefix}_{_slug(self.param('limit'))}_use_{self.param('stat')}_{window}"
            return name + ("__" + "_".join(_slug(v) for _, v in self.filter) if self.filter else "")
        parts = [prefix]
        if col and agg not in COLUMNLESS:
            parts.append(_slug(col))
        parts.append(agg)
        parts.append(f"{self.window}d" if self.window else "all")
        if agg == "trend":
            parts.append(f"vs{self.base_window}d")
        name = "_".join(parts)
        if self.filter:
            name += "__" + "_".join(_slug(v) for _, v in self.filter)
        if self.denominator_filter:
            name += "_vs_" + "_".join(_slug(v) for _, v in self.denominator_filter)
        return name

    # --- descriptions -----------------------------------------------------------------------------------

    def description(self, lang: str | None = None) -> str:
        """One human sentence, e.g. "최근 90일 모바일 출금 건수" / "mobile withdrawal count, last 90 days"."""
        what_filter = " ".join(_value_label(v, lang) for _, v in self.filter)
        what = what_filter or _table_label(self.source, lang)
        kw: dict[str, object] = {
            "window": _window_label(self.window, lang),
            "what": what,
            "column": _column_label(self.column, lang) if self.column else "",
            "table": _table_label(self.source, lang),
        }
        if self.aggregation == "transform":
            kw["other"] = _column_label(str(self.param("other", "")), lang)
            kw["part"] = t(f"features.part.{self.param('part', 'month')}", lang)
            return t(f"features.desc.transform.{self.transform}", lang, **kw)
        if self.aggregation == "ratio":
            kw["denominator"] = " ".join(_value_label(v, lang) for _, v in self.denominator_filter)
        if self.aggregation == "trend":
            kw["base"] = self.base_window
            kw["days"] = self.window
        key = f"features.desc.{self.aggregation}"
        if self.aggregation == "limit_use":
            kw["limit"] = _column_label(str(self.param("limit")), lang)
            key += f"_{self.param('stat')}"
        if self.aggregation in ("share", "trend") and not self.column:
            key += "_count"
        return " ".join(t(key, lang, **kw).split())

    @property
    def description_ko(self) -> str:
        return self.description("ko")

    @property
    def description_en(self) -> str:
        return self.description("en")

    # --- serialisation --------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Only non-default fields, lists instead of tuples: what a person would write in YAML."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value in (None, ()) and f.name not in ("source", "aggregation"):
                continue
            if f.name in ("filter", "denominator_filter"):
                out[f.name] = {c: v for c, v in value}
            elif f.name == "params":
                out[f.name] = {k: _listify(v) for k, v in value}
            else:
                out[f.name] = _listify(value)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FeatureSpec:
        allowed = {f.name for f in fields(cls)}
        unknown = set(data) - allowed - {"name", "description_ko", "description_en"}
        if unknown:
            raise ValueError(f"unknown feature spec fields: {', '.join(sorted(unknown))}")
        kw = {k: v for k, v in data.items() if k in allowed}
        for k in ("filter", "denominator_filter", "params"):
            if isinstance(kw.get(k), Mapping):
                kw[k] = tuple(kw[k].items())
        return cls(**kw)


def specs_to_dicts(specs: Iterable[FeatureSpec], *, with_text: bool = False) -> list[dict[str, Any]]:
    out = []
    for s in specs:
        d = s.to_dict()
        if with_text:
            d = {"name": s.name, "description_ko": s.description_ko, "description_en": s.description_en, **d}
        out.append(d)
    return out


def specs_from_dicts(items: Iterable[Mapping[str, Any]]) -> tuple[FeatureSpec, ...]:
    return tuple(FeatureSpec.from_dict(d) for d in items)


def specs_to_yaml(specs: Iterable[FeatureSpec]) -> str:
    return yaml.safe_dump({"features": specs_to_dicts(specs)}, allow_unicode=True, sort_keys=False)


def specs_from_yaml(text: str) -> tuple[FeatureSpec, ...]:
    data = yaml.safe_load(text) or {}
    return specs_from_dicts(data.get("features", []))


def specs_to_json(specs: Iterable[FeatureSpec]) -> str:
    return json.dumps({"features": specs_to_dicts(specs)}, ensure_ascii=False, indent=2)


def specs_from_json(text: str) -> tuple[FeatureSpec, ...]:
    return specs_from_dicts(json.loads(text).get("features", []))


# --- labels for descriptions: catalog entries when known, the raw value otherwise --------------------------


def _lookup(kind: str, value: str, lang: str | None) -> str:
    key = f"features.{kind}.{_slug(value).lower()}"
    return t(key, lang) if has(key) else value


def _value_label(value: str, lang: str | None) -> str:
    return _lookup("value", value, lang)


def _column_label(column: str, lang: str | None) -> str:
    return _lookup("column", column, lang)


def _table_label(table: str, lang: str | None) -> str:
    return _lookup("table", table, lang)


def _window_label(window: int | None, lang: str | None) -> str:
    return t("features.window.days", lang, days=window) if window else t("features.window.all", lang)
