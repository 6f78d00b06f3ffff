"""WSGI entry point: gunicorn wsgi:app, flask --app wsgi …"""

from intern_portal import create_app

app = create_app()
