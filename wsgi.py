"""Entry point for `flask --app wsgi` and gunicorn (`gunicorn wsgi:app`)."""
from victimcare import create_app

app = create_app()
