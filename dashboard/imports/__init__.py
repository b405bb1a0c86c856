"""Importers: bring another tool's data into servicemap's own database (`servicemap import FORMAT PATH…`).

Each format module parses files into an ImportBatch (rows keyed by the source's own ids, plus every row it had to
reject and why); import_batch() resolves references, validates against the native vocabulary and writes, or only
reports in a dry run. Imports never write to a database that is not servicemap's own (see write.py).
"""

from dashboard.imports.batch import ImportBatch, Rejection, with_scope
from dashboard.imports.formats import FORMATS, parse
from dashboard.imports.report import AccountingError, ImportReport, MaxRejects, Outcome
from dashboard.imports.resolve import JOIN_BY
from dashboard.imports.write import import_batch

__all__ = ["FORMATS", "JOIN_BY", "AccountingError", "ImportBatch", "ImportReport", "MaxRejects", "Outcome", "Rejection",
           "import_batch", "parse", "with_scope"]  # fmt: skip
