"""Register of algorithms and AI systems."""
