"""The warehouse on a PostgreSQL server the project runs itself (docs/postgres.md)."""
