"""Workbench: masked bank tables → privacy gate → profile → features → LightGBM baseline."""

__version__ = "0.1.0"
