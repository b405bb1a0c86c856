"""A CMDB of N business services for the wall's tests and screenshots: each service runs on one application; a few
are down, degraded, unknown or in maintenance (with some health history), with open incidents, varied criticalities
and names (long ones, underscores) as real CMDBs have them."""

from datetime import UTC, datetime, timedelta

from tests.rows import ci, health, incident, rel, write

WORDS = ("Payroll", "Online Banking", "Customer_Portal", "Order Management", "Identity & Access", "Data Warehouse",
         "E-Mail", "Trading", "Logistics Tracking", "HR Self-Service", "Billing", "Claims_Processing",
         "Video Conferencing", "Supplier Onboarding", "Fleet Telemetry", "Treasury")  # fmt: skip
LONG = "Customer_Onboarding_Portal_EMEA – Identity_Verification and AML_Screening_Back"  # ≤ 80: not cut
CRITICALITIES = ("critical", "high", "medium", "low")


def statuses(n: int) -> list[str]:
    """The status of each service's application: about 5 % down, 5 % degraded, a few unknown or in maintenance."""
    down, degraded = max(2, n // 20), max(2, n // 20)
    unknown, maintenance = max(1, n // 100), max(1, n // 150)
    troubled = ["down"] * down + ["degraded"] * degraded + ["unknown"] * unknown + ["maintenance"] * maintenance
    return (troubled + ["ok"] * n)[:n]


def name(i: int) -> str:
    if i == 2:
        return LONG
    word = WORDS[i % len(WORDS)]
    return word if i < len(WORDS) else f"{word} {chr(ord('A') + i // len(WORDS) % 26)}{i // (26 * len(WORDS)) or ''}"


def write_services(url: str, n: int) -> None:
    """Write n services (ids 1 … n), their applications (ids 10001 …), health events and incidents at url."""
    now = datetime.now(UTC).replace(tzinfo=None)
    cis, rels, events, incidents = [], [], [], []
    for i, status in enumerate(statuses(n)):
        service, app = i + 1, 10_001 + i
        cis.append(ci(service, name(i), "business_service", criticality=CRITICALITIES[(i * 7) % 4]))
        cis.append(ci(app, f"{name(i).lower().replace(' ', '-')[:30]}-app", "application"))
        rels.append(rel(i + 1, service, "depends on", app))
        if i % 3 == 0:  # a history: OK three hours ago, then the current status
            events.append(health(len(events) + 1, app, "ok", observed_at=now - timedelta(hours=3)))
        started = now - timedelta(minutes=17 + 23 * i)
        events.append(health(len(events) + 1, app, status, observed_at=started))
        if status == "down":
            incidents.append(incident(f"INC{i:05d}", app, priority=1 + i % 2, opened_at=started))
            incidents.append(incident(f"INC{i:05d}B", app, priority=3, opened_at=started))
    write(url, ci=cis, relationship=rels, health=events, incident=incidents)
