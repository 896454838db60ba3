"""fieldkpi's domain: the appraisal scheme, KPI math, ranking, rewards and exports.

Pure Python on plain data. Nothing in this package (except ``cli``, the
composition root) imports SQLite or Textual.
"""
