"""Tooling for the digital-city warehouse: running dbt, validating, publishing, benchmarking."""
