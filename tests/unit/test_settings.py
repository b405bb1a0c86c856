"""Settings read from the environment and checked: the CMDB deadline."""

import pytest

from dashboard.settings import Settings


def test_cf001_the_cmdb_deadline_is_read_from_the_environment_and_must_be_positive():
    assert Settings.from_env({}).cmdb_deadline_seconds == 120.0
    assert Settings.from_env({"SERVICEMAP_CMDB_DEADLINE_SECONDS": "45"}).cmdb_deadline_seconds == 45.0
    with pytest.raises(ValueError, match="cmdb_deadline_seconds must be more than 0"):
        Settings.from_env({"SERVICEMAP_CMDB_DEADLINE_SECONDS": "0"})
