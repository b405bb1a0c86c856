"""The wall of services on a 1080p and a 4K screen, at 16 and 300 services: text sizes read from five metres, every
line inside its tile, nothing scrolls, every service shown or counted, and every text at 4.5:1 contrast or more in both
themes (colours as rendered, through getComputedStyle)."""

import re
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.settings import Settings
from tests.browser.conftest import _serve
from tests.wall_cmdb import LONG, write_services

pytestmark = pytest.mark.browser

# Every visible element with text of its own: its class, font size, and the contrast of its colour against the first
# opaque background behind it (WCAG 2 relative luminance).
TEXTS_JS = """
const rgb = (s) => s.match(/[\\d.]+/g).map(Number);
const lum = ([r, g, b]) => [r, g, b]
  .map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); })
  .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
const behind = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
  if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
return [...document.querySelectorAll('#page-wall *')].filter((el) => el.getClientRects().length
  && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())).map((el) => {
  const style = getComputedStyle(el);
  const [a, b] = [lum(rgb(style.color)), lum(behind(el))];
  return {cls: String(el.className) || el.id, text: el.textContent.slice(0, 40), size: parseFloat(style.fontSize),
          ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
});
"""
# Per tile: how far its lowest line reaches below its content box (px; > 0 is clipped), and whether it is on screen.
LINES_JS = """
return [...document.querySelectorAll('#wall-tiles .tile')].map((t) => {
  const box = t.getBoundingClientRect();
  const bottom = box.bottom - parseFloat(getComputedStyle(t).paddingBottom);
  const range = document.createRange();
  range.selectNodeContents(t);  // every line of text in the tile, its own included
  const lowest = Math.max(...[...range.getClientRects()].map((r) => r.bottom));
  return {over: lowest - bottom, inside: box.right <= innerWidth + 0.5 && box.bottom <= innerHeight + 0.5};
});
"""
SIZES = [(1920, 1080), (3840, 2160)]


def _wall(tmp_path_factory: pytest.TempPathFactory, count: int) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp(f'wall{count}') / 'cmdb.sqlite'}"
    write_services(url, count)
    yield from _serve(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))


@pytest.fixture(scope="module")
def walls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[int, str]]:
    """The app over 16 and over 300 services (tests/wall_cmdb.py)."""
    small, large = _wall(tmp_path_factory, 16), _wall(tmp_path_factory, 300)
    yield {16: next(small), 300: next(large)}
    for server in (small, large):
        next(server, None)


def open_wall(browser, base: str, count: int, query: str = "") -> None:
    browser.get(base + "wall" + query)
    shown = "#wall-tiles .tile[data-ci], #wall-tiles .tile.more"
    WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, shown))


@pytest.mark.parametrize("count", [16, 300])
@pytest.mark.parametrize("size", SIZES)
def test_ws001_names_are_36_px_and_every_other_line_28_px_per_1080_lines(browser, walls, screen, count, size):
    screen(*size)
    open_wall(browser, walls[count], count)
    scale = size[1] / 1080
    texts = browser.execute_script(TEXTS_JS)
    names = [t["size"] for t in texts if "tile-name" in t["cls"]]
    assert names
    assert min(names) >= 36 * scale
    small = [t for t in texts if t["size"] < 28 * scale]
    assert not small, small
    lines = browser.execute_script(LINES_JS)
    assert max(line["over"] for line in lines) <= 0, lines
    assert all(line["inside"] for line in lines)
    assert browser.execute_script("return document.scrollingElement.scrollHeight <= window.innerHeight")


@pytest.mark.parametrize("count", [16, 300])
def test_ws002_every_service_is_shown_or_counted(browser, walls, screen, count):
    screen(1920, 1080)
    open_wall(browser, walls[count], count)
    shown = len(browser.find_elements(By.CSS_SELECTOR, "#wall-tiles .tile[data-ci]"))
    more = browser.find_elements(By.CSS_SELECTOR, "#wall-tiles .tile.more")
    counted = int(re.search(r"\+ ([\d,]+) more", more[0].text).group(1).replace(",", "")) if more else 0
    assert shown + counted == count
    band = browser.find_element(By.CSS_SELECTOR, ".wall-band").text
    assert band.startswith(f"{count} services")


def test_ws003_a_long_name_wraps_or_ends_in_an_ellipsis_with_the_whole_name_as_title(browser, walls, screen):
    screen(1920, 1080)
    open_wall(browser, walls[16], 16)
    name = browser.find_element(By.CSS_SELECTOR, f'#wall-tiles [title="{LONG}"]')
    box = browser.execute_script("const e = arguments[0]; return {scroll: e.scrollWidth, client: e.clientWidth};", name)
    assert box["scroll"] <= box["client"] + 1  # no word runs out of the tile sideways
    # "_" sits below the baseline: the line box must hold it (a clamp cuts lines, never a descender).
    line_height = browser.execute_script("return parseFloat(getComputedStyle(arguments[0]).lineHeight)", name)
    size = browser.execute_script("return parseFloat(getComputedStyle(arguments[0]).fontSize)", name)
    assert line_height >= 1.15 * size


@pytest.mark.parametrize("theme", ["dark", "light"])
@pytest.mark.parametrize("count", [16, 300])
def test_ws004_every_text_has_at_least_4_5_to_1_contrast(browser, walls, screen, theme, count):
    screen(1920, 1080)
    open_wall(browser, walls[count], count, f"?theme={theme}")
    WebDriverWait(browser, 10).until(lambda d: theme in d.find_element(By.ID, "page-wall").get_attribute("class"))
    texts = browser.execute_script(TEXTS_JS)
    low = [t for t in texts if t["ratio"] < 4.5]
    assert not low, low


def test_ws005_a_two_line_stale_banner_pushes_no_service_off_the_screen(browser, walls, screen):
    screen(1920, 1080)
    open_wall(browser, walls[300], 300)
    browser.execute_script(
        "clearInterval(window.servicemapWallClock);"  # the clock would put back the real status
        "document.getElementById('page-wall').classList.add('stale');"
        "document.getElementById('wall-status').textContent = 'STALE — ' + 'the CMDB could not be read. '.repeat(6);"
    )
    assert browser.execute_script("return document.getElementById('wall-status').getClientRects()[0].height") > 60
    lines = browser.execute_script(LINES_JS)
    assert all(line["inside"] for line in lines)
    assert max(line["over"] for line in lines) <= 0
