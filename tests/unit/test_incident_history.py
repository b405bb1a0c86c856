from datetime import datetime, timedelta

import pandas as pd
import pytest

from dashboard.incident_history import duration, history_lines, resolved_in


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(minutes=25), "25 min"),
        (timedelta(hours=10, minutes=13, seconds=59), "10 h 13 min"),
        (timedelta(days=3, hours=4, minutes=5), "3 d 4 h"),
        (timedelta(minutes=-5), ""),
    ],
)
def test_ih101_durations_show_their_two_largest_units(span, text):
    assert duration(span) == text


def test_ih102_an_open_incident_has_no_time_to_resolve():
    assert resolved_in(datetime(2026, 1, 1), None) == ""
    assert resolved_in(datetime(2026, 1, 1), pd.NaT) == ""
    assert resolved_in(datetime(2026, 1, 1), datetime(2026, 1, 1, 0, 42)) == "42 min"


def test_ih103_history_lines_are_ordered_by_update_and_read_as_text():
    history = pd.DataFrame(
        {
            "number": ["INC1"] * 3,
            "seq": [1, 0, 1],
            "field": ["state", "state", "priority"],
            "old_value": ["new", None, "3"],
            "new_value": ["on_hold", "new", "2"],
            "changed_at": [datetime(2026, 1, 1, 9, 5), datetime(2026, 1, 1, 9), None],
        }
    )
    assert history_lines(history) == (
        ("2026-01-01 09:00", "state: — → new"),
        ("", "priority: P3 → P2"),
        ("2026-01-01 09:05", "state: new → on hold"),
    )
