"""Command groups of the ``annual-review`` CLI; each module has ``register(subparsers)``."""
