"""Free text as patients type it: which characters are text at all. Pure."""

# Tab, line feed and carriage return are text; every other C0 control character,
# DEL, and U+FFFD (what undecodable bytes become) mean a binary upload or a paste
# gone wrong.
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}


def is_binary_char(c: str) -> bool:
    code = ord(c)
    return (code < 32 and c not in _ALLOWED_CONTROLS) or code == 127 or c == "\ufffd"


def visible(text: str) -> str:
    """``text`` with each character that cannot be sent replaced by U+FFFD."""
    return "".join("\ufffd" if is_binary_char(c) else c for c in text)
