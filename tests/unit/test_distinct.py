import pandas as pd

from dashboard.cmdb.distinct import per_distinct


def test_ds001_per_distinct_matches_the_row_by_row_result_nulls_included():
    values = pd.Series(["B", None, "a", "B", " a", None], index=[5, 4, 3, 2, 1, 0], dtype="str", name="x")
    calls = []

    def lower(series: pd.Series) -> pd.Series:
        calls.append(len(series))
        return series.str.strip().str.lower()

    result = per_distinct(values, lower)
    pd.testing.assert_series_equal(result, values.str.strip().str.lower())
    assert calls == [4]


def test_ds002_per_distinct_of_an_empty_column_is_empty():
    result = per_distinct(pd.Series([], dtype="str"), lambda s: s.str.len())
    assert len(result) == 0
