"""Keeping the market alive: the maintenance report, the link checker and the weekly GitHub issue."""
