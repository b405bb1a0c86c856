"""compare.duplicated: the rows DataFrame.duplicated finds, by a stable sort."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.imports.compare import duplicated

ROWS = st.lists(st.tuples(st.integers(-3, 3), st.integers(0, 2), st.integers(0, 1)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(ROWS)
def test_rp001_the_rows_pandas_calls_duplicated_keeping_the_first(rows):
    frame = pd.DataFrame(rows, columns=["a", "b", "c"], dtype="int64")
    columns = [frame[c].to_numpy() for c in frame.columns]
    assert duplicated(*columns).tolist() == frame.duplicated().tolist()


def test_rp002_no_rows_no_repeats():
    assert duplicated(np.zeros(0, dtype="int64")).tolist() == []
