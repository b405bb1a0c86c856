"""The header's data-age line says STALE by the browser's clock when the server stops answering, and recovers."""

import signal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.app import STATUS_TICK_MS
from tests.served_process import app_process, freeze

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TICK = STATUS_TICK_MS / 1000
STALE_AFTER = 2 * TICK + 5  # seconds of silence before the line says STALE
SLACK = 5  # seconds: the clock's one-second step, and a busy test machine


def clock_text(browser) -> str:
    return browser.find_element(By.ID, "overview-status").get_attribute("data-clock") or ""


def answered(browser) -> bool:
    return bool(browser.find_elements(By.CSS_SELECTOR, "#overview-status [data-answer]"))


def test_hs001_a_frozen_server_makes_the_header_stale_by_the_clock_and_it_recovers(browser, demo_cmdb):
    with app_process(demo_cmdb) as (url, process):
        browser.get(url)
        WebDriverWait(browser, 30).until(answered)
        assert clock_text(browser) == ""
        freeze(process)
        try:
            WebDriverWait(browser, STALE_AFTER + TICK + SLACK).until(lambda d: "STALE" in clock_text(d))
            assert "no answer from the server since" in clock_text(browser)
            assert "server-silent" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
            # "checked 8 s ago" would be a lie now: only the absolute time of the data stays on screen.
            assert not browser.find_element(By.CSS_SELECTOR, "#overview-status .ago").is_displayed()
        finally:
            freeze(process, signal.SIGCONT)
        WebDriverWait(browser, TICK + SLACK).until(lambda d: clock_text(d) == "")
        assert "server-silent" not in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
