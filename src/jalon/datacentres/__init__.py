"""Data centres and server rooms against the EU Code of Conduct."""
