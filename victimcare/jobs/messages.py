"""The ``victim-message`` job kind (messages to victims through GOV.UK Notify)."""
