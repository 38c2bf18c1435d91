"""The Jinja sandbox a template override runs in: no value past the output cap, no run past its time.

Every way a template makes a value passes a hook of this environment: a call (a string method,
a macro, a global), a filter, an operator (``*``, ``**``, ``+``, ``%``), a ``~`` join, a loop, a
write into a captured block (``{% set x %}``, a macro's body). Each hook works out before the
step how big its result can be, from its arguments (a width, a repeat count, what ``replace``
inserts), and refuses a step that could pass the cap, so no value is ever built to be found too
big afterwards; what all steps make and all blocks capture in one render is capped too. The
same hooks, and each loop's every turn, check the render's deadline (a template with no loop
and no call ends in a few steps): a time limit with no signal, no timer and nothing
process-wide, so it holds in any thread (the preview renders in one).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jinja2
import jinja2.runtime
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_OUTPUT = 8 * 1024 * 1024  # characters one template may write (a cable is ~40,000)
MAX_CAPTURED = 4 * MAX_OUTPUT  # characters all captured blocks of one render may hold
MAX_MADE = 8 * MAX_OUTPUT  # characters (or items) all the steps of one render may make
MAX_BITS = 1_000_000  # the largest number one ** or * may make (a cable needs a few digits)
GROWTH = 12  # the most a step with no rule of its own makes of its inputs (escaping: "<" -> "&#60;")
GENERATION = "bounded-1"  # part of the compiled-template cache's name: code from before the hooks is not reused


class Refused(SecurityError):
    """A template step refused: too big a value, or past the render's time."""


@dataclass
class Budget:
    """One render's limits: its deadline and the characters its captured blocks may still hold."""

    seconds: float
    deadline: float
    captured: int = MAX_CAPTURED
    made: int = MAX_MADE

    def tick(self) -> None:
        """Stop the render if its time is up (checked at every step, in whatever thread)."""
        if time.monotonic() > self.deadline:
            raise Refused(f"still running after {self.seconds:g} s (an endless loop?)")


_budget: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("tipdraft_template_budget", default=None)


@contextlib.contextmanager
def limits(seconds: float) -> Iterator[None]:
    """Run a render under its own limits (this thread's and context's only)."""
    token = _budget.set(Budget(seconds, time.monotonic() + seconds))
    try:
        yield
    finally:
        _budget.reset(token)


def _tick() -> None:
    budget = _budget.get()
    if budget is not None:
        budget.tick()


def size(value: Any, numbers: bool = True, deep: bool = False) -> int:
    """How many characters ``value`` holds or stands for: text its length, a number its value
    when ``numbers`` (a width, a count) else its digits, a container its length, or when
    ``deep`` the characters of its items too (what writing it out makes; counted only up to
    past the cap); anything else nothing."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) if numbers else _digits(value)
    if not isinstance(value, list | tuple | set | frozenset | dict):
        return 0
    return _contents(value) if deep else len(value)


def _digits(number: int) -> int:
    """The digits of ``number`` written out, reckoned from its bits past a few thousand (Python
    refuses to write out a number of more than 4,300 digits)."""
    bits = abs(number).bit_length()
    return len(str(number)) if bits < 10_000 else bits * 30103 // 100_000 + 2


def _contents(container: list[Any] | tuple[Any, ...] | set[Any] | frozenset[Any] | dict[Any, Any]) -> int:
    """The characters a container's items make written out, counted up to past the cap."""
    total = len(container)
    for item in container.items() if isinstance(container, dict) else container:
        total += 2 + size(item, numbers=False, deep=True)  # 2: a separator, quotes
        if total > MAX_OUTPUT:
            break
    return total


def _deep(values: Iterable[Any]) -> int:
    return sum(size(v, numbers=False, deep=True) for v in values)


def _count(text: Any, part: Any) -> int:
    """How often ``part`` occurs in ``text`` (between every character, for an empty part)."""
    if not isinstance(text, str) or not isinstance(part, str):
        return size(text, deep=True)
    return text.count(part) if part else len(text) + 1


def _formatted(fmt: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """The most ``fmt.format(...)`` or ``fmt % args`` can write: every field its largest value,
    widened by the largest width the format names (or an argument gives, for ``*`` or ``{:{}}``)."""
    if not isinstance(fmt, str):
        return GROWTH * _deep((fmt, *args))
    values = [*args, *kwargs.values()]
    if len(values) == 1 and isinstance(values[0], tuple | dict):  # "%s %s" % (a, b)
        values = list(values[0].values() if isinstance(values[0], dict) else values[0])
    nested = "*" in fmt or re.search(r"\{[^}]*\{", fmt) is not None
    widest = max((int(n) for n in re.findall(r"\d+", fmt)), default=0)
    largest = max((size(v, numbers=nested, deep=True) for v in values), default=0)
    fields = fmt.count("{") + fmt.count("%") + 1
    return len(fmt) + fields * (largest + widest + 24)  # 24: a number's longest repr


def _widest(table: Any) -> int:
    """The longest text a ``translate`` table puts for one character."""
    values = table.values() if isinstance(table, dict) else table if isinstance(table, list | tuple) else ()
    return max((size(v, numbers=False) for v in values), default=0)


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, name: str, default: Any) -> Any:
    return args[index] if len(args) > index else kwargs.get(name, default)


RULES: dict[str, Callable[[tuple[Any, ...], dict[str, Any]], int]] = {  # steps that can make more than their inputs
    "replace": lambda a, k: size(a[0]) + _count(a[0], _arg(a, k, 1, "old", "")) * size(_arg(a, k, 2, "new", "")),
    "expandtabs": lambda a, k: size(a[0]) + _count(a[0], "\t") * size(_arg(a, k, 1, "tabsize", 8)),
    "indent": lambda a, k: size(a[0]) + (_count(a[0], "\n") + 1) * size(_arg(a, k, 1, "width", 4)),
    "wordwrap": lambda a, k: size(a[0]) * (2 + size(_arg(a, k, 4, "wrapstring", "\n"))),
    "translate": lambda a, k: size(a[0]) * (1 + _widest(_arg(a, k, 1, "table", {}))),
    "format": lambda a, k: _formatted(a[0] if a else "", a[1:], k),
    "format_map": lambda a, k: _formatted(a[0], (_arg(a, k, 1, "mapping", {}),), {}),
    "%": lambda a, k: _formatted(a[0], a[1:], k) if isinstance(a[0], str) else 0,
    "~": lambda a, k: _deep(a),
    "+": lambda a, k: size(a[0], numbers=False) + size(a[1], numbers=False),  # a list: its items are not copied
    "*": lambda a, k: _repeats(a[0], a[1]),
}


def _repeats(left: Any, right: Any) -> int:
    """How long ``left * right`` would be (as digits, for two numbers)."""
    if isinstance(left, int) and isinstance(right, int):
        return 0 if abs(left).bit_length() + abs(right).bit_length() <= MAX_BITS else MAX_OUTPUT + 1
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return size(seq, numbers=False) * times
    return 0


def _join_rule(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """``sep.join(items)`` or ``items|join(sep)``: every item and a separator between each two."""
    first, second = args[0] if args else "", _arg(args, kwargs, 1, "d", "")
    sep, items = (first, second) if isinstance(first, str) else (second, first)
    return size(items, numbers=False, deep=True) + size(items) * size(sep)


RULES["join"] = _join_rule


def materialized(value: Any) -> Any:
    """An iterator (``map``, ``select``: lazy) as a list, built under the cap, so the step it
    feeds is checked on what it will really get; anything else as it is."""
    if not isinstance(value, Iterator):
        return value
    items, total = [], 0
    for item in value:
        _tick()
        total += 1 + size(item, numbers=False)
        if total > MAX_OUTPUT:
            raise Refused("a sequence too big for a cable was made")
        items.append(item)
    return items


STORING = frozenset(  # calls that only keep what they are given (a container's methods, namespace, dict)
    [
        "append",
        "extend",
        "insert",
        "pop",
        "remove",
        "index",
        "count",
        "get",
        "items",
        "keys",
        "values",
        "update",
        "setdefault",
        "copy",
        "Namespace",
        "dict",
    ]
)


def check(name: str, args: tuple[Any, ...], kwargs: dict[str, Any], what: str) -> None:
    """Refuse a step whose result could pass the cap, before it is taken. A step no rule knows
    makes at most ``GROWTH`` times what it is given (written out: ``|string`` of a list)."""
    _tick()
    rule = RULES.get(name)
    given = (*args, *kwargs.values())
    if rule:
        bound = rule(args, kwargs)
    else:
        bound = sum(size(v) for v in given) if name in STORING else GROWTH * sum(size(v, deep=True) for v in given)
    if bound > MAX_OUTPUT:
        raise Refused(f"{what} could make a value of {bound:,} characters, too big for a cable")


def checked(value: Any) -> Any:
    """``value``, if it is within the cap and the render may still make it: what every step
    makes is counted, so many steps, each small (an append in a loop), cannot fill the memory."""
    made = size(value, numbers=False)
    if made > MAX_OUTPUT:
        raise Refused("a value too big for a cable was made")
    budget = _budget.get()
    if budget is not None:
        budget.made -= made
        if budget.made < 0:
            raise Refused(f"more than {MAX_MADE // 1024 // 1024} Mi characters made by one template: not a cable")
    return value


def written(value: Any) -> Any:
    """A ``{{ value }}`` about to be written out (as text: a list's items too), if within the cap."""
    if size(value, numbers=False, deep=True) > MAX_OUTPUT:
        raise Refused("a value too big for a cable would be written")
    return value


def _shown(value: Any) -> str:
    """A value as a message shows it: short (the repr of a big one is never made)."""
    if isinstance(value, list | tuple | set | frozenset | dict):
        return f"a {type(value).__name__} of {len(value):,} items"
    if isinstance(value, str) and len(value) > 20:
        return f"{value[:20]!r}... ({len(value):,} characters)"
    return f"{value!r:.20}" if not isinstance(value, int) or value.bit_length() < 64 else "a big number"


def _described(obj: Any) -> tuple[str, tuple[Any, ...]]:
    """A called object's name for the rules, and the object it was called on (a method's
    text or list), unwrapping the sandbox's own wrapper of ``str.format``."""
    target = getattr(obj, "__wrapped__", obj)
    name = getattr(target, "__name__", "")
    bound_to = getattr(target, "__self__", None)
    return name, () if bound_to is None or isinstance(bound_to, type) or callable(bound_to) else (bound_to,)


def _bounded_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    """A filter run under the rules: its arguments checked before, its result after."""

    @functools.wraps(function)  # keeps jinja_pass_arg: a context-taking filter still gets its context
    def bounded(*args: Any, **kwargs: Any) -> Any:
        args = tuple(materialized(a) for a in args)
        values = tuple(a for a in args if not isinstance(a, jinja2.runtime.Context | nodes.EvalContext | jinja2.Environment))
        check(name, values, kwargs, f"|{name}")
        return checked(function(*args, **kwargs))

    return bounded


class CapturedText(list[str]):
    """A captured block's pieces (``{% set x %}``, a macro's body): each counted against the
    render's budget as it is added."""

    def append(self, piece: str) -> None:
        """Add a piece, if the render may still capture it."""
        _captured(len(piece))
        super().append(piece)

    def extend(self, pieces: Iterable[str]) -> None:
        """Add pieces, each as :meth:`append` does."""
        for piece in pieces:
            self.append(piece)


def _captured(characters: int) -> None:
    budget = _budget.get()
    if budget is None:
        return
    budget.tick()
    budget.captured -= characters
    if budget.captured < 0:
        raise Refused(f"more than {MAX_CAPTURED // 1024 // 1024} MiB of text captured in blocks and macros: not a cable")


def bounded_loop(items: Iterable[Any]) -> Iterator[Any]:
    """A loop's items, the deadline checked at every turn (an empty loop body has no other step)."""
    for item in items:
        _tick()
        yield item


class BoundedCode(CodeGenerator):
    """Jinja's code generator, with the steps it writes inline routed through the hooks: the
    ``~`` join, a loop's items, a captured block's list."""

    def buffer(self, frame: Frame) -> None:
        """A captured block's pieces go into a :class:`CapturedText`."""
        frame.buffer = self.temporary_identifier()
        self.writeline(f"{frame.buffer} = environment.captured_text()")

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        """``a ~ b``: the parts' sizes checked before they are joined (as Jinja joins them)."""
        if frame.eval_ctx.volatile:
            join = "(markup_join if context.eval_ctx.volatile else str_join)"
        else:
            join = "markup_join" if frame.eval_ctx.autoescape else "str_join"
        self.write(f"environment.joined({join}, (")
        for part in node.nodes:
            self.visit(part, frame)
            self.write(", ")
        self.write("))")

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        """Every loop iterates through :func:`bounded_loop`."""
        node.iter = nodes.Call(nodes.EnvironmentAttribute("bounded_loop"), [node.iter], [], None, None, lineno=node.lineno)
        super().visit_For(node, frame)


class Sandbox(SandboxedEnvironment):
    """Jinja's sandbox with every way to make a value bounded (see the module's docstring).

    An intercepted operator is never worked out at compile time (``10 ** 1000000000`` would be
    folded while compiling, before any limit applies)."""

    code_generator_class = BoundedCode
    intercepted_binops = frozenset({"**", "*", "+", "%"})
    captured_text = CapturedText
    bounded_loop = staticmethod(bounded_loop)

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=written, **options)
        self.filters = {name: _bounded_filter(name, function) for name, function in self.filters.items()}
        self.globals.pop("lipsum", None)  # n paragraphs of filler: no cable needs it

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """``left operator right``, unless its result would be too big to be part of a cable."""
        _tick()
        if operator == "**":  # whole numbers only grow past the cap (a float overflows, an error of its own)
            whole = isinstance(left, int) and isinstance(right, int)
            if whole and abs(left) > 1 and abs(left).bit_length() * right > MAX_BITS:
                raise Refused(f"{_shown(left)} ** {_shown(right)} would make a value too big for a cable")
        elif RULES[operator]((left, right), {}) > MAX_OUTPUT:
            raise Refused(f"{_shown(left)} {operator} {_shown(right)} would make a value too big for a cable")
        return checked(super().call_binop(context, operator, left, right))

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Call ``__obj``, its arguments checked against the rules before and its result after."""
        if __obj is bounded_loop:
            return bounded_loop(*args)
        args = tuple(materialized(a) for a in args)
        name, bound_to = _described(__obj)
        check(name, (*bound_to, *args), kwargs, f"{name or 'the call'}(...)")
        return checked(super().call(__context, __obj, *args, **kwargs))

    def joined(self, join: Callable[[Iterable[Any]], str], parts: tuple[Any, ...]) -> str:
        """``a ~ b ~ ...``: refused if the parts are too big together, else joined (and the
        result checked: escaping can lengthen it)."""
        check("~", parts, {}, "~")
        return str(checked(join(parts)))
