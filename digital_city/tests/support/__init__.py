"""Code only the tests use: rules over the project's files, the engine comparison, the dashboards' reference answers."""
