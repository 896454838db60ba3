"""Run ``fieldkpi`` as a branch server has it installed: without the bench extra's pandas.

    python bench/as_installed.py rank --db bench.db --month 2026-10 …   # = fieldkpi rank …

``pip install fieldkpi`` brings no pandas or numpy; the benchmark's venv has
them (``.[bench]``) for the analyst's version. sqlite-utils imports both
whenever they are installed, which adds about half a second and 50 MB to every
fieldkpi process (measured: bench/README.md). The processes ``bench/run.py``
times go through here, so that they measure what a branch server runs.
"""

from __future__ import annotations

import runpy
import sys

for hidden in ("pandas", "numpy"):
    sys.modules[hidden] = None  # type: ignore[assignment]  # `import pandas` fails as if absent

sys.argv[0] = "fieldkpi"
runpy.run_module("fieldkpi", run_name="__main__", alter_sys=True)
