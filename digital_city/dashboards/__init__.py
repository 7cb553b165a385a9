"""The project's BI dashboards as Apache Superset assets: the bundle (bundle.py), one Superset instance
(server.py, bootstrap.py), its REST API (client.py) and the `dashboards` command (command.py)."""
