"""The made-up enterprise's vocabulary: data centres, business services, components, teams, products."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DataCentre:
    """A data centre: its code (also the CI name and every hosted CI's location), city and relative size."""

    code: str
    city: str
    weight: float


DATA_CENTRES: tuple[DataCentre, ...] = (
    DataCentre("FRA1", "Frankfurt", 5.0),
    DataCentre("AMS2", "Amsterdam", 4.0),
    DataCentre("LON3", "London", 4.0),
    DataCentre("DUB1", "Dublin", 2.5),
    DataCentre("PAR1", "Paris", 2.5),
    DataCentre("MAD2", "Madrid", 2.0),
    DataCentre("MIL1", "Milan", 2.0),
    DataCentre("ZRH1", "Zurich", 2.0),
    DataCentre("VIE1", "Vienna", 1.5),
    DataCentre("WAW1", "Warsaw", 1.5),
    DataCentre("STO1", "Stockholm", 1.5),
    DataCentre("CPH2", "Copenhagen", 1.2),
    DataCentre("BRU1", "Brussels", 1.2),
    DataCentre("HEL1", "Helsinki", 1.0),
    DataCentre("NYC1", "New York", 1.0),
    DataCentre("SIN1", "Singapore", 1.0),
)


@dataclass(frozen=True, slots=True)
class ServiceTemplate:
    """A business service as the business knows it; regional variants are derived from it."""

    name: str
    prefix: str  # application names start with it ("ob-web-frontend")
    criticality: str
    team: str
    host: str  # the service's URL host


SERVICES: tuple[ServiceTemplate, ...] = (
    ServiceTemplate("Online Banking", "ob", "critical", "Digital Banking Team", "banking.example.com"),
    ServiceTemplate("Mobile Banking", "mb", "critical", "Digital Banking Team", "m.banking.example.com"),
    ServiceTemplate("Payroll", "payroll", "high", "HR Systems Team", "payroll.corp.example.com"),
    ServiceTemplate("E-Mail", "mail", "high", "Messaging & Collaboration", "mail.corp.example.com"),
    ServiceTemplate("Customer Portal", "portal", "high", "Digital Channels Team", "my.example.com"),
    ServiceTemplate("HR Self-Service", "hrss", "medium", "HR Systems Team", "hr.corp.example.com"),
    ServiceTemplate("Payments Hub", "payhub", "critical", "Payments Platform Team", "payments.corp.example.com"),
    ServiceTemplate("Trading Platform", "trading", "critical", "Markets Technology", "trade.example.com"),
    ServiceTemplate("Data Warehouse", "dwh", "medium", "Data Platform Team", "dwh.corp.example.com"),
    ServiceTemplate("CRM", "crm", "high", "CRM Platform Team", "crm.corp.example.com"),
    ServiceTemplate("ERP Finance", "erpfin", "high", "Finance Systems Team", "erp.corp.example.com"),
    ServiceTemplate("Service Desk", "sdesk", "medium", "IT Service Management", "servicedesk.corp.example.com"),
    ServiceTemplate("Identity & Access", "iam", "critical", "Identity & Access Management", "sso.corp.example.com"),
    ServiceTemplate("Video Conferencing", "vc", "medium", "Messaging & Collaboration", "meet.corp.example.com"),
    ServiceTemplate("Intranet", "intranet", "low", "Digital Workplace Team", "intranet.corp.example.com"),
    ServiceTemplate("Document Management", "dms", "medium", "Content Services Team", "docs.corp.example.com"),
    ServiceTemplate("Card Processing", "cards", "critical", "Payments Platform Team", "cards.corp.example.com"),
    ServiceTemplate("Fraud Detection", "fraud", "critical", "Fraud Analytics Team", "fraud.corp.example.com"),
    ServiceTemplate("Loan Origination", "loans", "high", "Lending Technology", "loans.example.com"),
    ServiceTemplate("Risk Reporting", "risk", "high", "Risk Technology", "risk.corp.example.com"),
    ServiceTemplate("Contact Centre", "cc", "high", "Contact Centre Systems", "contact.corp.example.com"),
    ServiceTemplate("Regulatory Reporting", "regrep", "high", "Risk Technology", "regrep.corp.example.com"),
    ServiceTemplate("Procurement", "procure", "medium", "Finance Systems Team", "buy.corp.example.com"),
    ServiceTemplate("Print & Scan", "print", "low", "Digital Workplace Team", "print.corp.example.com"),
)
# The identity and payments services host the platform applications that other services share.
SHARED_PLATFORM_PREFIXES: tuple[str, ...] = ("iam", "payhub")
REGIONS: tuple[str, ...] = (
    "DE", "UK", "FR", "NL", "IE", "ES", "IT", "CH", "AT", "PL", "SE", "DK", "BE", "FI", "NO", "PT", "CZ", "US", "SG",
)  # fmt: skip
BUSINESS_UNITS: tuple[str, ...] = ("Retail", "Corporate", "Wealth", "Insurance", "Group")

# (label, slug) of the application services a business service is made of.
COMPONENTS: tuple[tuple[str, str], ...] = (
    ("Web Frontend", "web"), ("Public API", "api"), ("Mobile Backend", "mobile"), ("Authentication", "auth"),
    ("Batch Processing", "batch"), ("Reporting", "report"), ("Notifications", "notify"), ("Search", "search"),
    ("Messaging", "mq"), ("Data Integration", "etl"), ("Scheduling", "sched"), ("Document Store", "docs"),
    ("Audit Log", "audit"), ("Admin Console", "admin"), ("File Transfer", "sftp"), ("Workflow", "flow"),
    ("Rules Engine", "rules"), ("Customer Profile", "profile"), ("Ledger", "ledger"), ("Settlement", "settle"),
    ("Analytics", "analytics"), ("Archive", "archive"), ("Partner Gateway", "partner"), ("Pricing", "pricing"),
    ("Caching", "cache"), ("Billing", "billing"), ("Order Management", "orders"), ("Calculation", "calc"),
    ("Event Streaming", "events"), ("Consent Management", "consent"),
)  # fmt: skip
# Suffixes that tell an application service's applications apart ("ob-web", "ob-web-frontend").
APP_ROLES: tuple[str, ...] = (
    "frontend", "backend", "worker", "gateway", "scheduler", "consumer", "indexer", "sync", "adapter", "cache",
    "proxy", "exporter", "importer", "engine", "ui", "service",
)  # fmt: skip
APP_LANGUAGES: tuple[str, ...] = ("Java", "Java", "C#", "Python", "Go", "Node.js", "COBOL")

USER_GROUP_DEPARTMENTS: tuple[str, ...] = (
    "Retail Customers", "Branch Staff", "Finance Analysts", "Payroll Clerks", "HR Partners", "Traders",
    "Risk Officers", "Call Centre Agents", "Relationship Managers", "IT Support", "Compliance Officers",
    "Executives", "Marketing", "Procurement Buyers", "Developers", "Auditors", "Corporate Clients", "Contractors",
)  # fmt: skip
OFFICES: tuple[str, ...] = (
    "Frankfurt", "Berlin", "Munich", "Hamburg", "Amsterdam", "Rotterdam", "London", "Manchester", "Edinburgh",
    "Dublin", "Paris", "Lyon", "Madrid", "Barcelona", "Milan", "Rome", "Zurich", "Geneva", "Vienna", "Warsaw",
    "Krakow", "Stockholm", "Copenhagen", "Brussels", "Helsinki", "Oslo", "Lisbon", "Prague", "New York",
    "Singapore",
)  # fmt: skip

# Owning teams of the infrastructure layers.
TEAM_DBA = "DBA Team"
TEAM_UNIX = "Unix Ops"
TEAM_WINDOWS = "Windows Ops"
TEAM_VIRTUALISATION = "Virtualisation Team"
TEAM_STORAGE = "Storage Team"
TEAM_NETWORK = "Network Engineering"
TEAM_SECURITY = "Network Security"
TEAM_DATACENTRE = "Data Centre Operations"
TEAM_IAM = "Identity & Access Management"

# (engine label, name prefix, versions)
DB_ENGINES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("PostgreSQL", "pg", ("13.14", "14.11", "15.6", "16.2")),
    ("Oracle", "ora", ("19c", "21c")),
    ("SQL Server", "mssql", ("2017", "2019", "2022")),
    ("MySQL", "mysql", ("5.7", "8.0")),
    ("MariaDB", "maria", ("10.6", "10.11")),
    ("MongoDB", "mongo", ("6.0", "7.0")),
    ("Db2", "db2", ("11.5",)),
)
DB_ENGINE_WEIGHTS: tuple[float, ...] = (0.34, 0.22, 0.2, 0.08, 0.06, 0.07, 0.03)

LINUX_OS: tuple[str, ...] = ("RHEL 8.9", "RHEL 9.4", "Ubuntu 22.04", "SLES 15 SP5", "RHEL 7.9")
WINDOWS_OS: tuple[str, ...] = ("Windows Server 2019", "Windows Server 2022", "Windows Server 2016")
HYPERVISOR_OS = "VMware ESXi 8.0"
SERVER_MODELS: tuple[tuple[str, str], ...] = (
    ("Dell", "PowerEdge R760"), ("Dell", "PowerEdge R750"), ("HPE", "ProLiant DL380 Gen11"),
    ("HPE", "ProLiant DL360 Gen10"), ("Lenovo", "ThinkSystem SR650 V3"), ("Cisco", "UCS C240 M7"),
)  # fmt: skip
STORAGE_MODELS: tuple[tuple[str, str], ...] = (
    ("NetApp", "AFF A400"), ("NetApp", "AFF A800"), ("Pure Storage", "FlashArray//X70"),
    ("Dell", "PowerStore 5200T"), ("HPE", "Alletra 9060"),
)  # fmt: skip
ACCESS_SWITCH_MODELS: tuple[tuple[str, str], ...] = (
    ("Cisco", "Nexus 93180YC-FX"), ("Arista", "7050SX3-48YC8"), ("Juniper", "QFX5120-48Y"),
)  # fmt: skip
CORE_SWITCH_MODELS: tuple[tuple[str, str], ...] = (("Cisco", "Nexus 9508"), ("Arista", "7504R3"))
ROUTER_MODELS: tuple[tuple[str, str], ...] = (("Juniper", "MX204"), ("Cisco", "ASR 1002-HX"), ("Juniper", "MX480"))
FIREWALL_MODELS: tuple[tuple[str, str], ...] = (
    ("Palo Alto Networks", "PA-5220"), ("Fortinet", "FortiGate 1800F"), ("Check Point", "Quantum 6600"),
)  # fmt: skip
LOAD_BALANCER_MODELS: tuple[tuple[str, str], ...] = (
    ("F5", "BIG-IP i5800"),
    ("F5", "BIG-IP i7800"),
    ("Citrix", "ADC MPX 15000"),
)
