"""Running the build: seed pre-check, dbt, the step sequence of `make build`."""
