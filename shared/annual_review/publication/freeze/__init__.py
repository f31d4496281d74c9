"""The freeze: a year's figures frozen as an immutable snapshot, the
cases behind them, and what a revision changed.
"""
