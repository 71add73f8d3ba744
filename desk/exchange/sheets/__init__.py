"""Bringing a clerk's own spreadsheets (.xlsx/.xlsm/.xls/.ods) into the ledger. No Qt.

The steps, one module each:

* ``container`` — what the file really is, checked before any parser sees it (zip bombs,
  XML entities, passwords, sheets too big to load), its hash and date system;
* ``reader`` — the sheets through python-calamine, with sizes and merged cells;
* ``table`` — where the table is: title rows, one- or two-row headers with merged group
  cells, the body, and where it stops (合计, 填报人 …);
* ``fields`` and ``mapping`` — which column is which ledger field, suggested from a
  synonym table and confirmed by the clerk;
* ``values`` — every cell read exactly (amounts with their unit, dates, glossary words);
* ``plan`` — what the import would create and update, and every row's problems.

The store applies a plan in one transaction (``desk.store.importing``).
"""
