"""A test client for code that keeps an app context open (tests, benchmarks)."""

from flask.testing import FlaskClient

from .extensions import db


class FreshContextClient(FlaskClient):
    """Serve each request in its own app context, as a real server does.

    Tests and benchmarks keep an app context open to build data; without this, requests would
    share its `g` (the signed-in user) and its database session with the caller and each other.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()  # the caller's objects reload what the request wrote
        return response
