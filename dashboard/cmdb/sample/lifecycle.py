"""Lifecycle attributes of hardware CIs: install date, warranty, end of support and end of life (data/README.md).

Most hardware is fine; some is past or near its end of support or warranty, some is older than five years, and a few
dates are written in a form that is not a date (the data-quality finding ci.lifecycle_date reports them).
"""

import numpy as np

HARDWARE = ("server", "storage", "switch", "router", "firewall", "load_balancer")
DAY = np.timedelta64(1, "D")
UNREADABLE = ("31/12/2027", "TBD", "n/a", "end of 2026")  # what people type into a date field


def with_lifecycle(rng: np.random.Generator, ci: dict[str, np.ndarray], now: np.datetime64) -> np.ndarray:
    """The ci attributes column with lifecycle dates added to every hardware CI's JSON object."""
    classes = np.array([c.strip().lower() for c in ci["class"].tolist()], dtype=object)
    hardware = np.flatnonzero(np.isin(classes, HARDWARE))
    n = len(hardware)
    today = now.astype("datetime64[D]")
    old = rng.random(n) < 0.1  # a tenth is older than five years
    age_days = np.where(old, rng.integers(5 * 365 + 2, 8 * 365, n), rng.integers(180, 5 * 365, n))
    installed = today - age_days * DAY
    warranty = installed + rng.choice([4 * 365, 5 * 365, 6 * 365], size=n, p=[0.2, 0.5, 0.3]) * DAY
    support_in = rng.choice([-1, 0, 1], size=n, p=[0.06, 0.06, 0.88])
    support_days = np.select(
        [support_in < 0, support_in == 0], [rng.integers(-720, 0, n), rng.integers(0, 90, n)], rng.integers(90, 2500, n)
    )
    support = today + support_days * DAY
    life = support + rng.integers(365, 730, n) * DAY
    texts = {
        "install_date": installed.astype(str),
        "warranty_expiration": warranty.astype(str).astype(object),
        "end_of_support": support.astype(str),
        "end_of_life": life.astype(str),
    }
    unreadable = rng.choice(n, size=min(n, max(2, n // 200)), replace=False)
    texts["warranty_expiration"][unreadable] = np.asarray(UNREADABLE, dtype=object)[np.arange(len(unreadable)) % 4]
    out = ci["attributes"].astype(object).copy()
    for k, position in enumerate(hardware.tolist()):
        fields = ", ".join(f'"{name}": "{values[k]}"' for name, values in texts.items())
        out[position] = _merged(out[position], fields)
    return out


def _merged(attributes: object, fields: str) -> object:
    """A JSON object's text with more fields first; anything that is not an object's text is left as it is."""
    if attributes is None or (isinstance(attributes, float) and attributes != attributes):
        return "{" + fields + "}"
    text = str(attributes).strip()
    if not (text.startswith("{") and text.endswith("}")):
        return attributes
    rest = text[1:-1].strip()
    return "{" + fields + (", " + rest if rest else "") + "}"
