"""Jalon: measure, steer and publish the responsible digital strategy of French local authorities."""

__version__ = "0.1.0"
