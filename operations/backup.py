"""Backups a restore can be trusted with: the database (a PostgreSQL custom-format
dump, or SQLite's online backup) and every media file, with a manifest holding the
checksum of each file and the row count of each table. A restore checks the
checksums first, loads into an empty database only, and compares the row counts."""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PREFIX = "servicedesk-"
PROGRESS_EVERY = 2.0  # seconds between progress lines on long steps

Progress = Callable[[str], None]


class BackupError(Exception):
    pass


def _quiet(message: str) -> None:
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _count_rows(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(raw: sqlite3.Connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return _count_rows(raw.cursor(), tables, connection.ops.quote_name)


def table_counts() -> dict[str, int]:
    """Rows per table of the default database, as a backup's manifest records them."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return _sqlite_counts(connection.connection)
    with connection.cursor() as cursor:
        return _count_rows(
            cursor, connection.introspection.table_names(cursor), connection.ops.quote_name
        )


def _vendor() -> str:
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


# --- database -----------------------------------------------------------------


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {
        **os.environ,
        "PGDATABASE": db["NAME"],
        "PGUSER": db.get("USER") or "",
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
    }
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return {key: value for key, value in env.items() if value != ""}


def _run(command: list[str], watched: Path | None, progress: Progress) -> None:
    """Runs a client tool, printing every few seconds how long it has run and the size
    of the file it writes."""
    process = subprocess.Popen(
        command, env=_pg_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    started = time.monotonic()
    while True:
        try:
            _, stderr = process.communicate(timeout=PROGRESS_EVERY)
            break
        except subprocess.TimeoutExpired:
            size = ""
            if watched is not None and watched.exists():
                size = f", {watched.stat().st_size / 1e6:.1f} MB so far"
            progress(f"  {command[0]}: {time.monotonic() - started:.0f} s{size}")
    if process.returncode != 0:
        raise BackupError(f"{command[0]} failed: {stderr.decode(errors='replace').strip()}")


def _sqlite_step(progress: Progress):
    last = [0.0]

    def report(status, remaining, total):
        if time.monotonic() - last[0] >= PROGRESS_EVERY and total:
            last[0] = time.monotonic()
            progress(f"  sqlite: {100 * (total - remaining) / total:.0f} % of {total} pages")

    return report


def _dump_postgresql(folder: Path, progress: Progress) -> tuple[Path, dict[str, int]]:
    """pg_dump reads the snapshot in which the rows were counted, so the manifest's
    counts are exactly those of the dump while the application keeps writing."""
    target = folder / "database.pgdump"
    with connection.cursor() as cursor:
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _count_rows(
                cursor, connection.introspection.table_names(cursor), connection.ops.quote_name
            )
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={target}",
                ],
                target,
                progress,
            )
        finally:
            cursor.execute("COMMIT")
    return target, counts


def _dump_sqlite(folder: Path, progress: Progress) -> tuple[Path, dict[str, int]]:
    target = folder / "database.sqlite3"
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy, pages=256, progress=_sqlite_step(progress))
        return target, _sqlite_counts(copy)  # counted in the copy: exactly what was saved
    finally:
        copy.close()


def _dump_database(folder: Path, progress: Progress) -> tuple[Path, dict[str, int]]:
    if connection.in_atomic_block:
        raise BackupError("a backup cannot run inside a database transaction")
    connection.ensure_connection()
    if _vendor() == "postgresql":
        return _dump_postgresql(folder, progress)
    return _dump_sqlite(folder, progress)


def _load_database(dump: Path, progress: Progress) -> None:
    connection.ensure_connection()
    if _vendor() == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ],
            None,
            progress,
        )
        return
    source = sqlite3.connect(dump)
    try:
        source.backup(connection.connection, pages=256, progress=_sqlite_step(progress))
    finally:
        source.close()


# --- media --------------------------------------------------------------------


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def _copy_files(pairs: list[tuple[Path, Path]], progress: Progress) -> None:
    last = time.monotonic()
    for done, (source, target) in enumerate(pairs, start=1):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        if time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            progress(f"  media: {done} of {len(pairs)} files")


# --- backup -------------------------------------------------------------------


def create_backup(destination: Path, *, progress: Progress = _quiet) -> Path:
    """Writes one backup folder under `destination` and returns it. The folder appears
    under its final name only when complete, so a crash never leaves a half backup."""
    vendor = _vendor()
    started = datetime.now(UTC)
    name = PREFIX + started.strftime("%Y%m%dT%H%M%S%fZ")
    partial = destination / f".{name}.partial"
    partial.mkdir(parents=True)
    try:
        progress(f"database ({vendor}) …")
        dump, counts = _dump_database(partial, progress)
        progress(f"database: {dump.stat().st_size / 1e6:.1f} MB, {sum(counts.values())} rows")
        media_root = Path(settings.MEDIA_ROOT)
        files = _media_files(media_root)
        progress(f"media: {len(files)} files …")
        _copy_files(
            [(path, partial / "media" / path.relative_to(media_root)) for path in files], progress
        )
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": started.isoformat(),
            "vendor": vendor,
            "database": {"file": dump.name, "sha256": sha256(dump), "bytes": dump.stat().st_size},
            "tables": counts,
            "media": [
                {
                    "path": path.relative_to(media_root).as_posix(),
                    "sha256": sha256(path),
                    "bytes": path.stat().st_size,
                }
                for path in files
            ],
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        final = destination / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    progress(f"backup written to {final}")
    return final


def read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable manifest in {folder}: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def verify_backup(folder: Path, *, progress: Progress = _quiet) -> dict:
    """Every file of the backup against its checksum in the manifest."""
    manifest = read_manifest(folder)
    expected = [(folder / manifest["database"]["file"], manifest["database"]["sha256"])]
    expected += [(folder / "media" / item["path"], item["sha256"]) for item in manifest["media"]]
    for path, checksum in expected:
        if not path.is_file() or sha256(path) != checksum:
            raise BackupError(f"{path} is missing or does not match its checksum")
    progress(f"checked {len(expected)} files against the manifest")
    return manifest


# --- restore ------------------------------------------------------------------


def restore_backup(folder: Path, *, progress: Progress = _quiet) -> dict:
    """Loads a verified backup into the (empty) database and the media folder, then
    compares every table's row count and every media file's checksum."""
    manifest = verify_backup(folder, progress=progress)
    if manifest["vendor"] != _vendor():
        raise BackupError(
            f"the backup is of {manifest['vendor']}, the database is {connection.vendor}"
        )
    if connection.introspection.table_names():
        raise BackupError("the database is not empty: restore into a new, empty database")
    media_root = Path(settings.MEDIA_ROOT)
    clashes = [item["path"] for item in manifest["media"] if (media_root / item["path"]).exists()]
    if clashes:
        raise BackupError(f"{len(clashes)} media files exist already (first: {clashes[0]})")
    progress("database …")
    _load_database(folder / manifest["database"]["file"], progress)
    progress(f"media: {len(manifest['media'])} files …")
    _copy_files(
        [
            (folder / "media" / item["path"], media_root / item["path"])
            for item in manifest["media"]
        ],
        progress,
    )
    _check_restored(manifest, media_root)
    progress("restore complete: row counts and file checksums match the manifest")
    return manifest


def _check_restored(manifest: dict, media_root: Path) -> None:
    counts = table_counts()
    wrong = {
        table: (rows, counts.get(table))
        for table, rows in manifest["tables"].items()
        if counts.get(table) != rows
    }
    if wrong:
        raise BackupError(f"row counts differ after restore (expected, found): {wrong}")
    for item in manifest["media"]:
        if sha256(media_root / item["path"]) != item["sha256"]:
            raise BackupError(f"{item['path']} differs after restore")


def prune(destination: Path, keep: int) -> list[Path]:
    """Deletes all but the newest `keep` complete backups (names sort by time)."""
    backups = sorted(path for path in destination.glob(PREFIX + "*") if (path / MANIFEST).is_file())
    removed = backups[:-keep] if keep > 0 else []
    for path in removed:
        shutil.rmtree(path)
    return removed
