"""A feature spec is checked against the tables before anything runs, so a mistake costs one line, not a run.

Each problem is one line that names the table or column: a table nothing links to the label, a ``key`` that
is not unique (with the number of duplicate rows: a join on it would multiply rows silently), a link, time,
``by`` or ``columns`` column the table lacks, a label column (key, cutoff, id, target) the label table
lacks, a target that is not binary. Every problem is reported at once, so one fix-and-rerun fixes them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from workbench.features.relations import FeatureSpecError, Relations
from workbench.features.table_stats import repeated_keys
from workbench.features.target import TargetCoding, target_coding
from workbench.privacy.gate import MaskedTable


@dataclass(frozen=True)
class SpecProblem:
    """One thing wrong with the spec: an i18n ``key`` and its parameters."""

    key: str
    params: tuple[tuple[str, object], ...] = ()

    def message(self, lang: str | None = None) -> str:
        return FeatureSpecError(self.key, **dict(self.params)).message(lang)


class SpecCheckError(FeatureSpecError):
    """Several problems at once; ``lines()`` gives one message per problem."""

    def __init__(self, problems: tuple[SpecProblem, ...]) -> None:
        self.problems = problems
        super().__init__(problems[0].key, **dict(problems[0].params))

    def lines(self, lang: str | None = None) -> list[str]:
        return [p.message(lang) for p in self.problems]

    def message(self, lang: str | None = None) -> str:
        return " · ".join(self.lines(lang))


def _problem(key: str, **params: object) -> SpecProblem:
    return SpecProblem(key, tuple(params.items()))


def _duplicates(table: MaskedTable, column: str) -> int:
    """Rows whose key repeats an earlier row's (nulls count as repeats)."""
    return repeated_keys(table.lazy(), column)


def check_spec(relations: Relations, tables: Mapping[str, MaskedTable]) -> tuple[SpecProblem, ...]:
    """Every problem of the spec against the loaded tables (empty: it is fit to run)."""
    out: list[SpecProblem] = []
    columns_of = {n: t.columns for n, t in tables.items()}
    lab = relations.label
    if lab.table not in tables:
        return (_problem("features.error.unknown_table", table=lab.table),)
    label_cols = columns_of[lab.table]
    for role_name, column in (("key", lab.key), ("cutoff", lab.cutoff), ("id", lab.id), ("target", lab.target)):
        if column and column not in label_cols:
            out.append(_problem("features.check.label_column", table=lab.table, column=column, role=role_name))
    referenced = {p for r in relations.tables for p, _ in r.links}
    for role in relations.tables:
        if role.name not in tables or role.name == lab.table:
            continue
        cols = set(columns_of[role.name])
        if role.key and role.key not in cols:
            out.append(_problem("features.check.column", table=role.name, column=role.key, role="key"))
        elif role.key and (role.name in referenced or role.key == lab.key):
            dupes = _duplicates(tables[role.name], role.key)
            if dupes:
                out.append(_problem("features.check.key_not_unique", table=role.name, column=role.key, n=dupes))
        for parent, column in role.links:
            if column not in cols:
                out.append(_problem("features.check.column", table=role.name, column=column, role="link"))
            elif parent in tables and not relations.table(parent).key:
                out.append(_problem("features.check.parent_without_key", table=role.name, parent=parent))
        if role.time and role.time not in cols:
            out.append(_problem("features.check.column", table=role.name, column=role.time, role="time"))
        for column in role.by:
            if column not in cols:
                out.append(_problem("features.check.column", table=role.name, column=column, role="by"))
        for column in role.columns:
            if column not in cols:
                out.append(_problem("features.check.column", table=role.name, column=column, role="columns"))
    if not out:
        for name in relations.unreachable(columns_of):
            out.append(_problem("features.check.not_linked", table=name, label_key=lab.key, label=lab.table))
    return tuple(out)


def ensure_valid(relations: Relations, tables: Mapping[str, MaskedTable]) -> TargetCoding | None:
    """Raise ``SpecCheckError`` listing every problem; else the target's coding (None without a target)."""
    problems = list(check_spec(relations, tables))
    coding = None
    target = relations.label.target
    if not problems and target:
        try:
            coding = target_coding(tables[relations.label.table].lazy().select(target).collect().to_series())
        except FeatureSpecError as e:
            problems.append(SpecProblem(e.key, tuple(e.params.items())))
    if problems:
        raise SpecCheckError(tuple(problems))
    return coding
