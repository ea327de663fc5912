"""Jalon: measure, steer and publish the responsible digital strategy of local authorities."""

__version__ = "0.1.0"
