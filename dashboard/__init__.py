"""servicemap: business-service dependency maps over a CMDB."""

__version__ = "0.1.0.dev0"
