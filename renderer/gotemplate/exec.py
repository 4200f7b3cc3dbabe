"""Executing parsed Go templates (a port of ``text/template``'s ``exec.go``), bounded.

Semantics as Go's: pipelines pass the previous command's value as the last
argument, ``and``/``or`` stop at the deciding argument, variables are
scoped to their block (``$`` is the data the template was called with),
``range`` walks slices, maps in key order, integers, with ``break`` and
``continue``, ``with``/``if`` test Go's truthiness, and ``.A.B`` reads a
map key, or a member a :class:`values.GoObject` lists, and calls it when
it is a method. Nothing else of a Python object can be reached.

Every execution has a :class:`Budget`: steps (nodes, function calls,
loop iterations), output characters, template/partial call depth and
iterations of one range; running out is a :class:`values.TemplateError`,
never a hang. In HTML mode (``html/template``) the output goes through
:mod:`.escape` as it is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from . import escape as esc
from .parse import (ActionNode, BoolNode, BranchNode, BreakNode, ChainNode, CommandNode, CommentNode, ContinueNode,
                    DotNode, FieldNode, IdentifierNode, ListNode, NilNode, NumberNode, PipeNode, StringNode,
                    TemplateNode, TextNode, Tree, VariableNode)
from .values import GoError, GoObject, TemplateError, sprint, sprint_value, sorted_keys, type_name

MAX_STEPS = 100_000  # nodes, calls and iterations of one shortcode call, partials included (0.1 s natively)
MAX_OUTPUT = 2_000_000  # characters one shortcode call may write, partials included
MAX_CALL_DEPTH = 32  # {{template}} and partial calls inside each other
MAX_RANGE = 100_000  # iterations of one range
MAX_VALUE_CHARS = 1_000_000  # longest string a function may return (printf "%s%s" $s $s doubling, ...)


@dataclass
class Budget:
    """What one shortcode call may still spend; shared by the partials it calls."""

    steps: int = MAX_STEPS
    output: int = MAX_OUTPUT
    depth: int = 0

    def step(self, n: int = 1) -> None:
        self.steps -= n
        if self.steps < 0:
            raise TemplateError(f"the template took more than {MAX_STEPS:,} steps (an endless loop, or too much "
                                "work for one shortcode)")

    def spend_output(self, n: int) -> None:
        self.output -= n
        if self.output < 0:
            raise TemplateError(f"the template wrote more than {MAX_OUTPUT:,} characters")


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def is_true(value: Any) -> bool:
    """Go's truth: false, 0, nil, and empty strings, slices and maps are false; everything else true."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (str, list, tuple, dict)):
        return len(value) > 0
    truth = getattr(type(value), "go_truth", None)
    if truth is not None:
        return bool(truth(value))
    return True


class Func:
    """A template function: ``fn(*args)``, or ``fn(state, *args)`` when ``wants_state``."""

    __slots__ = ("fn", "wants_state", "name")

    def __init__(self, name: str, fn: Callable[..., Any] | None, wants_state: bool = False) -> None:
        self.name = name
        self.fn = fn
        self.wants_state = wants_state


class Templates:
    """A set of parsed templates that can call each other by name (Go's associated templates)."""

    def __init__(self, trees: Mapping[str, Tree], funcs: Mapping[str, Func], html: bool = True) -> None:
        self.trees = dict(trees)
        self.funcs = funcs
        self.html = html


@dataclass
class State:
    """One execution: where output goes, the variables in scope, and the budget."""

    templates: Templates
    budget: Budget
    env: Any = None  # what functions that want the state need (the shortcode's page, site, notes...)
    out: list[str] = field(default_factory=list)
    vars: list[tuple[str, Any]] = field(default_factory=list)
    context: esc.Context = esc.START
    tree: Tree | None = None
    line: int = 0

    def write_text(self, node: TextNode) -> None:
        if self.templates.html:
            cache: dict[esc.Context, tuple[esc.Context, str]] = node.__dict__.setdefault("cache", {})
            found = cache.get(self.context)
            if found is None:
                found = esc.escape_text(self.context, node.text)
                if len(cache) < 64:
                    cache[self.context] = found
            self.context, text = found
        else:
            text = node.text
        self.budget.spend_output(len(text))
        self.out.append(text)

    def write_value(self, value: Any) -> None:
        if self.templates.html:
            self.context, text = esc.escape_action(self.context, value)
        else:
            text = "<no value>" if value is None else sprint([value])
        self.budget.spend_output(len(text))
        self.out.append(text)

    def predefined_escaper(self, pipe: PipeNode) -> str:
        """``html`` or ``urlquery`` when an html/template action's pipeline ends with Go's function of
        that name (html/template merges it with the contextual escapers instead of escaping twice)."""
        if not self.templates.html or pipe.decl:
            return ""
        first = pipe.cmds[-1].args[0]
        if isinstance(first, IdentifierNode) and first.name in ("html", "urlquery"):
            fn = self.templates.funcs.get(first.name)
            if fn is not None and fn.name == first.name and getattr(fn.fn, "__module__", "").endswith("builtins"):
                return first.name
        return ""

    def write_predefined(self, dot: Any, pipe: PipeNode, name: str) -> None:
        value: Any = _NO_FINAL
        for cmd in pipe.cmds[:-1]:
            value = self.eval_command(dot, cmd, value)
        args = [self.eval_arg(dot, a) for a in pipe.cmds[-1].args[1:]]
        if value is not _NO_FINAL:
            args.append(value)
        text = sprint(args) if len(args) != 1 else args[0]
        self.context, out = esc.escape_action(self.context, text, name)
        self.budget.spend_output(len(out))
        self.out.append(out)

    def error(self, message: str) -> TemplateError:
        name = self.tree.name if self.tree else "?"
        return TemplateError(f"template: {name}:{self.line}: {message}")

    # -- variables

    def push(self, name: str, value: Any) -> None:
        self.vars.append((name, value))

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i] = (name, value)
                return
        raise self.error(f"undefined variable: {name}")

    def var(self, name: str) -> Any:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        raise self.error(f"undefined variable: {name}")

    # -- walking

    def walk(self, dot: Any, node: Any) -> None:
        self.budget.step()
        if isinstance(node, TextNode):
            self.write_text(node)
        elif isinstance(node, ActionNode):
            self.line = node.line
            predefined = self.predefined_escaper(node.pipe)
            if predefined:
                self.write_predefined(dot, node.pipe, predefined)
                return
            value = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.write_value(value)
        elif isinstance(node, ListNode):
            for n in node.nodes:
                self.walk(dot, n)
        elif isinstance(node, BranchNode):
            self.line = node.line
            if node.kind == "range":
                self.walk_range(dot, node)
            else:
                self.walk_if_or_with(dot, node)
        elif isinstance(node, TemplateNode):
            self.line = node.line
            self.walk_template(dot, node)
        elif isinstance(node, BreakNode):
            raise _Break()
        elif isinstance(node, ContinueNode):
            raise _Continue()
        elif isinstance(node, CommentNode):
            pass
        else:
            raise self.error("unknown node")

    def walk_if_or_with(self, dot: Any, node: BranchNode) -> None:
        mark = len(self.vars)
        value = self.eval_pipeline(dot, node.pipe)
        truth = is_true(value)
        if truth:
            self.walk(value if node.kind == "with" else dot, node.list)
        elif node.else_list is not None:
            self.walk(dot, node.else_list)
        del self.vars[mark:]

    def walk_range(self, dot: Any, node: BranchNode) -> None:
        mark = len(self.vars)
        value = self.eval_pipeline(dot, node.pipe)
        # The declared variables are the last ones pushed by eval_pipeline: they are reset per iteration.
        decl = node.pipe.decl
        items: Any
        if value is None:
            items = []
        elif isinstance(value, bool):
            raise self.error(f"range can't iterate over {sprint_value(value)}")
        elif isinstance(value, int):
            if len(decl) > 1:
                raise self.error(f"can't use {value} to iterate over more than one variable")
            items = ((i, i) for i in range(max(0, min(value, MAX_RANGE + 1))))
            if value > MAX_RANGE:
                raise self.error(f"range over {value:,} is more than {MAX_RANGE:,} iterations")
        elif isinstance(value, (list, tuple)):
            items = enumerate(value)
        elif isinstance(value, dict):
            items = ((k, value[k]) for k in sorted_keys(value))
        elif isinstance(value, GoObject) and hasattr(type(value), "go_items"):
            items = enumerate(value.go_items())  # type: ignore[attr-defined]  # only list-like GoObjects define it
        else:
            raise self.error(f"range can't iterate over {sprint_value(value)}")
        count = 0
        ran = False
        for key, elem in items:
            ran = True
            count += 1
            if count > MAX_RANGE:
                raise self.error(f"range of more than {MAX_RANGE:,} iterations")
            self.budget.step()
            inner = len(self.vars)
            if len(decl) == 1:
                self.set_var(decl[0].idents[0], elem) if node.pipe.is_assign else self.push(decl[0].idents[0], elem)
            elif len(decl) == 2:
                if node.pipe.is_assign:
                    self.set_var(decl[0].idents[0], key)
                    self.set_var(decl[1].idents[0], elem)
                else:
                    self.push(decl[0].idents[0], key)
                    self.push(decl[1].idents[0], elem)
            try:
                self.walk(elem, node.list)
            except _Break:
                del self.vars[inner:]
                break
            except _Continue:
                pass
            del self.vars[inner:]
        if not ran and node.else_list is not None:
            self.walk(dot, node.else_list)
        del self.vars[mark:]

    def walk_template(self, dot: Any, node: TemplateNode) -> None:
        tree = self.templates.trees.get(node.name)
        if tree is None:
            raise self.error(f"template {node.name!r} not defined")
        value = self.eval_pipeline(dot, node.pipe) if node.pipe is not None else None
        self.budget.depth += 1
        if self.budget.depth > MAX_CALL_DEPTH:
            raise self.error(f"templates and partials call each other more than {MAX_CALL_DEPTH} deep")
        saved = self.vars, self.tree, self.line
        self.vars, self.tree = [("$", value)], tree
        try:
            self.walk(value, tree.root)
        finally:
            self.vars, self.tree, self.line = saved
            self.budget.depth -= 1

    # -- evaluation

    def eval_pipeline(self, dot: Any, pipe: PipeNode) -> Any:
        value: Any = _NO_FINAL
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.idents[0], value)
            else:
                self.push(var.idents[0], value)
        return value

    def eval_command(self, dot: Any, cmd: CommandNode, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, FieldNode):
            return self.eval_field_chain(dot, dot, first.idents, cmd.args, final)
        if isinstance(first, ChainNode):
            return self.eval_chain(dot, first, cmd.args, final)
        if isinstance(first, IdentifierNode):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, PipeNode):
            if len(cmd.args) > 1 or final is not _NO_FINAL:
                raise self.error("can't give argument to non-function " + "(pipeline)")
            mark = len(self.vars)
            value = self.eval_pipeline(dot, first)
            del self.vars[mark:]
            return value
        if isinstance(first, VariableNode):
            return self.eval_variable(dot, first, cmd.args, final)
        if len(cmd.args) > 1 or final is not _NO_FINAL:
            raise self.error(f"can't give argument to non-function {_node_text(first)}")
        if isinstance(first, BoolNode):
            return first.value
        if isinstance(first, DotNode):
            return dot
        if isinstance(first, NilNode):
            raise self.error("nil is not a command")
        if isinstance(first, NumberNode):
            return self.number(first)
        if isinstance(first, StringNode):
            return first.value
        raise self.error(f"can't evaluate command {_node_text(first)}")

    def number(self, node: NumberNode) -> Any:
        if isinstance(node.value, str):
            raise self.error(f"complex number {node.text} is not supported")
        return node.value

    def eval_arg(self, dot: Any, node: Any) -> Any:
        self.budget.step()
        if isinstance(node, DotNode):
            return dot
        if isinstance(node, NilNode):
            return None
        if isinstance(node, FieldNode):
            return self.eval_field_chain(dot, dot, node.idents, [node], _NO_FINAL)
        if isinstance(node, VariableNode):
            return self.eval_variable(dot, node, [node], _NO_FINAL)
        if isinstance(node, PipeNode):
            mark = len(self.vars)
            value = self.eval_pipeline(dot, node)
            del self.vars[mark:]
            return value
        if isinstance(node, IdentifierNode):
            return self.eval_function(dot, node, None, [node], _NO_FINAL)
        if isinstance(node, ChainNode):
            return self.eval_chain(dot, node, [node], _NO_FINAL)
        if isinstance(node, BoolNode):
            return node.value
        if isinstance(node, NumberNode):
            return self.number(node)
        if isinstance(node, StringNode):
            return node.value
        raise self.error(f"can't handle {_node_text(node)} as an argument")

    def eval_variable(self, dot: Any, node: VariableNode, args: list[Any], final: Any) -> Any:
        value = self.var(node.idents[0])
        if len(node.idents) == 1:
            if len(args) > 1 or final is not _NO_FINAL:
                raise self.error(f"can't give argument to non-function {node.idents[0]}")
            return value
        return self.eval_field_chain(dot, value, node.idents[1:], args, final)

    def eval_chain(self, dot: Any, chain: ChainNode, args: list[Any], final: Any) -> Any:
        if not chain.fields:
            raise self.error("internal error: no fields in eval_chain")
        if isinstance(chain.node, NilNode):
            raise self.error(f"indirection through explicit nil in {_node_text(chain)}")
        pipe = self.eval_arg(dot, chain.node)
        return self.eval_field_chain(dot, pipe, chain.fields, args, final)

    def eval_field_chain(self, dot: Any, receiver: Any, idents: list[str], args: list[Any], final: Any) -> Any:
        n = len(idents)
        for i in range(n - 1):
            receiver = self.eval_field(dot, idents[i], None, _NO_FINAL, receiver)
        return self.eval_field(dot, idents[n - 1], args, final, receiver)

    def eval_field(self, dot: Any, name: str, args: list[Any] | None, final: Any, receiver: Any) -> Any:
        self.budget.step()
        has_args = (args is not None and len(args) > 1) or final is not _NO_FINAL
        if receiver is None:
            return None  # a field of a nil interface is no value (Go's invalid reflect.Value)
        if isinstance(receiver, GoObject):
            if name not in type(receiver).go_fields:
                raise Unknown(f"can't evaluate field {name} in type {receiver.go_name}", name)
            member = receiver.go_member(name)
            if callable(member):
                call_args = [self.eval_arg(dot, a) for a in (args or [])[1:]]
                if final is not _NO_FINAL:
                    call_args.append(final)
                return self.call(member, name, call_args)
            if has_args:
                raise self.error(f"{name} has arguments but cannot be invoked as function")
            return member
        if isinstance(receiver, dict):
            if has_args:
                raise self.error(f"{name} is not a method but has arguments")
            lookup = getattr(type(receiver), "go_lookup", None)
            if lookup is not None:
                return lookup(receiver, name)
            return receiver.get(name)
        raise self.error(f"can't evaluate field {name} in type {type_name(receiver)}")

    def eval_function(self, dot: Any, node: IdentifierNode, cmd: CommandNode | None, args: list[Any],
                      final: Any) -> Any:
        name = node.name
        fn = self.templates.funcs.get(name)
        if fn is None:
            raise Unknown(f"function {name!r} not defined", name)
        if fn.fn is None:  # and, or: their arguments are evaluated only as far as needed
            return self.eval_and_or(dot, name, args, final)
        call_args = [self.eval_arg(dot, a) for a in args[1:]]
        if final is not _NO_FINAL:
            call_args.append(final)
        if fn.wants_state:
            return self.call(fn.fn, name, [self, *call_args])
        return self.call(fn.fn, name, call_args)

    def eval_and_or(self, dot: Any, name: str, args: list[Any], final: Any) -> Any:
        nodes = args[1:]
        if len(nodes) + (final is not _NO_FINAL) < 1:
            raise self.error(f"wrong number of args for {name}: want at least 1 got 0")
        value: Any = None
        for node in nodes:
            value = self.eval_arg(dot, node)
            if is_true(value) == (name == "or"):
                return value
        if final is not _NO_FINAL:
            value = final
        return value

    def call(self, fn: Callable[..., Any], name: str, args: list[Any]) -> Any:
        self.budget.step()
        try:
            result = fn(*args)
            if isinstance(result, str):
                if len(result) > MAX_VALUE_CHARS:
                    raise self.error(f"{name} made a string longer than {MAX_VALUE_CHARS:,} characters")
                # A function's work grows with the text it makes: a long string costs steps too (one per
                # 100 characters), so a loop cannot call one ever again on a megabyte.
                self.budget.step(len(result) // 100)
            elif isinstance(result, (list, dict)):
                self.budget.step(len(result) // 10)
            return result
        except (TemplateError, _Break, _Continue):
            raise
        except TypeError as exc:
            if "positional argument" in str(exc) or "argument" in str(exc):
                raise self.error(f"wrong number of args for {name}") from None
            raise self.error(f"error calling {name}: {exc}") from None
        except (ValueError, KeyError, IndexError, ZeroDivisionError, OverflowError) as exc:
            raise self.error(f"error calling {name}: {exc}") from None
        except RecursionError:
            raise self.error("nested too deeply") from None


class Unknown(TemplateError):
    """A function or field wasmblog does not provide: the shortcode is left out with a warning."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


class _NoFinal:
    __slots__ = ()


_NO_FINAL: Any = _NoFinal()


def _node_text(node: Any) -> str:
    if isinstance(node, NumberNode):
        return node.text
    if isinstance(node, StringNode):
        return node.quoted
    if isinstance(node, BoolNode):
        return "true" if node.value else "false"
    if isinstance(node, DotNode):
        return "."
    if isinstance(node, NilNode):
        return "nil"
    if isinstance(node, (FieldNode,)):
        return "." + ".".join(node.idents)
    if isinstance(node, VariableNode):
        return ".".join(node.idents)
    if isinstance(node, IdentifierNode):
        return node.name
    return "(pipeline)"


def execute(templates: Templates, name: str, data: Any, budget: Budget, env: Any = None) -> str:
    """Template ``name`` run on ``data``: the output (escaped as html/template does in HTML mode)."""
    tree = templates.trees.get(name)
    if tree is None:
        raise TemplateError(f"template: no template {name!r}")
    state = State(templates, budget, env, vars=[("$", data)], tree=tree)
    try:
        state.walk(data, tree.root)
    except RecursionError:
        raise TemplateError(f"template: {name}: nested too deeply") from None
    if templates.html:
        esc.end_check(state.context, name)
    return "".join(state.out)


__all__ = ["Budget", "Func", "GoError", "State", "Templates", "TemplateError", "Unknown", "execute", "is_true"]
