"""A network of routers linked by "connects to" in headless Chromium: "both ways, all hops" from any router draws
the whole connected part, and the links are drawn without arrowheads while dependencies keep theirs."""

from collections.abc import Iterator

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.domain.vocabulary import RELATIONSHIP_STYLES
from dashboard.settings import Settings
from tests.browser.conftest import _serve
from tests.rows import ci, rel, write

WAIT = 20
ROUTERS = 40
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served_network(tmp_path_factory) -> Iterator[str]:
    """A ring of 40 routers with chords, a switch uplinked to one of them and a service above; served."""
    url = f"sqlite:///{tmp_path_factory.mktemp('network') / 'network.sqlite'}"
    routers = [ci(i, f"rtr-{i:02}", "router") for i in range(1, ROUTERS + 1)]
    links = [rel(i, i, "connects to", i % ROUTERS + 1) for i in range(1, ROUTERS + 1)]
    links += [rel(100 + i, i, "connects to", i + ROUTERS // 2) for i in range(1, ROUTERS // 2, 5)]
    above = [ci(100, "sw-access", "switch"), ci(101, "web-01", "server"), ci(102, "Shop", "business_service")]
    uplinks = [rel(200, 100, "uplinked to", 7), rel(201, 101, "uplinked to", 100), rel(202, 102, "depends on", 101)]
    write(url, ci=routers + above, relationship=links + uplinks)
    yield from _serve(Settings.from_env({}, database_url=url, refresh_seconds=0, anonymous=True))


DRAWN = """
    const el = document.querySelector('#map-graph');
    const cy = el && el._cyreg && el._cyreg.cy;
    if (!cy || cy.nodes('.root').length !== 1 || cy.nodes('.root').data('ci_id') !== arguments[0]) return null;
    const arrows = (sym) => cy.edges().filter((e) => e.hasClass('sym') === sym)
        .map((e) => e.style('target-arrow-shape'));
    return {nodes: cy.nodes().length, links: arrows(true), dependencies: arrows(false)};
"""


def test_bn001_both_ways_all_hops_draws_the_whole_network_with_links_without_arrowheads(browser, served_network):
    for root in (1, 23):
        browser.get(served_network + f"?root={root}&dir=both&depth=all")
        drawn = WebDriverWait(browser, WAIT).until(lambda d, r=root: d.execute_script(DRAWN, r))
        assert drawn["nodes"] == ROUTERS + 3
        assert len(drawn["links"]) == ROUTERS + 4
        assert set(drawn["links"]) == {"none"}
        # Dependencies keep an arrowhead: each type its own (the vocabulary's RELATIONSHIP_STYLES).
        assert set(drawn["dependencies"]) == {RELATIONSHIP_STYLES[kind].arrow for kind in ("uplinked to", "depends on")}
        assert len(drawn["dependencies"]) == 3
