"""The LightGBM baseline: frame → honest split → training → metrics, explanations, warnings → run record.

OpenMP threads that busy-wait at barriers burn a whole core each while a busy neighbour holds the other
one; on a shared 2-core machine that made training ten times slower (67 s instead of 6.5 s on 50k rows).
Passive waiting costs nothing measurable on an idle machine, so it is the default unless the environment
says otherwise. It must be set before LightGBM loads its OpenMP runtime, hence here.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
