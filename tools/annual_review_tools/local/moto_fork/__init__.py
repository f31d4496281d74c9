"""The local moto fork, contained: speed patches to moto and the server's Flask bypass.

moto is the local stand-in for AWS (tests and ``annual-review local run``); never on AWS. To
replay a realistic year within its time budget, the local server replaces some moto internals:

- ``speedups``: patches to moto's DynamoDB, SQS and EventBridge internals (its docstring lists
  each and why). Each changes the cost of a call, never its result. The SQS patches live in
  ``sqs_patches`` and those to DynamoDB's tables (scans, item sizes) in ``table_patches``;
  ``speedups`` holds the rest, the fingerprints and ``install``.
- ``direct_server``: the local server's requests to DynamoDB, SQS, EventBridge, S3 and SES go
  to moto's view without Flask's routing.
- ``fingerprints``: for the installed moto, which of the functions above changed.

Each replaced function is fingerprinted (SHA-256 of its source in moto ``MOTO_VERSION``) and
the patches refuse to install on another moto version or a changed function (``MotoChanged``).
Every patch has an equivalence test against unpatched moto: DynamoDB, SQS and EventBridge in
``tests/integration/moto_patch_scenario.py`` (run once patched and once not, results equal).

UPGRADE NOTE (a new moto):
1. ``annual-review local moto-fingerprints`` lists each fingerprinted function: unchanged, or
   changed (with the old and new fingerprints).
2. For each changed one, read moto's diff for that function. If moto now does it fast enough,
   delete the patch (the best outcome); otherwise adapt the patch to the new code.
3. Update ``MOTO_VERSION`` and the fingerprints in ``speedups``, pin the new moto in
   pyproject.toml, and run ``pytest tests/integration/test_moto_patches.py`` (patched and
   unpatched must agree) and ``make bench`` (the time budget still holds).

RULE: no new patch lands without removing one. The fork is at its limit (18 patched functions
plus the server's bypass); a new cost is met by removing an older patch that no longer pays, or
by changing what our code asks of moto, not by growing the fork.
"""
