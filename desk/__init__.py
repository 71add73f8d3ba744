"""项目台账 Desk: the ledger of projects, leads and tasks for township and district clerks."""

__version__ = "0.1.0"
APP_NAME = "Desk"
APP_TITLE = "项目台账"
