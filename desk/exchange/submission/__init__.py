"""The signed monthly submission (月报报送): pre-flight, the forms, signing, locking, verification.

* ``monthdata`` gathers a month from the ledger; ``preflight`` turns it into the checklist;
* ``schedule``, ``activity`` and ``report`` make the book of fixed forms (项目月调度表,
  新开工/竣工项目认定表, 招商引资情况, 任务完成情况, 存在问题, and 更正说明 for a correction);
* ``identity`` keeps the unit's key and certificate and other units' certificates;
* ``signing`` signs the PDF (pyHanko) and the manifest; ``manifest`` hashes files and cells;
* ``package`` writes, signs and records a submission; ``versions`` handles locking,
  corrections and change lists; ``verify`` checks a submission folder or zip.
"""
