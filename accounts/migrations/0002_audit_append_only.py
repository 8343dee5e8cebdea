"""The database itself refuses to change or delete audit entries."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION accounts_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_append_only();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry;
DROP FUNCTION IF EXISTS accounts_auditentry_append_only();
"""
SQLITE = [
    "CREATE TRIGGER accounts_auditentry_no_update BEFORE UPDATE ON accounts_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
    "CREATE TRIGGER accounts_auditentry_no_delete BEFORE DELETE ON accounts_auditentry "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS accounts_auditentry_no_update;",
    "DROP TRIGGER IF EXISTS accounts_auditentry_no_delete;",
]


def forwards(apps, schema_editor):
    _run(schema_editor, POSTGRES, SQLITE)


def backwards(apps, schema_editor):
    _run(schema_editor, POSTGRES_REVERSE, SQLITE_REVERSE)


def _run(schema_editor, postgres, sqlite):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(postgres)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
