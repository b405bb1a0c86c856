"""The asset-health page in headless Chromium: /health draws its charts, and a click on a mark leads to the CIs
behind it (one CI: the map centred on it; many: a list whose links open each on the map)."""

import re

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WAIT = 20
pytestmark = pytest.mark.browser
PLOTS = "return document.querySelectorAll('#page-health .js-plotly-plot').length"
ROOT_JS = """
const el = document.querySelector('#map-graph');
const cy = el && el._cyreg && el._cyreg.cy;
const root = cy ? cy.nodes('.root') : [];
return root.length === 1 ? root.data('ci_id') : null;
"""
# The chart of a section (layouts/health.py names each section after its chart) and one of its traces' marks.
TRACE_JS = """
const gd = document.querySelector('.health-' + arguments[0] + ' .js-plotly-plot');
if (!gd || !gd.data) return null;
const trace = gd.data.find((t) => t.name === arguments[1]) || gd.data[0];
return {keys: trace.customdata, x: trace.x, y: trace.y, index: gd.data.indexOf(trace)};
"""


def open_health(browser, served, query=""):
    browser.get(served + "health" + query)
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(PLOTS) >= 6)


def bar(browser, section, trace_index, point):
    """The drawn bar of a trace's point, to click on."""
    traces = browser.find_elements(By.CSS_SELECTOR, f".health-{section} .js-plotly-plot .barlayer .trace")
    return traces[trace_index].find_elements(By.CSS_SELECTOR, ".point")[point]


def test_bh001_health_draws_its_charts_and_hides_the_map(browser, served):
    open_health(browser, served)
    assert not browser.find_element(By.ID, "page-map").is_displayed()
    assert "active" in browser.find_element(By.ID, "nav-health").get_attribute("class")
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "#page-health h3")]
    assert "Status now, by class" in headings
    assert "Top offending CIs: incidents" in headings
    assert "CIs in scope" in browser.find_element(By.CSS_SELECTOR, ".health-scope").text


def test_bh002_a_click_on_a_top_offender_opens_the_map_centred_on_it(browser, served):
    open_health(browser, served)
    trace = browser.execute_script(TRACE_JS, "pareto-inc", "incidents")
    ci_id = int(trace["keys"][0].removeprefix("ci|"))
    target = bar(browser, "pareto-inc", trace["index"], 0)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    ActionChains(browser).move_to_element(target).pause(0.3).click().perform()
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(ROOT_JS) == ci_id)
    assert f"root={ci_id}" in browser.current_url
    assert browser.find_element(By.ID, "page-map").is_displayed()


def test_bh003_a_click_on_a_status_bar_lists_its_cis_and_each_links_to_the_map(browser, served):
    open_health(browser, served)
    trace = browser.execute_script(TRACE_JS, "mixclass", "OK")
    point = len(trace["x"]) - 1  # the class with most CIs is drawn at the top, as the last point
    expected = int(trace["x"][point])
    target = bar(browser, "mixclass", trace["index"], point)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    ActionChains(browser).move_to_element(target).pause(0.3).click().perform()
    heading = WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#health-selection h3") or None
    )[0]
    assert "that are OK now" in heading.text
    assert int(re.search(r": ([\d,]+) CIs", heading.text).group(1).replace(",", "")) == expected
    link = WebDriverWait(browser, WAIT).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#health-selection .ag-cell a") or None
    )[0]
    ci_id = int(link.get_attribute("href").rsplit("root=", 1)[1])
    link.click()
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(ROOT_JS) == ci_id)


def test_bh004_a_filter_writes_the_url_and_narrows_the_page(browser, served):
    open_health(browser, served, "?class=server&days=7")
    scope = browser.find_element(By.CSS_SELECTOR, ".health-scope").text
    assert "the last 7 days" in scope
    assert "Physical server" in browser.find_element(By.CSS_SELECTOR, ".health-filter-class").text
    assert int(scope.split(" CIs in scope")[0].replace(",", "")) < 2000


def test_bh005_on_a_4k_wall_the_charts_grow_with_the_page_text(browser, served, screen):
    screen(3840, 2160)
    open_health(browser, served)
    sized = """
        const gd = document.querySelector('.health-mixclass .js-plotly-plot');
        return gd && gd._fullLayout ? [gd._fullLayout.height, gd.layout.meta.height, gd._fullLayout.font.size] : null;
    """
    WebDriverWait(browser, WAIT).until(lambda d: (s := d.execute_script(sized)) and s[0] > 1.5 * s[1])
    assert browser.execute_script(sized)[2] > 20  # the fonts too


def test_bh006_choosing_a_class_in_its_filter_puts_it_in_the_url_and_redraws(browser, served):
    open_health(browser, served)
    before = browser.find_element(By.CSS_SELECTOR, ".health-scope").text

    def choose(d) -> bool:
        # The filters are drawn again when an answer arrives: open the dropdown and pick anew until it holds still.
        if not d.find_elements(By.XPATH, "//*[@role='option']"):
            d.find_element(By.CSS_SELECTOR, ".health-filter-class .dash-dropdown").click()
        option = next((o for o in d.find_elements(By.XPATH, "//*[@role='option']") if o.text == "Database"), None)
        if option is None:
            return False
        option.click()
        return True

    redrawn = WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException,))
    redrawn.until(choose)
    WebDriverWait(browser, WAIT).until(lambda d: "class=database" in d.current_url)
    redrawn.until(lambda d: d.find_element(By.CSS_SELECTOR, ".health-scope").text != before)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def test_bh007_the_page_has_no_serious_accessibility_violation(browser, served):
    from tests.browser.test_accessibility_browser import assert_accessible

    open_health(browser, served)
    assert_accessible(browser)


def test_bh008_behind_a_proxy_path_the_page_draws_and_a_click_opens_the_map_under_the_prefix(
    browser, served_behind_stripping_proxy
):
    open_health(browser, served_behind_stripping_proxy)
    # The browser's layout request names the page under the prefix in its Referer: the layout carries the body.
    layout = browser.execute_async_script(
        "const done = arguments[0]; fetch('_dash-layout').then(r => r.json()).then(j => done(JSON.stringify(j)))"
    )
    assert '"pathname":"/servicemap/health"' in layout
    trace = browser.execute_script(TRACE_JS, "pareto-inc", "incidents")
    ci_id = int(trace["keys"][0].removeprefix("ci|"))
    target = bar(browser, "pareto-inc", trace["index"], 0)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", target)
    ActionChains(browser).move_to_element(target).pause(0.3).click().perform()
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(ROOT_JS) == ci_id)
    assert f"/servicemap/?root={ci_id}" in browser.current_url


def test_bh009_a_fresh_load_draws_every_chart_with_the_cartesian_plotly_and_no_script_fails(browser, served):
    browser.get_log("browser")  # drop what earlier tests left
    browser.get(served + "health")
    graphs = "return document.querySelectorAll('#page-health .dash-graph').length"
    drawn = (
        "return [...document.querySelectorAll('#page-health .js-plotly-plot')]"
        ".filter(p => p.querySelector('.main-svg')).length"
    )
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(PLOTS) >= 6)
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script(drawn) == d.execute_script(graphs))
    scripts = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [s for s in scripts if "plotly-cartesian" in s]
    assert not [s for s in scripts if "package_data/plotly.min.js" in s]  # dcc never fetched the full bundle
    assert browser.execute_script("return window.Plotly.version") == "4.1.1"
    types = browser.execute_script(
        "return [...new Set([...document.querySelectorAll('#page-health .js-plotly-plot')]"
        ".flatMap(p => p._fullData.map(t => t.type)))].sort()"
    )
    assert "heatmap" in types
    assert "bar" in types
    assert browser.find_elements(By.CSS_SELECTOR, "#page-health .js-plotly-plot .hm image, #page-health .heatmaplayer")
    # The same page load, on to the map with a CI's details open: its chart draws with the same plotly.js.
    browser.execute_script(
        "window.history.pushState({}, '', arguments[0]);"
        "window.dispatchEvent(new CustomEvent('_dashprivate_pushstate'));",
        served + "?root=5&depth=2&sel=5",
    )
    WebDriverWait(browser, WAIT).until(
        lambda d: d.execute_script(
            "const p = document.querySelector('#map-details .js-plotly-plot');"
            "return !!(p && p.querySelector('.main-svg'));"
        )
    )
    scripts = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert not [s for s in scripts if "package_data/plotly.min.js" in s]
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and e.get("source") == "javascript"]
    assert errors == []


def test_bh010_charts_are_not_redrawn_at_the_size_drawn_but_still_follow_a_resized_window(browser, served):
    open_health(browser, served)
    width = (
        "const p = document.querySelector('#page-health .js-plotly-plot');return [p._fullLayout.width, p.offsetWidth]"
    )
    WebDriverWait(browser, WAIT).until(lambda d: abs(d.execute_script(width)[0] - d.execute_script(width)[1]) < 1)
    assert browser.execute_script("return window.Plotly.Plots.__servicemapResize") is True
    before = browser.execute_script(width)[0]
    size = browser.get_window_size()
    try:
        browser.set_window_size(size["width"] - 400, size["height"])
        WebDriverWait(browser, WAIT).until(
            lambda d: (
                abs(d.execute_script(width)[0] - before) > 50  # narrower, or one column: wider
                and abs(d.execute_script(width)[0] - d.execute_script(width)[1]) < 1
            )
        )
    finally:
        browser.set_window_size(size["width"], size["height"])


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_bh011_every_chart_is_drawn_once_with_the_margins_the_server_computed_at_the_pages_scale(
    browser, served, screen, width, height
):
    screen(width, height)
    open_health(browser, served)
    # Per chart: the margins drawn, the server's (unscaled, layout.meta) times the page's scale, and the height.
    charts = """
        const scale = parseFloat(getComputedStyle(document.body).fontSize) / 14;
        const plots = [...document.querySelectorAll('#page-health .js-plotly-plot')];
        if (!plots.length || plots.some(p => !p._fullLayout || !p.querySelector('.main-svg'))) return null;
        return plots.map(p => {
            const s = p._fullLayout._size, m = p.layout.meta;
            const k = scale > 1.1 ? scale : 1;
            return {drawn: [s.l, s.r, s.t, s.b], server: ['l', 'r', 't', 'b'].map(x => m.margin[x] * k),
                    height: p._fullLayout.height, scaled: m.height * k};
        });
    """
    WebDriverWait(browser, WAIT).until(lambda d: (c := d.execute_script(charts)) and len(c) >= 16)
    assert browser.execute_script("return window.Plotly.__servicemapScale") is True
    for chart in browser.execute_script(charts):
        # plotly's automargin found the labels, titles and legend inside the margins: it pushed none, so it did not
        # draw the chart a second time (layouts/chart_margins.py).
        assert chart["drawn"] == pytest.approx(chart["server"], abs=1)
        assert chart["height"] == pytest.approx(chart["scaled"], abs=1)


def test_bh012_a_page_load_shows_its_first_layouts_body_and_its_url_is_built_again_when_come_back_to(browser, served):
    # A page load at /health gets the body with the page's first layout (for its URL); after another URL's body,
    # coming back to the first URL must not keep the other one.
    scope = "return (document.querySelector('.health-scope') || {}).textContent || ''"
    open_health(browser, served, "?days=30")
    assert "the last 30 days" in browser.execute_script(scope)
    browser.execute_script(
        "window.history.pushState({}, '', arguments[0]); window.dispatchEvent(new PopStateEvent('popstate'))",
        served + "health?days=7",
    )
    WebDriverWait(browser, WAIT).until(lambda d: "the last 7 days" in d.execute_script(scope))
    browser.back()
    WebDriverWait(browser, WAIT).until(lambda d: "the last 30 days" in d.execute_script(scope))
    assert browser.execute_script(PLOTS) >= 16
