"""``workbench train PATH --target COL [--split random|time:COL|group:COL] [--json]``: the baseline from the shell.

The file goes through the privacy gate first (``load_masked``); the run is stored in the workspace when it
has a store, and the model card / model text are written where asked.
"""

from __future__ import annotations

from pathlib import Path

import click

from workbench.commands._common import echo_json, left_out_lines, load_masked, timing_marks


@click.command("train")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--target", required=True, help="Target column (binary, multiclass or regression; detected).")
@click.option(
    "--split",
    "split_text",
    default="random",
    show_default=True,
    help="random | time:DATE_COLUMN (out-of-time by month) | group:KEY_COLUMN (e.g. customer).",
)
@click.option(
    "--task",
    type=click.Choice(["binary", "multiclass", "regression"]),
    default=None,
    help="Override the detected task.",
)
@click.option("--event", default=None, help="Target value that counts as the event (binary; detected by default).")
@click.option("--exclude", multiple=True, help="Column to leave out of the features (repeatable).")
@click.option(
    "--imbalance",
    type=click.Choice(["none", "is_unbalance", "scale_pos_weight"]),
    default="none",
    show_default=True,
    help="Class weighting for rare events.",
)
@click.option("--threshold", type=float, default=None, help="Decision threshold (default: training event rate).")
@click.option(
    "--bureau-scale",
    is_flag=True,
    help="Scorecard points on the 1–1000 range Korean bureaus use (600 at 50:1, 60 to double; else 20 to double).",
)
@click.option("--search", is_flag=True, help="Quick random search of LightGBM settings on the validation split.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the split and of LightGBM.")
@click.option(
    "--card",
    "card_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the offline HTML model card here.",
)
@click.option(
    "--model-out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the LightGBM model (text format) here.",
)
@click.option("--save/--no-save", default=True, show_default=True, help="Store the run in the workspace.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def train(
    path: Path,
    target: str,
    split_text: str,
    task: str | None,
    event: str | None,
    exclude: tuple[str, ...],
    imbalance: str,
    threshold: float | None,
    bureau_scale: bool,
    search: bool,
    seed: int,
    card_path: Path | None,
    model_out: Path | None,
    save: bool,
    as_json: bool,
) -> None:
    """Train the LightGBM baseline on a file (scanned and certified on the way) and report honest metrics."""
    from workbench.features.rebuild import build_in_file, sidecar_of
    from workbench.i18n import t
    from workbench.model.baseline import TrainConfig, train_baseline
    from workbench.model.points import PointsScale
    from workbench.model.runs import run_record, save_run
    from workbench.model.scorecard import ScorecardOptions, with_stored_edits
    from workbench.model.splits import SplitSpec

    spec = SplitSpec.parse(split_text, seed=seed)
    options = ScorecardOptions(scale=PointsScale.korean_bureau() if bureau_scale else PointsScale())
    table = load_masked(path)
    build = build_in_file(path, table.fingerprint)  # a sidecar that is another table's: refused before any work
    store = None
    if save or card_path:
        from workbench.store import Store

        store = Store.open()
    config = TrainConfig(
        target=target,
        task=task,
        event=event,
        exclude=exclude,
        split=spec,  # type: ignore[arg-type]
        imbalance=imbalance,
        threshold=threshold,
        search=search,
        seed=seed,
        scorecard_options=with_stored_edits(store, table.name, target, options) if store is not None else options,
        generated=tuple(f.name for f in store.features.list()) if store is not None else (),
        timing_marks=tuple(timing_marks(table.name).values()),
        feature_build=build.to_dict() if build else None,
        feature_build_missing=sidecar_of(path).name if build is None and path.suffix.lower() == ".csv" else "",
    )  # type: ignore[arg-type]
    result = train_baseline(table, config)
    record = run_record(result)
    run_id = save_run(result, store) if save else None
    record["run_id"] = run_id
    if card_path:
        from workbench.model.runs import review_states
        from workbench.report.model_card import model_card_html

        card_path.write_text(model_card_html(result, reviews=review_states(store), run_id=run_id), encoding="utf-8")
        record["card"] = str(card_path)
    if model_out:
        model_out.write_text(result.model_text, encoding="utf-8")
        record["model"] = str(model_out)
    if as_json:
        echo_json(record)
        return
    click.echo(_summary(record, t))


def _summary(record: dict, t) -> str:
    """The human-readable report: event, metrics per split, top features, warnings."""
    lines = [f"{t('model.card.target')}: {record['target']} · {t('model.task.' + record['task'])}"]
    if record["event"] is not None:
        lines.append(t("model.event_is", event=record["event"], other=record["classes"][0]))
    keys = {
        "binary": ("auc", "gini", "ks", "pr_auc", "logloss", "brier"),
        "multiclass": ("macro_auc", "logloss", "accuracy"),
        "regression": ("rmse", "mae", "r2"),
    }[record["task"]]
    lines.append(f"{'':8}" + "".join(f"{k:>10}" for k in keys))
    for split, m in record["metrics"].items():
        cells = "".join(f"{m[k]:>10.4f}" if m[k] is not None else f"{'–':>10}" for k in keys)
        lines.append(f"{t('model.split.' + split):8}{cells}")
    lines.append("")
    lines.append(t("model.chart.importance") + ":")
    for f in record["importance"][:10]:
        lines.append(f"  {f['feature']:<30} gain {f['gain']:6.1%}  SHAP {f['shap']:6.1%}")
    for w in record["warnings"]:
        lines.append(f"! {w['code']}: {w['message']}")
    lines += left_out_lines(record)
    if record.get("run_id"):
        lines.append(f"{t('model.card.run')}: {record['run_id']}")
    return "\n".join(lines)
