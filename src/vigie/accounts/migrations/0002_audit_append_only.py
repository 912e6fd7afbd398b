"""On PostgreSQL (production) the audit log refuses UPDATE and DELETE at the database level.

On SQLite the model refuses them; no trigger there, because the test runner empties tables between
transactional tests with DELETE (PostgreSQL's uses TRUNCATE, which row triggers do not see).
"""

from django.db import migrations

POSTGRES = [
    """CREATE FUNCTION accounts_auditevent_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER accounts_auditevent_append_only BEFORE UPDATE OR DELETE ON accounts_auditevent
       FOR EACH ROW EXECUTE FUNCTION accounts_auditevent_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER accounts_auditevent_append_only ON accounts_auditevent",
    "DROP FUNCTION accounts_auditevent_append_only()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in POSTGRES:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in POSTGRES_REVERSE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
