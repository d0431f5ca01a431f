"""What text the app accepts: no control characters, except tab and line breaks in multi-line text.

A NUL byte makes PostgreSQL refuse the whole statement, and other control characters hide text from the people
who read it later (a carriage return can overwrite a line in a terminal; a backspace can hide a word), so every
text input, HTML form or API, is checked against the same rule.
"""
import re

# C0 controls, DEL and the C1 controls: Unicode category Cc.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Multi-line text keeps tab, line feed and carriage return (browsers send a textarea's line breaks as CR LF).
_CONTROL_EXCEPT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control_characters(value: str, multiline: bool = False) -> bool:
    """True if `value` holds a character no text input may hold (see the module docstring)."""
    pattern = _CONTROL_EXCEPT_LINE_BREAKS if multiline else _ANY_CONTROL
    return bool(pattern.search(value))


def control_character_message(label: str) -> str:
    """The error shown next to a field that holds a control character, naming the field (its label without an
    "(optional)" suffix, in quotes, as labels are often questions)."""
    name = label.strip().removesuffix("(optional)").strip()
    return f"Remove the control characters (such as a null byte) from “{name}”"
