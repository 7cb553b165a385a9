"""Checks `make test` runs beside the build (run_all.py) and the generated files they compare: the seed catalogue and
the claim table."""
