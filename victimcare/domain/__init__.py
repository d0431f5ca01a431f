"""Domain rules for victimcare: vocabularies, deadlines, risk, routing and case lifecycle (no web or database code)."""
