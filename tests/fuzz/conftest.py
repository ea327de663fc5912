"""The fuzz suite: a sample runs with every `make test`; `make fuzz` (JALON_FUZZ=1) runs all.

Tests marked `fuzz` (the whole corpus, long property runs, the big-input memory checks) are
skipped unless JALON_FUZZ=1 (tests/conftest.py, OPT_IN), so that `pytest`, `make test` and
`make test-fast` stay fast whatever `-m` they pass.
"""
