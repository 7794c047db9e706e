"""How a magic's line is read: split as a Python reader would, and, for ``%%objective``, the one
declaration of its arguments (the magic and the form both read a name with it).

Kept apart from :mod:`nbalign.magics` so that the form (:mod:`nbalign.widgets`) can check that a
name survives the magic's line without importing the magics that import it.
"""

from __future__ import annotations

from IPython.core.magic_arguments import argument, magic_arguments

from .errors import NbalignError


def objective_line(function):
    """The ``%%objective`` line's arguments, declared once: applied to the magic, and to the
    reader the form checks a name with (:func:`objective_name`)."""
    function = argument("name", nargs="?", default=None,
                        help="the objective's name (cell form; default: $NBALIGN_OBJECTIVE, else objective)")(function)
    function = argument("--form", action="store_true", help="declare it with a form of widgets instead (line "
                        "form): it checks as you type and writes the %%%%objective cell below")(function)
    return magic_arguments()(function)


@objective_line
def _objective_line_reader(line: str = "", cell: str | None = None):
    """The ``%%objective`` line, read as the magic reads it."""


def objective_name(line: str) -> str:
    """The name ``%%objective <line>`` declares (UsageError or NbalignError when it refuses)."""
    return named_or_default(_objective_line_reader.parser.parse_args(split_arguments(line)).name)


def named_or_default(name: str | None) -> str:
    """The name a ``%%objective`` line gives, else ``$NBALIGN_OBJECTIVE``, else ``objective``."""
    import os

    from .session import OBJECTIVE_ENV

    return name or os.environ.get(OBJECTIVE_ENV) or "objective"


def split_arguments(line: str) -> list[str]:
    """Split a magic's line at the spaces between arguments, as a Python reader would: spaces
    inside brackets or quotes do not split, and quotes inside an expression stay
    (``X_test.select_dtypes('number')``, ``LogisticRegression(C=1, max_iter=200)``). A whole
    argument in quotes (``--name 'my model'``) is unquoted.
    """
    arguments, current, depth, quote = [], [], 0, None
    for char in line:
        if quote:
            current.append(char)
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
            current.append(char)
        elif char in "([{":
            depth += 1
            current.append(char)
        elif char in ")]}":
            depth = max(depth - 1, 0)
            current.append(char)
        elif char.isspace() and depth == 0:
            if current:
                arguments.append("".join(current))
                current = []
        else:
            current.append(char)
    if quote:
        raise NbalignError(f"could not read the arguments: the quote {quote} is not closed; close the quote.")
    if current:
        arguments.append("".join(current))
    return [a[1:-1] if len(a) >= 2 and a[0] == a[-1] and a[0] in "'\"" and a[0] not in a[1:-1] else a
            for a in arguments]


def read_arguments(magic, line: str):
    """Parse a magic's line with the parser its declaration generated (see :func:`split_arguments`;
    IPython's own ``parse_argstring`` keeps quotes in Windows style).

    ``-h``/``--help`` prints the generated usage (as ``%magic?`` does) and returns None.
    """
    argv = split_arguments(line)
    if "-h" in argv or "--help" in argv:
        print(magic.__doc__)
        return None
    return magic.parser.parse_args(argv)
