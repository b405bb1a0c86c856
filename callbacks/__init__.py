"""Thin wiring: one register(app, services) per feature; handlers call the domain and the layouts."""
