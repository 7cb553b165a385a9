"""Create or upgrade Superset's metadata database and its admin user, in one process.

Runs inside .venv-superset (never the main environment, whose dependencies conflict), started by server.py as
`.venv-superset/bin/python digital_city/dashboards/bootstrap.py` with SUPERSET_CONFIG_PATH set and the admin
password in the environment (never on the command line, where `ps` would show it). It does what
`superset db upgrade`, `superset fab create-admin` and `superset init` do, but imports Superset once instead of
three times. Every step is idempotent, so a bootstrap killed half-way is simply run again.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> int:
    username = os.environ["DIGITAL_CITY_SUPERSET_ADMIN"]
    password = os.environ.pop("DIGITAL_CITY_SUPERSET_PASSWORD")

    import superset
    from flask_migrate import upgrade
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        upgrade(directory=str(Path(superset.__file__).parent / "migrations"))
        from superset import appbuilder, security_manager

        appbuilder.add_permissions(update_perms=True)
        security_manager.sync_role_definitions()
        if security_manager.find_user(username=username) is None:
            admin = security_manager.find_role(security_manager.auth_role_admin)
            user = security_manager.add_user(
                username, "digital_city", "admin", f"{username}@localhost", admin, password
            )
            if not user:
                print(f"could not create the Superset user {username!r}", file=sys.stderr)
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
