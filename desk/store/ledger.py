"""The ledger: one SQLite file holding one unit's projects, leads and tasks.

``Ledger.open`` checks the file, refuses what is not a Desk ledger or is too new,
migrates an older one (after a backup) and hands out repositories (``ledger.projects``,
``ledger.leads`` …) that return core dataclasses. Every user action is one transaction
(``with ledger.transaction():``) and writes its audit entries inside it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from desk import __version__
from desk.core.errors import DeskError
from desk.core.glossary import Stage, UnitKind
from desk.core.models import AuditEntry, Unit
from desk.core.periods import DeadlineRule, Month
from desk.store import backup as backups
from desk.store import db as dbfile
from desk.store import migrate
from desk.store.errors import (
    LedgerError,
    LedgerNotFound,
    LedgerReadOnly,
    NotALedger,
    from_sqlite,
)
from desk.store.mapping import from_row

DEFAULT_PROFILE = "panjin-2018"
DEFAULT_DEADLINE_DAY = 20


class Ledger:
    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool = False) -> None:
        self.conn = conn
        self.path = Path(path).resolve()
        self.readonly = readonly
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self._depth = 0
        self.clock: Callable[[], datetime] = lambda: datetime.now().replace(microsecond=0)
        from desk.store.attachments import AttachmentRepo
        from desk.store.leads import FollowUpRepo, LeadRepo, TeamRepo, TripRepo
        from desk.store.problems import ProblemRepo
        from desk.store.projects import ApprovalRepo, MonthRepo, ProjectRepo
        from desk.store.submissions import IdentityRepo, KnownCertRepo, SubmissionRepo
        from desk.store.tasks import TargetRepo, TaskRepo, TaskTargetRepo
        from desk.store.units import UnitRepo

        self.units = UnitRepo(self)
        self.projects = ProjectRepo(self)
        self.months = MonthRepo(self)
        self.approvals = ApprovalRepo(self)
        self.problems = ProblemRepo(self)
        self.attachments = AttachmentRepo(self)
        self.teams = TeamRepo(self)
        self.trips = TripRepo(self)
        self.leads = LeadRepo(self)
        self.followups = FollowUpRepo(self)
        self.tasks = TaskRepo(self)
        self.task_targets = TaskTargetRepo(self)
        self.targets = TargetRepo(self)
        self.submissions = SubmissionRepo(self)
        self.identity = IdentityRepo(self)
        self.known_certs = KnownCertRepo(self)

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        readonly: bool = False,
        migrate_schema: bool = True,
        backup_before_migrate: bool = True,
    ) -> Ledger:
        """Open an existing ledger. Nothing on disk changes unless a migration is due."""
        path = Path(path)
        kind = dbfile.check_file(path)
        if kind == "missing":
            raise LedgerNotFound(f"台账文件不存在：{path}")
        if kind == "empty":
            raise NotALedger(f"这个文件是空的，不是 Desk 台账：{path}")
        writable = _writable(path)
        if not writable and not readonly:
            raise LedgerReadOnly(
                f"台账文件是只读的：{path}\n请取消文件的“只读”属性，或复制到可写的文件夹后再打开。"
            )
        # Identify the file through a read-only connection first: a file that is not a
        # Desk ledger, or is too new, is refused before anything could write to it.
        probe = dbfile.connect(path, readonly=True)
        try:
            _identify(probe, path)
            migrate.check_version(probe, path)
        except sqlite3.Error as exc:
            raise (from_sqlite(exc, path) or NotALedger(f"无法读取台账：{path}\n{exc}")) from exc
        finally:
            probe.close()
        conn = dbfile.connect(path, readonly=readonly)
        try:
            version = migrate.check_version(conn, path)
            if version < migrate.latest_version():
                if readonly or not migrate_schema:
                    raise LedgerReadOnly(
                        f"台账结构需要从版本 {version} 升级到 {migrate.latest_version()}，"
                        f"但现在是只读打开：{path}"
                    )
                if backup_before_migrate and version > 0:
                    backups.take(conn, path, reason=f"升级前-v{version}")
                migrate.apply(conn, path)
        except LedgerError:
            conn.close()
            raise
        except sqlite3.Error as exc:
            conn.close()
            raise (from_sqlite(exc, path) or NotALedger(f"无法读取台账：{path}\n{exc}")) from exc
        return cls(conn, path, readonly=readonly)

    @classmethod
    def create(
        cls,
        path: Path | str,
        unit_name: str,
        *,
        unit_kind: UnitKind = UnitKind.TOWNSHIP,
        parent_name: str | None = None,
        parent_kind: UnitKind = UnitKind.DISTRICT,
        profile: str = DEFAULT_PROFILE,
        clerk: str = "",
    ) -> Ledger:
        """Create a new ledger for ``unit_name``; refuses to overwrite an existing file."""
        path = Path(path)
        kind = dbfile.check_file(path)
        if kind == "sqlite":
            raise LedgerError(f"文件已存在，不会覆盖：{path}\n请换一个文件名，或直接打开它。")
        if not unit_name.strip():
            raise LedgerError("请填写本单位名称")
        conn = dbfile.connect(path)
        try:
            migrate.apply(conn, path)
            ledger = cls(conn, path)
            ledger._fill_new(unit_name, unit_kind, parent_name, parent_kind, profile, clerk)
        except BaseException:
            conn.close()
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            raise
        return ledger

    def _fill_new(
        self, unit_name: str, unit_kind: UnitKind, parent_name: str | None, parent_kind: UnitKind,
        profile: str, clerk: str,
    ) -> None:
        ledger = self
        with ledger.transaction():
            parent_id = None
            if parent_name:
                parent_id = ledger.units.add(Unit(parent_name.strip(), parent_kind)).id
            unit = ledger.units.add(Unit(unit_name.strip(), unit_kind, parent_id=parent_id))
            ledger.set_setting("unit_id", unit.id)
            ledger.set_setting("clerk_name", clerk)
            ledger.set_setting("deadline_day", DEFAULT_DEADLINE_DAY)
            ledger.set_setting("deadline_next_month", False)
            ledger.set_setting("created_by", __version__)
            ledger.set_setting("created_at", ledger.now().isoformat())
            ledger.install_builtin_profiles(default=profile)
            ledger.audit("create", "ledger", None, f"新建台账：{unit.name}")

    def close(self) -> None:
        if self.conn is not None:
            try:
                if not self.readonly:
                    self.conn.execute("PRAGMA optimize")
            except sqlite3.Error:
                pass
            self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ transactions
    @contextmanager
    def transaction(self) -> Iterator[Ledger]:
        """One user action: all of it is written, or none of it."""
        if self.readonly:
            raise LedgerReadOnly(f"台账以只读方式打开，不能修改：{self.path}")
        if self._depth:
            name = f"desk_{self._depth}"
            self.conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield self
            except BaseException:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            else:
                self.conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise (from_sqlite(exc, self.path) or exc) from exc
        self._depth = 1
        try:
            yield self
        except BaseException as exc:
            self._depth = 0
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                env = from_sqlite(exc, self.path)
                if env is not None:
                    raise env from exc
            raise
        else:
            self._depth = 0
            try:
                self.conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise (from_sqlite(exc, self.path) or exc) from exc

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().date()

    # ------------------------------------------------------------------- audit
    def audit(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        summary: str,
        changes: dict[str, list[Any]] | None = None,
    ) -> None:
        if not self._depth:
            raise RuntimeError("audit() must run inside ledger.transaction()")
        self.conn.execute(
            "INSERT INTO audit_log (at, clerk, action, entity, entity_id, summary, changes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                self.now().isoformat(),
                self.clerk,
                action,
                entity,
                entity_id,
                summary,
                json.dumps(changes or {}, ensure_ascii=False),
            ),
        )

    def audit_entries(
        self, entity: str | None = None, entity_id: int | None = None, limit: int = 1000
    ) -> list[AuditEntry]:
        where: list[str] = []
        params: list[Any] = []
        if entity is not None:
            where.append("entity = ?")
            params.append(entity)
        if entity_id is not None:
            where.append("entity_id = ?")
            params.append(entity_id)
        sql = "SELECT * FROM audit_log"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(limit)
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [from_row(AuditEntry, dict(zip(names, row, strict=True))) for row in cur]

    # ---------------------------------------------------------------- settings
    def setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_setting(self, key: str, value: Any) -> None:
        old = self.setting(key)
        if old == value and old is not None:
            return
        with self.transaction():
            self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )
            self.audit("setting", "settings", None, f"设置 {key}", {key: [old, value]})

    @property
    def clerk(self) -> str:
        return str(self.setting("clerk_name", "") or "")

    @property
    def unit_id(self) -> int:
        return int(self.setting("unit_id"))

    @property
    def unit(self) -> Unit:
        return self.units.get(self.unit_id)

    @property
    def deadline_rule(self) -> DeadlineRule:
        return DeadlineRule(
            day=int(self.setting("deadline_day", DEFAULT_DEADLINE_DAY)),
            next_month=bool(self.setting("deadline_next_month", False)),
        )

    @property
    def profile_name(self) -> str:
        return str(self.setting("rule_profile", DEFAULT_PROFILE))

    def install_builtin_profiles(self, default: str | None = None) -> None:
        """Copy the shipped rule profiles (resources/standards/*.toml) into the ledger."""
        import hashlib

        from desk import paths

        with self.transaction():
            for path in sorted(paths.resource("standards").glob("*.toml")):
                text = path.read_text(encoding="utf-8")
                title = _toml_title(text) or path.stem
                self.conn.execute(
                    "INSERT INTO rule_profiles (name, title, source, sha256, builtin, imported_at)"
                    " VALUES (?, ?, ?, ?, 1, ?) ON CONFLICT(name) DO UPDATE SET"
                    " title = excluded.title, source = excluded.source, sha256 = excluded.sha256"
                    " WHERE builtin = 1",
                    (path.stem, title, text, hashlib.sha256(text.encode()).hexdigest(),
                     self.now().isoformat()),
                )
            if default is not None:
                known = [r[0] for r in self.conn.execute("SELECT name FROM rule_profiles ORDER BY name")]
                if default not in known:
                    raise DeskError(f"未知的认定标准“{default}”，可选：{'、'.join(known)}")
                self.set_setting("rule_profile", default)

    # ------------------------------------------------------------------ facts
    @property
    def schema_version(self) -> int:
        return dbfile.user_version(self.conn)

    def latest_month(self) -> str | None:
        row = self.conn.execute("SELECT max(month) FROM project_months").fetchone()
        return row[0] if row and row[0] else None

    def reporting_month(self, today: date | None = None) -> Month:
        return self.deadline_rule.reporting_month(today or self.today())

    def count(self, table: str, where: str = "", params: tuple[Any, ...] = ()) -> int:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.conn.execute(sql, params).fetchone()[0])

    def info(self) -> dict[str, Any]:
        stages = dict(self.conn.execute("SELECT stage, count(*) FROM projects GROUP BY stage").fetchall())
        return {
            "path": str(self.path),
            "unit": self.unit.name,
            "schema_version": self.schema_version,
            "desk_version": __version__,
            "rule_profile": self.profile_name,
            "clerk": self.clerk,
            "units": self.count("units"),
            "projects": self.count("projects"),
            "projects_by_stage": {s.value: stages.get(s.value, 0) for s in Stage},
            "project_months": self.count("project_months"),
            "leads": self.count("leads"),
            "teams": self.count("teams"),
            "tasks": self.count("tasks"),
            "problems": self.count("problems"),
            "submissions": self.count("submissions"),
            "latest_month": self.latest_month(),
        }

    def is_month_locked(self, month: str) -> bool:
        """A month is read-only once submitted, until a correction (更正) opens a new version."""
        row = self.conn.execute(
            "SELECT status FROM submissions WHERE unit_id = ? AND month = ?"
            " ORDER BY version DESC LIMIT 1",
            (self.unit_id, month),
        ).fetchone()
        return bool(row and row[0] == "submitted")

    def backup(self, reason: str = "手动备份") -> Path:
        return backups.take(self.conn, self.path, reason=reason)

    def integrity_problems(self) -> list[str]:
        rows = self.conn.execute("PRAGMA integrity_check").fetchall()
        problems = [r[0] for r in rows if r[0] != "ok"]
        problems += [str(r) for r in self.conn.execute("PRAGMA foreign_key_check").fetchall()]
        return problems


def _writable(path: Path) -> bool:
    import os

    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _identify(conn: sqlite3.Connection, path: Path) -> None:
    app_id = dbfile.application_id(conn)
    if app_id == dbfile.DESK_APP_ID:
        return
    if app_id == 0 and dbfile.schema_objects(conn) == 0:
        raise NotALedger(f"这是一个空的 SQLite 数据库，不是 Desk 台账：{path}\n可以用“新建台账”建立台账。")
    raise NotALedger(f"这个文件不是 Desk 台账（是其他程序的数据库）：{path}")


def _toml_title(text: str) -> str | None:
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    title = data.get("title") or data.get("profile", {}).get("title")
    return str(title) if title else None
