"""Ingestion: the casework event contract, exactly-once ingestion of a batch into
the ledger and aggregates, retries, redriving dead letters and sending events files.
"""
