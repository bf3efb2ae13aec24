r"""A reader for the regex subset the key functions look at. Its output has the shape of
``re``'s own parse tree ((op, argument) items) where that shape decides a key: it
factors a prefix shared by all alternatives out of a branch, makes a branch of single
characters a class, splices non-capturing groups into the enclosing sequence, and
keeps \w, \W, \s, \d as categories inside a class. Anything else (lookarounds, ".",
back-references, verbose mode...) is an UNKNOWN item, on which the keys are None.
"""

from __future__ import annotations

import re
import unicodedata

LITERAL, IN, CATEGORY, RANGE, NEGATE = "literal", "in", "category", "range", "negate"
SUBPATTERN, BRANCH, MAX_REPEAT, MIN_REPEAT, AT = "group", "branch", "max", "min", "at"
UNKNOWN = "unknown"
_MANY = 1 << 32  # an unbounded repeat's upper limit
_CATEGORIES = {"d": "digit", "D": "not_digit", "s": "space", "S": "not_space"}
_CATEGORIES |= {"w": "word", "W": "not_word"}
_ANCHORS = {"b": "boundary", "B": "not_boundary", "A": "string_start", "Z": "string_end"}
_CONTROLS = {"a": "\a", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}
_HEX_DIGITS = {"x": 2, "u": 4, "U": 8}
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_SCOPED_FLAGS = re.compile(r"\(\?[aiLmsu]*(?:-[imsx]+)?:")
# Items re's parser compares by value when it factors a common prefix (the rest, like
# groups and repeats, hold sub-trees it compares by identity: never equal).
_COMPARABLE = {LITERAL, IN, AT, UNKNOWN}


class _Unreadable(Exception):
    """Syntax outside the subset: the item (or the pattern) becomes UNKNOWN."""


class _Verbose(Exception):
    """A verbose-mode pattern: the whole pattern is UNKNOWN."""


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.at = 0

    def peek(self, n: int = 1) -> str:
        return self.source[self.at : self.at + n]

    def take(self, n: int = 1) -> str:
        text = self.peek(n)
        self.at += len(text)
        return text

    def alternation(self) -> list:
        alternatives = [self.sequence()]
        while self.peek() == "|":
            self.take()
            alternatives.append(self.sequence())
        if len(alternatives) == 1:
            return alternatives[0]
        items: list = []
        while all(alternatives) and _same(alt[0] for alt in alternatives):
            items.append(alternatives[0][0])
            alternatives = [alt[1:] for alt in alternatives]
        members: list = []
        for alt in alternatives:
            if len(alt) != 1 or alt[0][0] not in (LITERAL, IN):
                break
            op, av = alt[0]
            if op is IN and av[0][0] is NEGATE:
                break
            members.extend([alt[0]] if op is LITERAL else av)
        else:
            return [*items, (IN, list(dict.fromkeys(members)))]
        return [*items, (BRANCH, (None, alternatives))]

    def sequence(self) -> list:
        items: list = []
        while self.peek() and self.peek() not in "|)":
            char = self.peek()
            if char in "?*+" or (char == "{" and self.bounds() is not None):
                self.repeat(items)
                continue
            items.extend(self.atom())
        return items

    def bounds(self) -> tuple[int, int, int] | None:
        """(min, max, length) of a {m,n} quantifier here, or None ("{" is then a literal)."""
        m = re.match(r"\{(\d*)(,(\d*))?\}", self.source[self.at :])
        if not m or m.group(0) == "{}":
            return None
        lo = int(m.group(1)) if m.group(1) else 0
        hi = int(m.group(3)) if m.group(3) else _MANY if m.group(2) else lo
        return lo, hi, len(m.group(0))

    def repeat(self, items: list) -> None:
        char = self.peek()
        if char == "{":
            lo, hi, length = self.bounds()  # type: ignore[misc]
            self.take(length)
        else:
            self.take()
            lo, hi = {"?": (0, 1), "*": (0, _MANY), "+": (1, _MANY)}[char]
        op, av = items[-1]
        # re unwraps a plain (?:...) under a quantifier; here it is already spliced in,
        # so it was kept aside as a SUBPATTERN with group "splice" until now.
        body = list(av[-1]) if op is SUBPATTERN and av[0] == "splice" else [items[-1]]
        if self.peek() == "+":
            self.take()
            items[-1] = (UNKNOWN, object())  # possessive
        elif self.peek() == "?":
            self.take()
            items[-1] = (MIN_REPEAT, (lo, hi, body))
        else:
            items[-1] = (MAX_REPEAT, (lo, hi, body))

    def atom(self) -> list:
        char = self.take()
        if char == "\\":
            return [self.escape()]
        if char == "[":
            return [self.char_class()]
        if char == "(":
            return self.group()
        if char == ".":
            return [(UNKNOWN, "any")]
        if char in "^$":
            return [(AT, "beginning" if char == "^" else "end")]
        return [(LITERAL, char)]

    def escape(self) -> tuple:
        char = self.take()
        if char in _CATEGORIES:
            return (IN, [(CATEGORY, _CATEGORIES[char])])
        if char in _ANCHORS:
            return (AT, _ANCHORS[char])
        if char in _CONTROLS:
            return (LITERAL, _CONTROLS[char])
        if char in _HEX_DIGITS:
            return (LITERAL, self.hex_code(_HEX_DIGITS[char]))
        if char == "N":
            return (LITERAL, self.named())
        if char.isalnum():  # group references, octal and named characters: not in the subset
            return (UNKNOWN, object())
        return (LITERAL, char)

    def hex_code(self, digits: int) -> str:
        return chr(int(self.take(digits), 16))

    def named(self) -> str:
        end = self.source.index("}", self.at)
        name, self.at = self.source[self.at + 1 : end], end + 1
        return unicodedata.lookup(name)

    def char_class(self) -> tuple:
        members: list = []
        negate = self.peek() == "^"
        if negate:
            self.take()
        start, first = self.at, True
        while first or self.peek() != "]":
            first = False
            try:
                member = self.class_member()
                if self.peek() == "-" and self.peek(2)[1:] not in ("]", ""):
                    self.take()
                    end = self.class_member()
                    if member[0] is not LITERAL or end[0] is not LITERAL:
                        raise _Unreadable
                    member = (RANGE, (member[1], end[1]))
            except _Unreadable:
                self.at = start - negate  # back to just after "["
                self.skip_class()
                return (UNKNOWN, object())
            members.append(member)
        self.take()
        members = list(dict.fromkeys(members))
        if len(members) == 1 and members[0][0] is LITERAL:
            return (UNKNOWN, ("not", members[0][1])) if negate else members[0]
        return (IN, [(NEGATE, None), *members] if negate else members)

    def class_member(self) -> tuple:
        char = self.take()
        if char != "\\":
            return (LITERAL, char)
        char = self.take()
        if char in _CATEGORIES:
            return (CATEGORY, _CATEGORIES[char])
        if char == "b":
            return (LITERAL, "\b")
        if char in _CONTROLS:
            return (LITERAL, _CONTROLS[char])
        if char in _HEX_DIGITS:
            return (LITERAL, self.hex_code(_HEX_DIGITS[char]))
        if char == "N":
            return (LITERAL, self.named())
        if char.isalnum():
            raise _Unreadable
        return (LITERAL, char)

    def group(self) -> list:
        if self.peek() != "?" or self.peek(3) == "?P<":
            if self.peek() == "?":
                self.at = self.source.index(">", self.at) + 1
            return [(SUBPATTERN, ("capture", self.body()))]
        if self.peek(2) == "?:":
            self.take(2)
            inner = self.body()
            # Spliced into the sequence; kept whole when a quantifier follows (see repeat).
            if self.peek() in ("?", "*", "+") or (self.peek() == "{" and self.bounds()):
                return [(SUBPATTERN, ("splice", inner))]
            return inner
        scoped = _SCOPED_FLAGS.match(self.source, self.at - 1)
        if scoped and "x" not in scoped.group(0):
            self.at = scoped.end()
            return [(SUBPATTERN, ("flags", self.body()))]
        if self.peek(2) == "?#":
            self.at = self.source.index(")", self.at) + 1
            return []
        flags = _GLOBAL_FLAGS.match(self.source, self.at - 1)
        if flags:
            if "x" in flags.group(0):
                raise _Verbose  # whitespace and comments are read differently throughout
            self.at = flags.end()
            return []
        self.skip_group()  # lookarounds, conditionals, atomic groups, references
        return [(UNKNOWN, object())]

    def skip_group(self) -> None:
        depth = 1
        while depth:
            char = self.take()
            if not char:
                raise _Unreadable
            if char == "\\":
                self.take()
            elif char == "[":
                self.skip_class()
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1

    def skip_class(self) -> None:
        """Move past a class whose "[" was just read."""
        if self.peek() == "^":
            self.take()
        if self.peek() == "]":  # a "]" first is a member
            self.take()
        while self.peek() != "]":
            if not self.peek():
                raise _Unreadable
            if self.take() == "\\":
                self.take()
        self.take()

    def body(self) -> list:
        items = self.alternation()
        self.take()  # ")"
        return items


def _same(firsts) -> bool:
    firsts = list(firsts)
    return firsts[0][0] in _COMPARABLE and all(f == firsts[0] for f in firsts[1:])


def read(source: str) -> list:
    reader = _Reader(source)
    try:
        items = reader.alternation()
    except (_Unreadable, _Verbose, ValueError, IndexError, TypeError):
        return [(UNKNOWN, object())]
    return items
