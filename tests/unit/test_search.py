"""Type-ahead: prefix of a whole name or of one of its words, whole names first, ids exactly."""

import numpy as np

from dashboard.domain.search import NameSearch, id_query


def search_over(names: list[str]) -> NameSearch:
    keys, nodes, whole = [], [], []
    for node, name in enumerate(names):
        folded = name.lower()
        keys.append(folded)
        nodes.append(node)
        whole.append(True)
        for word in folded.replace("-", " ").split():
            if word != folded:
                keys.append(word)
                nodes.append(node)
                whole.append(False)
    return NameSearch.of(np.array(keys, dtype=object), np.array(nodes), np.array(whole))


NAMES = ["Payroll", "payroll-db-01", "hr-payroll-app", "Online Banking", "PAYMENTS hub"]


def test_se001_prefix_matches_whole_names_before_words():
    found = search_over(NAMES).prefix("pay", 10).tolist()
    assert sorted(found[:3]) == [0, 1, 4]
    assert set(found) == {0, 1, 2, 4}


def test_se002_matching_ignores_case_and_blanks_and_repeats_nothing():
    found = search_over(NAMES).prefix("  PAYROLL ", 10).tolist()
    assert found == [0, 1, 2]


def test_se003_limit_and_empty_queries():
    search = search_over(NAMES)
    assert len(search.prefix("p", 2)) == 2
    assert search.prefix("", 5).tolist() == []
    assert search.prefix("zzz", 5).tolist() == []


def test_se004_plain_numbers_are_id_queries():
    assert id_query(" 1234 ") == 1234
    assert id_query("#77") == 77
    assert id_query("12a") is None
    assert id_query("9" * 40) is None
