"""The lifecycle dates in the CI attributes (data/README.md), decoded once per snapshot, and the finding that reports
the ones that are not dates (ci.lifecycle_date). Only the attribute texts that name one of them are decoded."""

import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.cmdb.quality import example_ids, rows_finding
from dashboard.domain.findings import Finding, Severity
from dashboard.domain.graph import GraphIndex
from dashboard.domain.lifecycle import HARDWARE_CLASSES, INSTALL_DATES, DateKind, parse_dates

EXPIRY_KINDS = (DateKind.END_OF_SUPPORT, DateKind.END_OF_LIFE, DateKind.WARRANTY)
NAMES = (*(k.value for k in EXPIRY_KINDS), *INSTALL_DATES)
FINDING_CODE = "ci.lifecycle_date"

Parsed = tuple[np.ndarray, np.ndarray]  # dates (datetime64[s], NaT when none) and "there but not a date", by position


@dataclass(frozen=True, slots=True)
class LifecycleDates:
    """Every CI's lifecycle dates by position, which CIs are hardware, and the dates that are not dates."""

    expiry: dict[DateKind, Parsed]  # end of support, end of life, warranty
    installed: Parsed  # install date, else purchase date
    hardware: np.ndarray  # bool by position: the CIs whose age counts
    findings: tuple[Finding, ...]


def lifecycle_dates(ci: pd.DataFrame, index: GraphIndex, attributes: pd.Series) -> LifecycleDates:
    """Decode the lifecycle attributes of every CI (row i of `ci` and of `attributes` is graph node i)."""
    values = lifecycle_values(attributes)
    parsed = {name: _parsed(values[name]) for name in NAMES}
    hardware = np.isin(index.class_codes, [i for i, name in enumerate(index.class_names) if name in HARDWARE_CLASSES])
    return LifecycleDates(
        expiry={kind: parsed[kind.value] for kind in EXPIRY_KINDS},
        installed=_first_install(parsed),
        hardware=hardware,
        findings=tuple(_findings(ci["name"], index, values, parsed)),
    )


def lifecycle_values(attributes: pd.Series) -> pd.DataFrame:
    """Each lifecycle attribute's raw value by CI position (None where absent)."""
    out = {name: np.full(len(attributes), None, dtype=object) for name in NAMES}
    text = attributes.astype("str")
    candidates = np.flatnonzero(text.str.contains("|".join(NAMES), regex=True, na=False).to_numpy())
    for position, raw in zip(candidates.tolist(), text.iloc[candidates].tolist(), strict=True):
        try:
            decoded = json.loads(raw)
        except ValueError:
            continue  # not JSON: the details panel shows it as it is
        if isinstance(decoded, dict):
            for name, column in out.items():
                if name in decoded:
                    column[position] = decoded[name]
    return pd.DataFrame(out)


def _parsed(values: pd.Series) -> Parsed:
    """parse_dates of the values that are there (most CIs have none: no Python call for them)."""
    dates = np.full(len(values), np.datetime64("NaT", "s"), dtype="datetime64[s]")
    bad = np.zeros(len(values), dtype=bool)
    there = np.flatnonzero(values.notna().to_numpy())
    dates[there], bad[there] = parse_dates(values.iloc[there].tolist())
    return dates, bad


def _first_install(parsed: dict[str, Parsed]) -> Parsed:
    """Install date, else purchase date; not a date only when neither gave a date and one of them was not a date."""
    (install, bad_install), (purchase, bad_purchase) = (parsed[name] for name in INSTALL_DATES)
    when = np.where(np.isnat(install), purchase, install)
    return when, np.isnat(when) & (bad_install | bad_purchase)


def _findings(names: pd.Series, index: GraphIndex, values: pd.DataFrame, parsed: dict[str, Parsed]) -> list[Finding]:
    """One finding for every lifecycle value that is there but is not a date; examples read "CI: name = value"."""
    bad = np.zeros(len(values), dtype=bool)
    examples: list[str] = []
    for name in NAMES:
        rows = np.flatnonzero(parsed[name][1])
        bad[rows] = True
        pairs = zip(names.iloc[rows].tolist(), values[name].iloc[rows].tolist(), strict=True)
        examples += [f"{ci}: {name} = {value}" for ci, value in pairs]
    return rows_finding(
        FINDING_CODE,
        Severity.WARNING,
        "Lifecycle dates that are not dates",
        np.asarray(examples, dtype=object),
        "counted as 'not a date' in asset lifecycle risk on /health; write them as YYYY-MM-DD",
        example_ids(index, index.ci_ids[np.flatnonzero(bad)]),
    )
