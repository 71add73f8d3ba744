"""Monthly submissions and their versions, the unit's signing identity, and known certificates."""

from __future__ import annotations

from desk.core.models import Identity, KnownCert, Submission
from desk.store.repo import Repo


class SubmissionRepo(Repo[Submission]):
    table = "submissions"
    model = Submission
    noun = "月报"
    entity = "submission"

    def describe(self, obj: Submission) -> str:
        return f"{obj.month} 月报（第 {obj.version} 版）"

    def of_month(self, month: str, unit_id: int | None = None) -> list[Submission]:
        unit_id = unit_id if unit_id is not None else self.ledger.unit_id
        return self._select("unit_id = ? AND month = ?", (unit_id, month), order="version")

    def latest(self, month: str, unit_id: int | None = None) -> Submission | None:
        versions = self.of_month(month, unit_id)
        return versions[-1] if versions else None


class IdentityRepo(Repo[Identity]):
    table = "identity"
    model = Identity
    noun = "单位证书"
    entity = "identity"

    def describe(self, obj: Identity) -> str:
        return f"单位证书（{obj.unit_name}）"

    def current(self) -> Identity | None:
        found = self._select("id = 1")
        return found[0] if found else None


class KnownCertRepo(Repo[KnownCert]):
    table = "known_certs"
    model = KnownCert
    noun = "已导入证书"
    entity = "known_cert"

    def describe(self, obj: KnownCert) -> str:
        return f"证书（{obj.unit_name}）"

    def by_fingerprint(self, fingerprint: str) -> KnownCert | None:
        found = self._select("fingerprint = ?", (fingerprint,))
        return found[0] if found else None

    def of_unit(self, unit_name: str) -> list[KnownCert]:
        return self._select("unit_name = ?", (unit_name,), order="id")
