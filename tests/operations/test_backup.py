"""Backup → wipe → restore: the same rows (counted per table, first and last row of
every model) and the same files (checksums) come back. In process on the suite's
database (SQLite in the fast suite, PostgreSQL in the service suite), and through the
management commands on a SQLite file in separate processes, as an operator runs them."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from operations.backup import (
    BackupError,
    create_backup,
    prune,
    read_manifest,
    restore_backup,
    verify_backup,
)
from tests.conftest import ensure_migration_data
from tests.operations.roundtrip import seed_rows, snapshot

ROOT = Path(__file__).resolve().parents[2]


def wipe_database():
    """Drops every table, as a lost database server would leave a new one."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            return
        cursor.execute("PRAGMA foreign_keys = OFF")
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
        cursor.execute("PRAGMA foreign_keys = ON")


def round_trip(tmp_path, settings):
    ensure_migration_data()
    seed_rows()
    before = snapshot()
    lines = []
    folder = create_backup(tmp_path / "backups", progress=lines.append)
    assert lines[-1] == f"backup written to {folder}"
    wipe_database()
    shutil.rmtree(settings.MEDIA_ROOT)
    assert connection.introspection.table_names() == []
    restore_backup(folder)
    after = snapshot()
    assert after["tables"] == before["tables"]
    assert after["samples"] == before["samples"]
    assert after["files"] == before["files"]
    assert len(before["files"]) == 2 and before["tables"]["tickets_visit"] == 1
    return folder


@pytest.mark.django_db(transaction=True)
def test_round_trip_brings_back_rows_and_files(tmp_path, settings):
    folder = round_trip(tmp_path, settings)
    manifest = read_manifest(folder)
    assert manifest["vendor"] == connection.vendor
    assert {item["path"].split("/")[0] for item in manifest["media"]} == {"signatures", "tickets"}


@pytest.mark.service
@pytest.mark.django_db(transaction=True)
def test_round_trip_on_postgresql(tmp_path, settings):
    if connection.vendor != "postgresql":
        if os.environ.get("CI") == "true":
            pytest.fail("the service suite runs on PostgreSQL (set DATABASE_URL)")
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    folder = round_trip(tmp_path, settings)
    assert (folder / "database.pgdump").read_bytes()[:5] == b"PGDMP"  # custom format


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path):
    folder = create_backup(tmp_path)
    with pytest.raises(BackupError, match="not empty"):
        restore_backup(folder)


@pytest.mark.django_db(transaction=True)
def test_a_changed_file_fails_the_checksum(tmp_path):
    seed_rows()
    folder = create_backup(tmp_path)
    victim = next((folder / "media").rglob("*.png"))
    victim.write_bytes(victim.read_bytes() + b"!")
    with pytest.raises(BackupError, match="checksum"):
        verify_backup(folder)
    with pytest.raises(BackupError, match="checksum"):
        restore_backup(folder)  # checked before anything is loaded


def test_backup_refuses_to_run_inside_a_transaction(db, tmp_path):
    with pytest.raises(BackupError, match="transaction"):
        create_backup(tmp_path)
    assert list(tmp_path.iterdir()) == []  # no partial folder left behind


def test_prune_keeps_the_newest_complete_backups(tmp_path):
    names = [f"servicedesk-2026010{day}T000000000000Z" for day in range(1, 6)]
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "manifest.json").write_text("{}")
    (tmp_path / ".servicedesk-20260109T000000000000Z.partial").mkdir()
    removed = prune(tmp_path, 2)
    assert [path.name for path in removed] == names[:3]
    assert (
        sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("."))
        == names[3:]
    )


@pytest.mark.django_db(transaction=True)
def test_scheduled_backup_writes_and_prunes(tmp_path, settings):
    from operations.tasks import scheduled_backup

    settings.BACKUP_DIR, settings.BACKUP_KEEP = tmp_path, 2
    folders = [scheduled_backup() for _ in range(3)]
    assert sorted(str(path) for path in tmp_path.iterdir()) == folders[1:]
    assert "operations-backup" in settings.CELERY_BEAT_SCHEDULE


# --- through the commands, in separate processes, on a SQLite file -------------------


def _run(env, *args):
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.mark.service
def test_round_trip_through_the_commands_on_a_sqlite_file(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "SERVICEDESK_VAR_DIR": str(tmp_path / "var"),
        "BACKUP_DIR": str(tmp_path / "backups"),
    }
    env.pop("REDIS_URL", None)
    before = json.loads(_run(env, "-m", "tests.operations.roundtrip", "seed"))
    output = _run(env, "manage.py", "backup")
    assert "database (sqlite)" in output and "media: 2 files" in output
    folder = Path(output.strip().splitlines()[-1])
    for path in tmp_path.glob("db.sqlite3*"):
        path.unlink()
    shutil.rmtree(tmp_path / "media")
    assert "restore complete" in _run(env, "manage.py", "restore", str(folder))
    after = json.loads(_run(env, "-m", "tests.operations.roundtrip", "snapshot"))
    assert after == before
    assert before["tables"]["tickets_attachment"] == 1 and len(before["files"]) == 2


@pytest.mark.django_db(transaction=True)
def test_commands_report_progress_and_refuse_a_folder_without_manifest(tmp_path, capsys):
    seed_rows()
    call_command("backup", output=tmp_path / "backups", keep=1)
    call_command("backup", output=tmp_path / "backups", keep=1)
    out = capsys.readouterr().out
    assert "database (" in out and "media: 2 files" in out and "deleted old backup" in out
    [folder] = (tmp_path / "backups").iterdir()
    call_command("restore", str(folder), verify_only=True)
    assert "checked 3 files against the manifest" in capsys.readouterr().out
    with pytest.raises(CommandError, match="no readable manifest"):
        call_command("restore", str(tmp_path), verify_only=True)
