"""The LightGBM baseline: frame → honest split → training → metrics, explanations, warnings → run record.

Public API::

    from workbench.model.baseline import TrainConfig, train_baseline   # MaskedTable → TrainingResult
    from workbench.model.splits import SplitSpec                       # random | time:COL | group:COL
    from workbench.model.frame import preview_target, candidate_features, split_columns
    from workbench.model.runs import run_record, save_run, stored_runs, score_table, comparison_frame
    from workbench.charts.model import chart, charts_for                # TrainingResult → plotly Figure
    from workbench.report.model_card import model_card_html             # offline HTML card

OpenMP threads that busy-wait at barriers burn a whole core each while a busy neighbour holds the other
one; on a shared 2-core machine that made training ten times slower (67 s instead of 6.5 s on 50k rows).
Passive waiting costs nothing measurable on an idle machine, so it is the default unless the environment
says otherwise. It must be set before LightGBM loads its OpenMP runtime, hence here.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
