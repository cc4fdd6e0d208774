"""Scan a raw table for PII and quasi-identifiers, column by column.

Two passes, both single polars ``select``s: every detector on a sample of rows, then only the detectors that
passed, confirmed on *all* rows. A column's verdict carries a confidence, the share of non-null values that
matched, and up to three examples already partially masked (the scan never hands back a raw value).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.io.table import ScannedTable, Table
from workbench.privacy import identifiers as ids
from workbench.privacy import names
from workbench.privacy import patterns as p
from workbench.privacy.detectors import (
    CHECKED,
    DETECTORS,
    DIGITISH,
    QUASI_KINDS,
    WITH_HEADER,
    Context,
    Detector,
    Digits,
    detector_for,
    digit_matrix,
    header_agrees,
    header_customer_key,
    header_minority,
    header_quasi,
    header_type,
    matching_values,
    minority_verdict,
)
from workbench.privacy.gate import Finding
from workbench.privacy.transforms import partial_mask

SAMPLE_ROWS = 5_000
_EXAMPLES = 3
_SEP = "\x1f"


@dataclass(frozen=True)
class QuasiIdentifier:
    """A column that identifies nobody alone but narrows people down in combination (k-anonymity input)."""

    column: str
    kind: str  # one of detectors.QUASI_KINDS
    reason: str  # "header" or "values"


@dataclass(frozen=True)
class ColumnScan:
    """Everything the scan says about one column (PII or not), for the page and the CLI."""

    column: str
    dtype: str
    pii_type: str | None
    confidence: float
    match_rate: float
    header_hint: str | None  # the pii_type the header names, even when values disagree (already masked?)
    quasi: str | None
    evidence: tuple[str, ...]  # partially masked examples, never raw
    value_format: str | None  # most common format of a value, ``######-#######``
    embedded: bool = False  # identifiers inside free text (a memo), not whole values: redact, not mask
    customer_key: bool = False  # the bank's customer number (고객번호, CIF): pseudonymised by ``--auto``
    reasons: tuple[tuple[str, int], ...] = ()  # why, as (code, rows): ``phone``, ``person_name.label`` …


@dataclass(frozen=True)
class ScanResult:
    table: str
    rows: int
    sampled_rows: int
    columns: tuple[ColumnScan, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(
            Finding(c.column, c.pii_type, c.confidence, c.match_rate, c.evidence) for c in self.columns if c.pii_type
        )

    @property
    def quasi_identifiers(self) -> tuple[QuasiIdentifier, ...]:
        return tuple(
            QuasiIdentifier(c.column, c.quasi, "header" if header_quasi(c.column) else "values")
            for c in self.columns
            if c.quasi and not c.pii_type
        )

    @property
    def customer_keys(self) -> tuple[str, ...]:
        """Customer-number columns that are not otherwise PII: ``--auto`` gives them a keyed pseudonym."""
        return tuple(c.column for c in self.columns if c.customer_key and not c.pii_type)

    @property
    def pii_columns(self) -> tuple[str, ...]:
        return tuple(c.column for c in self.columns if c.pii_type)

    def column(self, name: str) -> ColumnScan:
        return next(c for c in self.columns if c.column == name)

    def to_json(self) -> dict:
        """The CLI contract: PII columns under ``columns``, quasi-identifiers apart."""
        return {
            "table": self.table,
            "rows": self.rows,
            "columns": [
                {
                    "name": f.column,
                    "pii_type": f.pii_type,
                    "confidence": round(f.confidence, 3),
                    "match_rate": round(f.match_rate, 4),
                    "embedded": self.column(f.column).embedded,
                    "reasons": [{"code": code, "rows": n} for code, n in self.column(f.column).reasons],
                    "evidence": list(f.evidence),
                }
                for f in self.findings
            ],
            "quasi_identifiers": [{"name": q.column, "kind": q.kind} for q in self.quasi_identifiers],
            "customer_keys": list(self.customer_keys),
        }


# --- the passes ------------------------------------------------------------------------------------------


def _text_kind(dtype: pl.DataType) -> str | None:
    """Which detectors may run: ``text`` all of them, ``integer`` the digit-only ones, ``None`` none."""
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum | pl.Categorical):
        return "text"
    if dtype.is_integer():
        return "integer"
    return None


def _sweepable(dtype: pl.DataType) -> bool:
    """Columns whose values may be identifiers written as numbers: text and every number type."""
    return _text_kind(dtype) is not None or dtype.is_float() or isinstance(dtype, pl.Decimal)


def _norm(col: str, dtype: pl.DataType | None = None) -> pl.Expr:
    """Stripped text; empty strings count as missing so rates are over real values."""
    s = pl.col(col).cast(pl.String).str.strip_chars()
    return pl.when(s.str.len_chars() > 0).then(s)


def _applicable(kind: str | None) -> tuple[Detector, ...]:
    if kind == "text":
        return DETECTORS
    if kind == "integer":
        return tuple(d for d in DETECTORS if d.numeric)
    return ()


def _parts(col_index: int) -> p.Parts:
    """``Parts`` pointing at the helper columns ``_stat_frame`` materialises for a column."""
    return p.Parts(*(pl.col(f"{_SEP}{col_index}{_SEP}{k}") for k in ("s", "d", "n", "k")))


def _stat_frame(frame: pl.DataFrame | pl.LazyFrame, wanted: dict[int, tuple[Detector, ...]], cols: list[str]) -> dict:
    """One row of rates: every wanted detector's stats for its column, over non-null values."""
    lf = _stat_lazy(frame, wanted, cols)
    return {} if lf is None else lf.collect(engine="streaming").row(0, named=True)


def _stat_lazy(
    frame: pl.DataFrame | pl.LazyFrame, wanted: dict[int, tuple[Detector, ...]], cols: list[str]
) -> pl.LazyFrame | None:
    wanted = {i: dets for i, dets in wanted.items() if dets}
    if not wanted:
        return None
    stats: list[pl.Expr] = []
    preps: list[pl.Expr] = []
    for i, dets in wanted.items():
        v = _parts(i)
        stats.append(v.s.count().alias(f"{i}{_SEP}non_null"))
        for det in dets:
            x = {}
            for k, e in (det.prep(v) if det.prep else {}).items():
                name = f"{_SEP}{i}{_SEP}{det.pii_type}{_SEP}{k}"
                preps.append(e.alias(name))
                x[k] = pl.col(name)
            stats.extend(e.mean().alias(f"{i}{_SEP}{det.pii_type}{_SEP}{stat}") for stat, e in det.stats(v, x).items())
    # helper columns in three steps so each string clean-up runs once; checksums then use integer arithmetic
    names = {i: _parts(i) for i in wanted}
    digital = [v for i, v in names.items() if any(d.digits for d in wanted[i])]  # text-only types skip this
    schema = frame.collect_schema()
    lf = frame.lazy().select([_norm(cols[i], schema[cols[i]]).alias(_name(v.s)) for i, v in names.items()])
    if digital:
        lf = lf.with_columns([p.digits_only(v.s).alias(_name(v.d)) for v in digital])
        lf = lf.with_columns(
            [
                e
                for v in digital
                for e in (
                    v.d.cast(pl.UInt64, strict=False).alias(_name(v.num)),
                    v.d.str.len_chars().alias(_name(v.ndig)),
                )
            ]
        )
    if preps:
        lf = lf.with_columns(preps)
    return lf.select(stats)


def _name(e: pl.Expr) -> str:
    return e.meta.output_name()


def _contexts(row: dict, col_index: int, det: Detector, header: bool, distinct: int | None = None) -> Context:
    prefix = f"{col_index}{_SEP}{det.pii_type}{_SEP}"
    rates = {k[len(prefix) :]: v for k, v in row.items() if k.startswith(prefix)}
    non_null = row.get(f"{col_index}{_SEP}non_null") or 0
    return Context(
        rates,
        header,
        distinct if distinct is not None else row.get(f"{col_index}{_SEP}distinct", 0),
        non_null,
    )


def _best(verdicts: list[tuple[str, float, float]]) -> tuple[str, float, float] | None:
    return max(verdicts, key=lambda v: v[1] * v[2]) if verdicts else None


def scan(table: Table | ScannedTable, *, sample_rows: int = SAMPLE_ROWS, seed: int = 0) -> ScanResult:
    """Detect PII (``pii_type`` vocabulary of DESIGN.md) and quasi-identifiers in every column of ``table``.

    Detection runs on values first (a sample of ``sample_rows``), confirmed on every row for columns that
    pass; headers (Korean and English synonyms) lower the bar but never flag a column whose values disagree,
    so an already-masked ``주민번호`` column of ``901010-1******`` passes. A ``ScannedTable`` is read twice in
    streaming passes (the sample, then the confirmations), never held whole.
    """
    full = table.lazy()
    rows, schema = table.height, table.schema
    sample = table.sample_rows(sample_rows, seed=seed)
    cols = list(schema)
    kinds = {c: _text_kind(schema[c]) for c in cols}
    hints = {c: header_type(c) for c in cols}

    # pass 0, on the sample: counts, quasi-identifier tests and each detector's cheap prefilter
    exprs: list[pl.Expr] = []
    for i, c in enumerate(cols):
        if kinds[c]:
            s = _norm(c, schema[c])
            exprs += [s.count().alias(f"{i}{_SEP}non_null"), s.n_unique().alias(f"{i}{_SEP}distinct")]
            exprs += [
                s.str.contains(p.FREE_TEXT).mean().alias(f"{i}{_SEP}free"),
                p.gender(s).mean().alias(f"{i}{_SEP}q{_SEP}gender"),
                p.region(s).mean().alias(f"{i}{_SEP}q{_SEP}region"),
                s.str.contains(p.BIRTH_NUMBER).mean().alias(f"{i}{_SEP}q{_SEP}birth"),
            ]
            exprs += [
                s.str.contains(d.prefilter).mean().alias(f"{i}{_SEP}pre{_SEP}{d.pii_type}")
                for d in _applicable(kinds[c])
            ]
    srow = sample.select(exprs).row(0, named=True) if exprs else {}
    shaped = {
        i: tuple(d for d in _applicable(kinds[c]) if (srow.get(f"{i}{_SEP}pre{_SEP}{d.pii_type}") or 0) >= WITH_HEADER)
        for i, c in enumerate(cols)
    }

    # pass 1, on the sample: full statistics where the prefilter holds
    srow.update(_stat_frame(sample, shaped, cols))
    candidates: dict[int, tuple[Detector, ...]] = {}
    sample_verdicts: dict[int, list[tuple[str, float, float]]] = {}
    for i, dets in shaped.items():
        for det in dets:
            v = det.decide(_contexts(srow, i, det, header_agrees(det, hints[cols[i]])))
            if v:
                candidates[i] = (*candidates.get(i, ()), det)
                sample_verdicts.setdefault(i, []).append(v)

    # pass 2, on every row: confirm what passed; beside it, the sweep of every other column for checked
    # identifiers however few (0.3 % of a million rows, far past the sample) and whatever the dtype
    confirm = rows > sample.height and candidates
    sweep = [
        i for i, c in enumerate(cols) if _sweepable(schema[c]) and i not in (candidates if confirm else sample_verdicts)
    ]
    swept = _sweep(full, schema, sweep, hints)
    verdicts: dict[int, tuple[str, float, float]] = {}
    if confirm:
        frow = _stat_frame(full, candidates, cols)
        for i, dets in candidates.items():
            distinct = srow.get(f"{i}{_SEP}distinct", 0)
            found = [
                v
                for det in dets
                if (v := det.decide(_contexts(frow, i, det, header_agrees(det, hints[cols[i]]), distinct)))
            ]
            if best := _best(found):
                verdicts[i] = best
    else:
        verdicts = {i: b for i, vs in sample_verdicts.items() if (b := _best(vs))}
    unconfirmed = [i for i in candidates if confirm and i not in verdicts and _sweepable(schema[cols[i]])]
    swept.update(_sweep(full, schema, unconfirmed, hints))  # a majority the sample promised, every row did not
    swept = {i: found for i, found in swept.items() if i not in verdicts and found}
    verdicts.update({i: v for i, (v, _) in swept.items()})

    evidence = _evidence(sample, cols, {i: v for i, v in verdicts.items() if i not in swept})
    evidence.update({cols[i]: ex for i, (_, ex) in swept.items()})
    free = [
        i
        for i, c in enumerate(cols)
        if kinds[c] == "text" and i not in verdicts and (srow.get(f"{i}{_SEP}free") or 0) >= 0.3
    ]
    inside = _embedded(full, cols, free)
    for i, (verdict, examples, _) in inside.items():
        verdicts[i] = verdict
        evidence[cols[i]] = examples
    formats = _formats(sample, cols)
    out = []
    for i, c in enumerate(cols):
        v = verdicts.get(i)
        quasi = None if v else _quasi(c, srow, i, kinds[c])
        out.append(
            ColumnScan(
                column=c,
                dtype=str(schema[c]),
                pii_type=v[0] if v else None,
                confidence=(v[1] if i in inside or i in swept else round(v[1] * (0.5 + 0.5 * v[2]), 4)) if v else 0.0,
                match_rate=round(v[2], 6) if v else 0.0,
                header_hint=hints[c],
                quasi=quasi,
                evidence=evidence.get(c, ()),
                value_format=formats.get(c),
                embedded=i in inside,
                customer_key=header_customer_key(c),
                reasons=inside[i][2] if i in inside else (),
            )
        )
    return ScanResult(table=table.name, rows=rows, sampled_rows=sample.height, columns=tuple(out))


def _digit_lazy(full: pl.LazyFrame, col: str, dtype: pl.DataType) -> pl.LazyFrame:
    """One column, every row, reduced to the values written like a number (text of 9–26 bytes that is
    digits and separators; numbers of 9 digits or more) as ``d`` digits, ``num`` integer, ``nd`` length, and
    for text ``t`` as written. Most columns keep no row, so the checks that follow cost nothing there."""
    c = pl.col(col)
    if _text_kind(dtype) == "text":
        t = pl.col("t")
        # the cheap length test first, as a filter of its own: stripping and the pattern read only what is left
        raw = c.cast(pl.String)
        lf = full.select(raw.filter(raw.str.len_bytes().is_between(9, 40)).str.strip_chars().alias("t"))
        lf = lf.filter(t.str.len_bytes().is_between(9, 26) & t.str.contains(DIGITISH))
        lf = lf.with_columns(d=t.str.replace_all(r"[^0-9]", ""))
    else:
        lf = full.select(c.alias("x")).filter(pl.col("x") >= 100_000_000)
        lf = lf.select(p.digit_text(pl.col("x"), dtype).alias("d")).drop_nulls()
    return lf.with_columns(nd=pl.col("d").str.len_bytes())


def _sweep_counts(digits: pl.DataFrame) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    """Per checked identifier: values of its shape, values that pass its check, and up to three passing
    examples partially masked in polars before they become Python values."""
    if digits.height == 0:
        return {}
    text = "t" in digits.columns
    nd = digits["nd"]
    matrices: dict[tuple[int, int], tuple[pl.DataFrame, np.ndarray]] = {}  # shared by kinds of one length
    out = {}
    for k in CHECKED:
        written = pl.col("t") if text else (pl.lit("0") + pl.col("d") if k.pii_type == "phone" else pl.col("d"))
        shortest = min(k.widths) - (0 if text else k.lost_zeros)
        found: list[pl.DataFrame] = []
        n_shaped = n_valid = 0
        if k.kernel is not None:
            for width in k.widths:
                key = (width, shortest if width == min(k.widths) else width)
                if key not in matrices:
                    rows = nd.is_between(key[1], width)
                    part = digits if rows.all() else digits.filter(rows)  # no copy of a column all this long
                    matrices[key] = (part, digit_matrix(part["d"], width))
                part, m = matrices[key]
                if part.height:
                    shaped, valid = k.kernel(m)
                    n_shaped, n_valid = n_shaped + int(shaped.sum()), n_valid + int(valid.sum())
                    found.append(part.filter(pl.Series(valid)).head(_EXAMPLES))
        elif k.plan is not None and (part := digits.filter(nd.is_between(shortest, max(k.widths)))).height:
            shaped_e, valid_e = k.plan(Digits(pl.col("t") if text else None, pl.col("d"), pl.col("nd")))
            shaped_rows = part.filter(shaped_e)  # the plan's pattern reads only values of the right shape
            n_shaped = shaped_rows.height
            passing = shaped_rows.filter(valid_e)
            n_valid = passing.height
            found.append(passing.head(_EXAMPLES))
        if not n_shaped:
            continue
        examples = pl.concat(found).head(_EXAMPLES)
        masked = examples.select(partial_mask(written, k.pii_type)).to_series().to_list()
        out[k.pii_type] = (n_shaped, n_valid, tuple(x for x in masked if x))
    return out


def _present(col: str, dtype: pl.DataType) -> pl.Expr:
    """How many values a column holds (text: non-empty), without casting numbers to text."""
    if _text_kind(dtype) == "text":
        return (pl.col(col).cast(pl.String).str.len_bytes() > 0).sum()
    return pl.col(col).count()


def _totals_lazy(
    full: pl.LazyFrame, cols: list[str], schema: pl.Schema, swept: list[int], hinted: dict[int, str]
) -> pl.LazyFrame:
    """Non-null values of every swept column, and for columns whose header names a structured identifier
    (phone, account, passport…), how many values anywhere in the column match it."""
    exprs = [_present(cols[i], schema[cols[i]]).alias(f"{i}{_SEP}n") for i in swept]
    exprs += [
        matching_values(detector_for(t), _norm(cols[i])).sum().alias(f"{i}{_SEP}hinted") for i, t in hinted.items()
    ]
    return full.select(exprs or [pl.lit(0).alias("none")])


_STRUCTURED = ("phone", "account_number", "passport_number", "driver_license")  # no check digit: header + a few


def _sweep(
    full: pl.LazyFrame, schema: pl.Schema, idx: list[int], hints: dict[str, str | None]
) -> dict[int, tuple[tuple[str, float, float], tuple[str, ...]] | None]:
    """Columns ``idx``, every row, in one parallel collect: each judged by ``_swept_verdict``."""
    if not idx:
        return {}
    cols = list(schema)
    hinted = {i: h for i in idx if _text_kind(schema[cols[i]]) == "text" and (h := hints[cols[i]]) in _STRUCTURED}
    lazies = [_totals_lazy(full, cols, schema, idx, hinted)]
    done = pl.collect_all(lazies + [_digit_lazy(full, cols[i], schema[cols[i]]) for i in idx])
    totals = done[0].row(0, named=True)
    return {
        i: _swept_verdict(
            totals, _sweep_counts(done[1 + j]), i, cols[i], hinted.get(i), _text_kind(schema[cols[i]]) != "text"
        )
        for j, i in enumerate(idx)
    }


def _swept_verdict(
    row: dict, counts: dict, i: int, column: str, hint: str | None, numeric: bool
) -> tuple[tuple[str, float, float], tuple[str, ...]] | None:
    """A column the majority tests passed over, judged on every row: checked identifiers above chance, or
    structured ones under a header that names them."""
    non_null = row.get(f"{i}{_SEP}n") or 0
    if v := minority_verdict({t: c[:2] for t, c in counts.items()}, non_null, numeric=numeric, column=column):
        return v, counts[v[0]][2]
    hits = row.get(f"{i}{_SEP}hinted") or 0
    if hint and header_minority(hits, non_null):
        return (hint, 0.8, hits / max(non_null, 1)), ()
    return None


def _embedded(frame: pl.DataFrame | pl.LazyFrame, cols: list[str], free: list[int]) -> dict[int, tuple]:
    """Free-text columns checked on *every* row for identifiers inside the text, in every spelling
    ``privacy.identifiers`` knows: one phone number in a million memos is still a raw identifier downstream,
    so a single valid hit flags the column. Names count only in a context that says a name stands there
    (``privacy.names``); their confidence is that context's, and each context is a reason of its own.

    Per flagged column: (verdict, masked examples, reasons as (code, rows) with the most rows first)."""
    if not free:
        return {}
    # the text and the names' contexts are computed once per column, then only counted
    text = [_norm(cols[i]).alias(f"{i}{_SEP}s") for i in free]
    ctx = [
        names.found_in_context(ids.ascii_spelling(pl.col(f"{i}{_SEP}s")))
        .list.eval(pl.element().struct.field("context"))
        .alias(f"{i}{_SEP}ctx")
        for i in free
    ]
    exprs = []
    for i in free:
        s, named = pl.col(f"{i}{_SEP}s"), pl.col(f"{i}{_SEP}ctx")
        hits = [named.list.len() > 0 if k.find is names.found else ids.contains(s, k) for k in ids.KINDS]
        exprs.append(s.count().alias(f"{i}{_SEP}n"))
        exprs += [h.sum().alias(f"{i}{_SEP}{k.pii_type}") for h, k in zip(hits, ids.KINDS, strict=True)]
        exprs += [named.list.contains(c).sum().alias(f"{i}{_SEP}name{_SEP}{c}") for c in names.CONTEXTS]
        exprs.append(pl.any_horizontal(hits).sum().alias(f"{i}{_SEP}any"))
    row = frame.lazy().select(text).with_columns(ctx).select(exprs).collect().row(0, named=True)
    out = {}
    for i in free:
        counts = {k.pii_type: row[f"{i}{_SEP}{k.pii_type}"] or 0 for k in ids.KINDS}
        pii_type, count = max(counts.items(), key=lambda kv: kv[1])
        if not count:
            continue
        contexts = {c: row[f"{i}{_SEP}name{_SEP}{c}"] or 0 for c in names.CONTEXTS}
        reasons = [(t, n) for t, n in counts.items() if n and t != "person_name"]
        reasons += [(f"person_name.{c}", n) for c, n in contexts.items() if n]
        rate = (row[f"{i}{_SEP}any"] or 0) / max(row[f"{i}{_SEP}n"] or 1, 1)
        examples = (
            frame.lazy()
            .select(ids.found(_norm(cols[i]), ids.KIND_BY_TYPE[pii_type]).alias("v"))
            .explode("v")
            .drop_nulls()
            .head(_EXAMPLES)
            .select(partial_mask(pl.col("v"), pii_type))
            .collect()
            .to_series()
            .to_list()
        )
        conf = names.confidence(contexts) if pii_type == "person_name" else 0.8
        out[i] = ((pii_type, conf, rate), tuple(examples), tuple(sorted(reasons, key=lambda r: -r[1])))
    return out


def _quasi(col: str, row: dict, i: int, kind: str | None) -> str | None:
    """Header first (age, birth date, occupation…); then values: M/F-like columns and 시/도 names."""
    by_header = header_quasi(col)
    if by_header:
        return by_header
    if (row.get(f"{i}{_SEP}q{_SEP}birth") or 0) >= 0.95:  # 7309151: a birth date with the gender digit
        return "birth_date"
    if kind == "text":
        if (row.get(f"{i}{_SEP}q{_SEP}gender") or 0) >= 0.95:
            return "gender"
        if (row.get(f"{i}{_SEP}q{_SEP}region") or 0) >= 0.8:
            return "region"
    return None


def _evidence(sample: pl.DataFrame, cols: list[str], verdicts: dict[int, tuple[str, float, float]]) -> dict:
    """Up to three matching examples per flagged column, partially masked by type before leaving polars."""
    out: dict[str, tuple[str, ...]] = {}
    for i, (pii_type, _, _) in verdicts.items():
        c = cols[i]
        s = _norm(c, sample.schema[c])
        masked = (
            sample.lazy()
            .select(s.alias("v"))
            .filter(matching_values(detector_for(pii_type), pl.col("v")))
            .unique(maintain_order=True)
            .head(_EXAMPLES)
            .select(partial_mask(pl.col("v"), pii_type))
            .collect()
            .to_series()
        )
        out[c] = tuple(x for x in masked.to_list() if x is not None)
    return out


def _formats(sample: pl.DataFrame, cols: list[str]) -> dict[str, str]:
    """The most common value format per column (digits as #, letters as A/a/가) among 300 sampled values:
    safe to show anywhere, and cheap (six regex passes per column)."""
    if not cols or sample.height == 0:
        return {}
    row = (
        sample.head(300)
        .select([p.value_format(_norm(c)).drop_nulls().mode().first().alias(c) for c in cols])
        .row(0, named=True)
    )
    return {c: v for c, v in row.items() if v is not None}


__all__ = ["QUASI_KINDS", "ColumnScan", "QuasiIdentifier", "ScanResult", "scan"]
