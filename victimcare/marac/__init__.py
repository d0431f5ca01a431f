"""MARAC meetings: the coordinator's pages (routes.py, forms.py, presenters.py)."""
