"""Learn mode: a guided tour on the sample bank, the glossary, and the checks behind both.

``tour.STEPS`` are frozen ``Step``s (id, page to visit, question kind, check, options, optional action);
``tour.Facts`` computes the expected answers from the workspace (profile alerts, PSI, privacy scan, feature
catalog, runs) so no answer is hard-coded. ``actions`` runs the heavy steps on the sample for a trainee who
asks. ``glossary.TERMS`` lists the terms with the pages where they appear. Progress is kept per user in
``store.progress`` (step id → ``"done"``). Drawing lives in ``workbench.ui.learn_views`` and
``workbench.ui.glossary``.
"""

from workbench.learn.glossary import TERMS, Term, find, on_page, term
from workbench.learn.tour import DONE, STEPS, Facts, Outcome, Step, current_index, step

__all__ = [
    "DONE",
    "STEPS",
    "TERMS",
    "Facts",
    "Outcome",
    "Step",
    "Term",
    "current_index",
    "find",
    "on_page",
    "step",
    "term",
]
