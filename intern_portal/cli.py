"""Command-line tools: flask demo-data, create-user, create-token."""

from flask import Flask


def register_cli(app: Flask) -> None:
    """Attach the portal's commands to the flask CLI."""
