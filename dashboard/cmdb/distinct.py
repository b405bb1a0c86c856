"""String work done once per distinct value: CMDB columns such as class or type repeat a few values a million times."""

from collections.abc import Callable

import numpy as np
import pandas as pd

from dashboard.domain.health import status_codes


def per_distinct(values: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """`transform(values)`, computed on the distinct values only (NULL is one of them) and spread back to every row.

    `transform` must work value by value (its result for a value may not depend on the other values).
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    done = transform(pd.Series(uniques, dtype=values.dtype))
    return pd.Series(done.array.take(codes), index=values.index, name=values.name)


def status_codes_of(statuses: pd.Series) -> np.ndarray:
    """`status_codes` of a column, each distinct value read once (pandas' factorize hashes them: sorting the five
    million strings of the column took seconds)."""
    found, distinct = pd.factorize(statuses, use_na_sentinel=False)
    if not len(distinct):
        return np.empty(0, dtype=np.int8)
    return status_codes(np.asarray(distinct, dtype=object))[found]
