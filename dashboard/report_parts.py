"""The report's sections over issue 13's view models: top problem CIs, changes followed by incidents, incidents that
name no CI, asset lifecycle risk. Each says what to do next; every CMDB string is escaped (report_markup.e)."""

from dashboard.report import Report
from dashboard.report_markup import bar, ci_link, e, section, table
from layouts.incidents_without_ci import lead as unplaced_lead
from layouts.lifecycle import lead as lifecycle_lead

LISTED = 10


def top_cis(report: Report, map_url: str) -> str:
    """The CIs with the most incidents opened in the window."""
    found = report.sections.top_cis
    days = report.window.total_seconds() / 86400
    if not found:
        return section(
            "Top problem CIs", f"<p>No incident was opened on a CI in the last {days:g} days.</p>", "None.", ""
        )
    first = found[0]
    step = (
        f"Look at {ci_link(first.ci_id, first.name, map_url)}'s {first.opened} incidents together: repeated incidents "
        "on one CI are a problem to find the cause of, not tickets to close one by one."
    )
    rows = [[ci_link(c.ci_id, c.name, map_url), e(c.ci_class), str(c.opened), str(c.open_now)] for c in found]
    text = f"<p>The {len(found)} CIs with the most incidents opened in the last {days:g} days.</p>"
    return section("Top problem CIs", text, step, table(("CI", "Class", "Opened", "Open now"), rows, numeric={2, 3}))


def changes(report: Report, map_url: str) -> str:
    """Changes followed within 24 h by an incident on the changed CI or on what depends on it."""
    view = report.sections.changes
    rate = f" ({view.failed / view.changes:.0%})" if view.changes else ""
    text = (
        f"<p>{view.failed} of {view.changes} changes in the window{rate} were followed within 24 h by an incident on "
        "the changed CI or on something that depends on it.</p>"
    )
    rates = sorted((r for r in view.by_type if r.changes), key=lambda r: (-r.rate, -r.changes))
    if rates and view.failed:
        worst = rates[0]
        step = (
            f"Review the change type with the highest failure rate first: {e(worst.label or 'no type')} "
            f"({worst.failed} of {worst.changes}); the pairs below say which incident followed which change."
        )
    else:
        step = "No change was followed by an incident: nothing to review."
    labels = [r.label or "(no type)" for r in rates]
    chart = bar(labels, [r.failed for r in rates], ["#D55E00"] * len(rates), "Failed changes by type") if rates else ""
    pairs = [
        [e(p.change), e(p.change_type), e(p.team), _ci(p.changed_ci_id, p.changed_ci, map_url), e(p.incident),
         _ci(p.incident_ci_id, p.incident_ci, map_url), f"{(p.opened_at - p.changed_at).total_seconds() / 3600:.1f} h"]
        for p in view.pairs[:LISTED]
    ]  # fmt: skip
    head = ("Change", "Type", "Team", "Changed CI", "Incident", "On CI", "After")
    return section("Changes followed by incidents", text, step, chart + table(head, pairs, numeric={6}))


def unplaced(report: Report) -> str:
    """Incidents opened in the window that name no CI the CMDB has, by assignment group and category."""
    view = report.sections.unplaced
    text = f"<p>{e(unplaced_lead(view))}</p>"
    groups = [g for g in view.by_group if g.without_ci][:LISTED]
    if groups:
        top = groups[0]
        step = f"Ask {e(top.label or 'the unassigned queue')} first: {top.without_ci} of its incidents name no CI."
    else:
        step = "Every incident in the window names a CI: nothing to link."
    rows = [[e(g.label or "(none)"), str(g.without_ci), str(g.total)] for g in groups]
    categories = [[e(c.label or "(none)"), str(c.without_ci), str(c.total)] for c in view.by_category if c.without_ci]
    body = table(("Assignment group", "Without CI", "All"), rows, numeric={1, 2})
    body += "<h3>By category</h3>" + table(("Category", "Without CI", "All"), categories[:LISTED], numeric={1, 2})
    return section("Incidents not tied to a CI", text, step, body)


def lifecycle(report: Report, map_url: str) -> str:
    """CIs past or near end of support, end of life or warranty, and aged hardware, with the services on them."""
    view = report.sections.lifecycle
    text = f"<p>{e(lifecycle_lead(view))}</p>"
    if view.rows:
        first = view.rows[0]
        services = ", ".join(first.services[:3]) or "no business service"
        step = f"Plan the renewal of {_ci(first.ci_id, first.name, map_url)} first: it carries {e(services)}."
    else:
        step = "Nothing is past or near its end of support, end of life or warranty: nothing to plan."
    kinds = [c.kind for c in view.counts]
    rows = [
        [_ci(r.ci_id, r.name, map_url), e(r.ci_class), e(r.location), *[e(r.dates.get(k, "")) for k in kinds],
         e(", ".join(r.services[:3]))]
        for r in view.rows[:LISTED]
    ]  # fmt: skip
    head = ("CI", "Class", "Location", *kinds, "Business services on it")
    return section("Asset lifecycle risk", text, step, table(head, rows))


def _ci(ci_id: int | str, name: str, map_url: str) -> str:
    return ci_link(ci_id, name, map_url) if isinstance(ci_id, int) else e(name or ci_id)
