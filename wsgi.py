"""Entry point for `flask --app wsgi`, gunicorn (`gunicorn wsgi:app`) and Celery (`celery -A wsgi.celery worker`,
`celery -A wsgi.celery beat`)."""
from victimcare import create_app

app = create_app()
celery = app.extensions["celery"]
