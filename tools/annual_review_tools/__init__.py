"""Tooling beside the product: the local moto stack, benchmarks and the registry builder.

Nothing here ships in the Lambda layer (which is built from ``shared/`` alone).
"""
