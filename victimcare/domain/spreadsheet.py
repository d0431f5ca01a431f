"""Cells that are safe to open in a spreadsheet.

Spreadsheet programs run a cell that starts with = + - @ (or a tab or carriage return before one) as a formula;
text that reached an export from outside (a user agent, a label) must not. Such text is prefixed with an
apostrophe, which every spreadsheet shows as plain text.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that could start a formula, made inert; anything else (numbers, None) as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet_text(value) -> str:
    """A cell as inert text: None becomes empty."""
    return "" if value is None else str(spreadsheet_safe(value if isinstance(value, str) else str(value)))
