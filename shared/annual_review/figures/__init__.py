"""The figures: running aggregates, the catalogue of published statistics, rates and
their rounding, and verifying stored figures against the ledger.
"""
