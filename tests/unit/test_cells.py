"""cells: a column's cells taken chunk by chunk are the cells pandas' take gives."""

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from dashboard.cmdb.cells import cells

texts = st.none() | st.text(max_size=5)


def same(a: list, b: list) -> bool:
    return len(a) == len(b) and all(x is y or x == y or (x != x and y != y) for x, y in zip(a, b, strict=True))


@given(
    chunks=st.lists(st.lists(texts, min_size=1, max_size=6), min_size=1, max_size=5),
    picks=st.lists(st.integers(0, 1000), max_size=15),
    dtype=st.sampled_from(["str", "string[pyarrow]", "arrow"]),
)
def test_ce001_cells_chunk_by_chunk_are_the_cells_take_gives(chunks, picks, dtype):
    total = sum(len(c) for c in chunks)
    rows = np.array([p % total for p in picks], dtype=np.int64)
    chunked = pa.chunked_array([pa.array(c, type=pa.large_string()) for c in chunks])
    if dtype == "arrow":
        series = pd.Series(pd.arrays.ArrowExtensionArray(chunked))
    else:  # pandas' str (missing: NaN, as the snapshot's columns) and string[pyarrow] (missing: NA)
        na = np.nan if dtype == "str" else pd.NA
        series = pd.Series(pd.arrays.ArrowStringArray(chunked, dtype=pd.StringDtype("pyarrow", na_value=na)))
    assert series.array._pa_array.num_chunks == len(chunks)
    assert same(cells(series, rows), series.take(rows).tolist())


def test_ce002_other_columns_and_rows_out_of_range_are_taken_by_pandas():
    numbers = pd.Series([1.0, np.nan, 3.0])
    assert same(cells(numbers, np.array([2, 1])), [3.0, np.nan])
    assert same(cells(pd.Series(["a", None, "c"], dtype="str"), np.array([-1])), ["c"])
