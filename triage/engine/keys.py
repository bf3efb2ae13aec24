"""Start words: which word every match of a lexicon pattern starts with.

The scan tries rules at the word starts of a message, a group of rules per start word,
and at one start the first rule of a group that matches names the span (most severe
first, then the most specific): that choice is part of the scan's results, so the group
a rule belongs to is read from the pattern itself. A start word is a token's first
KEY_LENGTH letters, the whole token when shorter, or its first SHORT_KEY_LENGTH letters
for a stem like "self" in "self ?harm". Rules starting with a common word ("me", "i",
"no") are grouped by their second word too. A rule whose start cannot be read this way
is searched for anywhere in the text.

The pattern is read once, when a script is compiled, by a small reader of our own
(not ``re``'s private parser) for the subset the key functions need: literals, classes,
groups, alternation, quantifiers and ``\\b``. It reads them as ``re`` parses them where
that decides a key (``re`` factors a prefix common to all alternatives out of a branch,
which decides some groups); anything else is unknown, and the keys are then None.
"""

from __future__ import annotations

import re
import unicodedata

from .patterns import PatternError

__all__ = ["COMMON_PREFIXES", "is_common", "parse", "second_keys", "start_keys"]

KEY_LENGTH = 5
SHORT_KEY_LENGTH = 3
_PRODUCT_CAP = 512


# ---------------------------------------------------------------------------
# A reader for the regex subset the key functions look at. Its output has the shape of
# ``re``'s own parse tree ((op, argument) items) where that shape decides a key: it
# factors a prefix shared by all alternatives out of a branch, makes a branch of single
# characters a class, splices non-capturing groups into the enclosing sequence, and
# keeps \w, \W, \s, \d as categories inside a class. Anything else (lookarounds, ".",
# back-references, verbose mode...) is an UNKNOWN item, on which the keys are None.

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


def _read(source: str) -> list:
    reader = _Reader(source)
    try:
        items = reader.alternation()
    except (_Unreadable, _Verbose, ValueError, IndexError, TypeError):
        return [(UNKNOWN, object())]
    return items


def _is_separator(op: object, av: object) -> bool:
    return op is IN and any(
        o is CATEGORY and a == "not_word"
        for o, a in av  # type: ignore[attr-defined]
    )


def _exact(items: list) -> set[str] | None:
    """All strings a (small, literal) sequence can match, or None."""
    strings = {""}
    for op, av in items:
        if op is LITERAL:
            options = {av}
        elif op is IN and all(o is LITERAL for o, _ in av):
            options = {a for _, a in av}
        elif op is SUBPATTERN:
            options = _exact(list(av[-1]))
        elif op is BRANCH:
            options = set()
            for alt in av[1]:
                sub = _exact(list(alt))
                if sub is None:
                    return None
                options |= sub
        elif op is MAX_REPEAT or op is MIN_REPEAT:
            lo, hi, sub_items = av
            if (lo, hi) != (0, 1):
                return None
            sub = _exact(list(sub_items))
            if sub is None:
                return None
            options = sub | {""}
        else:
            return None
        if options is None:
            return None
        strings = {a + b for a in strings for b in options}
        if len(strings) > _PRODUCT_CAP:
            return None
    return strings


def _run_keys(strings: set[str], complete: bool) -> set[str] | None:
    """Token keys for a run of literal text that starts a word."""
    keys = set()
    for s in strings:
        head = s.split("'", 1)[0]
        # An apostrophe ends a token (it separates tokens in the text).
        complete_here = True if "'" in s else complete
        if not head or not head.isalnum():
            return None
        if len(head) >= KEY_LENGTH or complete_here:
            keys.add(head[:KEY_LENGTH])
        elif len(head) >= SHORT_KEY_LENGTH:
            keys.add(head[:SHORT_KEY_LENGTH])
        else:
            return None
    return keys


# Word beginnings so common that a rule starting with one is grouped by its second word too.
# fmt: off
COMMON_PREFIXES = frozenset((
    "the", "and", "you", "tha", "wit", "for", "not", "but", "hav", "wan", "don", "goi",
    "fee", "thi", "wha", "abo", "jus", "kno", "can", "get", "lik", "som", "all", "was",
    "are", "any", "tim", "wor", "wil", "wou", "cou", "sho", "rea", "rig", "now", "tod",
    "las", "nig", "mor", "ver", "muc", "him", "her", "she", "his", "bec", "wer", "fro",
    "out", "onl", "eve", "tak", "mak", "say", "sai", "tel", "tol", "one", "whe", "whi",
    "who", "how", "why", "yes", "ple", "hel", "nee", "tho", "mis", "que", "los", "las",
    "por", "con", "par", "una", "uno", "est", "per", "com", "mas", "muy", "hac", "ten",
    "tie", "qui", "dos", "sin", "sob", "des", "cua", "hoy", "del", "pue", "ser", "sie",
    "yo", "me", "mi", "my", "it", "is", "in", "to", "of", "on", "at", "be", "do", "go",
    "so", "no", "he", "we", "im", "i", "a", "y",
))
# fmt: on


def parse(regex_source: str) -> list:
    """The parsed form the key functions take (parse once, ask both)."""
    try:
        re.compile(regex_source)
    except re.error as exc:
        raise PatternError(f"not a valid regular expression: {exc}") from exc
    return _read(regex_source)


def _start_keys(items: list, complete_at_end: bool) -> set[str] | None:
    run: list = []
    for position, (op, av) in enumerate(items):
        exact = _exact([(op, av)])
        if exact is not None and all(c.isalnum() or c == "'" for s in exact for c in s):
            run.append((op, av))
            continue
        if run:
            follows_separator = _is_separator(op, av) or (
                op in (MAX_REPEAT, MIN_REPEAT)
                and av[0] >= 1
                and len(av[2]) == 1
                and _is_separator(*av[2][0])
            )
            strings = _exact(run)
            return _run_keys(strings, follows_separator) if strings else None
        if op is SUBPATTERN:
            return _start_keys(list(av[-1]) + items[position + 1 :], complete_at_end)
        if op is BRANCH:
            keys: set[str] = set()
            for alt in av[1]:
                sub = _start_keys(list(alt) + items[position + 1 :], complete_at_end)
                if not sub:
                    return None
                keys |= sub
            return keys
        if op is AT and av == "boundary":
            continue
        return None
    if not run:
        return None
    strings = _exact(run)
    return _run_keys(strings, complete_at_end) if strings else None


def _is_required_separator(op: object, av: object) -> bool:
    return _is_separator(op, av) or (
        op in (MAX_REPEAT, MIN_REPEAT)
        and av[0] >= 1  # type: ignore[index]
        and len(av[2]) == 1  # type: ignore[index]
        and _is_separator(*av[2][0])  # type: ignore[index]
    )


def second_keys(regex_source: str | list) -> frozenset[str] | None:
    """Like :func:`start_keys`, for the SECOND token of every match (None if not fixed)."""
    items = parse(regex_source) if isinstance(regex_source, str) else list(regex_source)
    while items and items[0][0] is AT:
        items = items[1:]
    for position, (op, av) in enumerate(items):
        exact = _exact([(op, av)])
        if exact is not None and all(c.isalnum() for s in exact for c in s):
            continue
        if position and _is_required_separator(op, av):
            keys = _start_keys(items[position + 1 :], True)
            return frozenset(keys) if keys else None
        return None
    return None


def start_keys(regex_source: str | list) -> frozenset[str] | None:
    """Prefixes of the token every match STARTS with, or None when that is not fixed.

    A rule whose matches start with a known token can be tried only where such a token
    starts (``regex.match`` at that offset) instead of searched for across the text.
    """
    items = parse(regex_source) if isinstance(regex_source, str) else list(regex_source)
    keys = _start_keys(items, True)
    return frozenset(keys) if keys else None


def is_common(key: str) -> bool:
    """Whether a start word is too common to group rules by on its own."""
    return len(key) < SHORT_KEY_LENGTH or key[:SHORT_KEY_LENGTH] in COMMON_PREFIXES
