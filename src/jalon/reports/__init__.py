"""Citizen reports, AI triage under human control, FAQ assistant."""
