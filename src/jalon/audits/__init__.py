"""Audits of digital services (EcoIndex, RGAA, RGESN, declarations)."""
