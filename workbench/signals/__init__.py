"""Judgements several stages make about the same column, each in one module so they can never disagree.

``leakage`` grades a too-good predictor by its evidence, ``codes`` finds special codes such as -1 or 9999,
``identifiers`` decides whether a column is a key rather than a feature. Profile, features and model all
import these; this package imports none of them.
"""
