"""The what-if page's URL: which CIs fail (`fail=`), which CIs fail with everything in or behind them (`in=`), and
which sites fail whole (`site=`, repeated). Parsed with the untrusted-input parser, in bounded sizes: what is not
a valid value is left out, what is beyond a bound is counted as cut (and said on the page), never an error."""

from dataclasses import dataclass
from urllib.parse import urlencode

from dashboard.domain.untrusted import number_list, query_lists, query_values

MAX_CIS = 100  # CI ids in fail=
MAX_CONTAINERS = 20  # CI ids in in=
MAX_SITES = 10  # site= values
MAX_SITE_CHARS = 128  # the width of ci.location


@dataclass(frozen=True, slots=True)
class WhatIfQuery:
    """What the user chose to fail, as the URL says it; `cut` when the URL listed more than the bounds allow."""

    cis: tuple[int, ...] = ()
    within: tuple[int, ...] = ()
    sites: tuple[str, ...] = ()
    cut: bool = False

    @property
    def empty(self) -> bool:
        """True when nothing is chosen to fail."""
        return not (self.cis or self.within or self.sites)


def parse_query(search: object) -> WhatIfQuery:
    """The choices of a query string (untrusted: never raises); ids in order of first mention, repeats dropped."""
    values = query_values(search)
    cis = number_list(values.get("fail"), MAX_CIS + 1)
    within = number_list(values.get("in"), MAX_CONTAINERS + 1)
    sites = sorted(query_lists(search, "site", MAX_SITES + 1, MAX_SITE_CHARS))
    cut = len(cis) > MAX_CIS or len(within) > MAX_CONTAINERS or len(sites) > MAX_SITES
    return WhatIfQuery(_distinct(cis)[:MAX_CIS], _distinct(within)[:MAX_CONTAINERS], tuple(sites[:MAX_SITES]), cut)


def to_query(query: WhatIfQuery) -> str:
    """The query string of some choices ("" when none), the inverse of parse_query."""
    parts: list[tuple[str, str]] = []
    if query.cis:
        parts.append(("fail", ",".join(map(str, query.cis))))
    if query.within:
        parts.append(("in", ",".join(map(str, query.within))))
    parts += [("site", site) for site in query.sites]
    return "?" + urlencode(parts) if parts else ""


def _distinct(numbers: list[int]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(numbers))
