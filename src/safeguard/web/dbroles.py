"""PostgreSQL: the platform runs as a role that does not own its tables.

A table's owner can disable its triggers and truncate it; the audit log's guards are only
as strong as the role the platform connects as. So, on PostgreSQL:

- the tables belong to an owner role, used only to migrate
  (SAFEGUARD_OWNER_DATABASE_URL: `safeguard serve` and the `web` commands migrate with it);
- the platform connects with DATABASE_URL as another role, granted here what it needs:
  rows of every table, but on the audit log only SELECT and INSERT, and on the chain
  head only SELECT and UPDATE (whose trigger lets it move only forward). Not being the
  owner, it can neither disable the triggers nor truncate.

The grants are applied again after every migration, so that new tables are covered.
docs/web.md ("Database roles") gives the setup.
"""

from __future__ import annotations

from django.db import connections

OWNER_ALIAS = "owner"

# (privileges, object): applied in order, so that the REVOKEs narrow the broad GRANTs.
_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_auditevent FROM {role}",
    "REVOKE INSERT, DELETE, TRUNCATE ON audit_chainhead FROM {role}",
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {role}",
)


def grant_platform_role(role: str, alias: str = OWNER_ALIAS) -> list[str]:
    """Grant `role` what the platform needs, through the owner's connection `alias`;
    returns the statements run."""
    connection = connections[alias]
    quoted = connection.ops.quote_name(role)
    statements = [grant.format(role=quoted) for grant in _GRANTS]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements


def platform_role(alias: str = "default") -> str:
    """The role the platform connects as (DATABASE_URL's user)."""
    return str(connections[alias].settings_dict["USER"])
