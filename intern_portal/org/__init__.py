"""Orgs, their teams and the focus areas each team names."""
