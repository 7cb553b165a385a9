"""Checks that `make test` runs beside the build: quotes, structure rules, generated files."""
