"""The list of checks `make test` runs, in order (run_all.py)."""
