"""项目台账 Desk: the ledger of projects, leads and tasks for township and district clerks."""

import warnings

# cryptography 51 deprecates DSA, which pyHanko imports though Desk signs with ECDSA; the
# English warning would reach the clerk's console and the IT person's self-test output.
warnings.filterwarnings("ignore", message="DSA is deprecated")

__version__ = "0.1.0"
APP_NAME = "Desk"
APP_TITLE = "项目台账"
