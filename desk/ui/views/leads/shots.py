"""Screenshots of the lead section for ``desk screenshot --view NAME``: the lead editor
with a lead whose follow-up is overdue, and a team's month with its quota marks."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from desk.core.glossary import LeadState
from desk.core.periods import Month
from desk.store.lead_queries import LeadFilter
from desk.ui.screenshot import SHOTS


def _leads_page(window: QWidget):  # type: ignore[no-untyped-def]
    return window.show_section("leads")  # type: ignore[attr-defined]


def lead_editor(window: QWidget) -> QWidget:
    page = _leads_page(window)
    ledger = page.ledger
    today = page.today()
    overdue = ledger.leads.search_ids(LeadFilter(overdue_on=today, states=frozenset({LeadState.NEGOTIATING})))
    ids = overdue or ledger.leads.search_ids()
    if ids:
        page.open_lead(ids[0])
        page.list.editor.tabs.setCurrentIndex(0)
    return window


def team_month(window: QWidget) -> QWidget:
    page = _leads_page(window)
    ledger = page.ledger
    month = Month.of(page.today()).prev()
    chosen = None
    for team in ledger.teams.all():
        checks = ledger.leads.team_month(team.id, month)
        if checks.trips and chosen is None:
            chosen = team.id
        if checks.trips_failed:
            chosen = team.id
            break
    if chosen is not None:
        page.show_team_month(chosen, str(month))
    else:
        page.tabs.setCurrentIndex(1)
    return window


def pipeline(window: QWidget) -> QWidget:
    page = _leads_page(window)
    page.tabs.setCurrentIndex(2)
    return window


SHOTS["lead-editor"] = lead_editor
SHOTS["team-month"] = team_month
SHOTS["lead-pipeline"] = pipeline
