"""Some cells of a column as Python values, without gathering an arrow-backed column's chunks into one.

pandas' take of a few hundred rows of a million-row string column read in 16 chunks cost 10–36 ms at 1M incidents
(pyarrow's take on a chunked array); taking from each chunk the rows it holds cost 2 ms. /health lists ~1,200 rows
over a dozen such columns per filter change (docs/benchmarks.md).
"""

import numpy as np
import pandas as pd
import pyarrow as pa


def cells(series: pd.Series, rows: np.ndarray) -> list[object]:
    """series.take(rows).tolist(): the same values (a missing one as the column's own missing value)."""
    rows = np.asarray(rows, dtype=np.int64)
    chunked = getattr(series.array, "_pa_array", None)
    if (
        not isinstance(chunked, pa.ChunkedArray)
        or chunked.num_chunks < 2
        or not (pa.types.is_string(chunked.type) or pa.types.is_large_string(chunked.type))
        or (len(rows) and (rows.min() < 0 or rows.max() >= len(series)))
    ):
        return series.take(rows).tolist()
    starts = np.r_[0, np.cumsum([len(chunk) for chunk in chunked.chunks])]
    which = np.searchsorted(starts, rows, side="right") - 1
    out: list[object] = [None] * len(rows)
    missing = series.dtype.na_value
    for chunk in np.unique(which).tolist():
        mine = np.flatnonzero(which == chunk)
        values = chunked.chunks[chunk].take(pa.array(rows[mine] - starts[chunk])).to_pylist()
        for k, value in zip(mine.tolist(), values, strict=True):
            out[k] = missing if value is None else value
    return out
