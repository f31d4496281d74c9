"""The operator's edge: the ``annual-review`` CLI (``cli``) and its command groups; each group's
module has ``register(subparsers)``."""
