"""Go's ``text/template`` syntax: the lexer and the parser to Go's parse tree.

A port of ``text/template/parse`` (``lex.go``, ``parse.go``, ``node.go``):
actions, pipelines, variables (``$x :=``, ``$x =``), ``if``/``with``/``range``
with ``else``, ``else if`` and ``else with``, ``break``/``continue``,
``define``/``template``/``block``, comments, and the trim markers ``{{-``
and ``-}}``. Errors are :class:`TemplateError` with Go's wording and the
template line, so a site author can find them.

Function names are not checked here (Go checks them at parse time): a name
that is not known is recorded on the tree (``Tree.unknown``), so that the
caller can say, at the shortcode's line, which function is not supported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..ucd import unassigned
from .values import TemplateError

_DIGITS = "0123456789"  # Go's lexer: ASCII digits (str.isdigit knows more, and more on a newer Python)

MAX_PARSE_DEPTH = 100  # nesting of blocks and parentheses in one template (Go: 10,000 natively)
MAX_TEMPLATE_CHARS = 1_000_000


# -- lexer ----------------------------------------------------------------------------------------

# Item kinds.
EOF, ERROR, TEXT, COMMENT, LEFT, RIGHT, SPACE, IDENT, FIELD, VARIABLE, STRING, RAW, CHAR, NUMBER, BOOL, NIL, \
    DOT, PIPE, LPAREN, RPAREN, DECLARE, ASSIGN, COMMA, KEYWORD = range(24)

KEYWORDS = frozenset(["block", "break", "continue", "define", "else", "end", "if", "range", "template", "with"])


@dataclass(frozen=True)
class Item:
    kind: int
    val: str
    pos: int
    line: int


_NUMBER = re.compile(
    r"[+-]?(?:0[xX](?:_?[0-9a-fA-F])+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?"
    r"|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+"
    r"|(?:[0-9](?:_?[0-9])*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?")
_ALNUM = re.compile(r"[A-Za-z0-9_\u00c0-\U0010ffff]*")
_SPACES = " \t\r\n"


class _Lexer:
    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self.items: list[Item] = []
        self.pos = 0
        self.line = 1
        self.paren = 0

    def error(self, message: str, line: int | None = None) -> TemplateError:
        return TemplateError(f"template: {self.name}:{line or self.line}: {message}")

    def emit(self, kind: int, start: int, end: int, line: int) -> None:
        self.items.append(Item(kind, self.text[start:end], start, line))

    def run(self) -> list[Item]:
        text = self.text
        while self.pos < len(text):
            start = self.pos
            at = text.find("{{", start)
            if at < 0:
                self.emit(TEXT, start, len(text), self.line)
                self.line += text.count("\n", start)
                self.pos = len(text)
                break
            trim = text.startswith("{{-", at) and at + 3 < len(text) and text[at + 3] in _SPACES
            end = at
            if trim:
                while end > start and text[end - 1] in _SPACES:
                    end -= 1
            if end > start:
                self.emit(TEXT, start, end, self.line)
            self.line += text.count("\n", start, at)
            self.pos = at + (4 if trim else 2)
            self.lex_action(at)
        self.items.append(Item(EOF, "", len(text), self.line))
        return self.items

    def right_trim(self, at: int) -> bool:
        return at >= 1 and self.text[at - 1] in _SPACES and self.text.startswith("-}}", at)

    def after_right(self, at: int, trimmed: bool) -> None:
        """Move past ``}}`` at ``at`` (``-}}`` when ``trimmed``), eating spaces after a trim marker."""
        self.pos = at + (3 if trimmed else 2)
        if trimmed:
            while self.pos < len(self.text) and self.text[self.pos] in _SPACES:
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1

    def lex_action(self, left: int) -> None:
        text = self.text
        # A comment: {{/* ... */}}, with optional trim markers.
        if text.startswith("/*", self.pos):
            end = text.find("*/", self.pos + 2)
            if end < 0:
                raise self.error("unclosed comment")
            line = self.line
            self.line += text.count("\n", self.pos, end)
            at = end + 2
            trimmed = False
            if text.startswith(" -}}", at) or text.startswith("\t-}}", at) or text.startswith("\n-}}", at) \
                    or text.startswith("\r-}}", at):
                at += 1
                trimmed = True
            if not text.startswith("}}", at) and not trimmed:
                raise self.error("comment ends before closing delimiter")
            self.emit(COMMENT, self.pos, end + 2, line)
            self.after_right(at, trimmed)
            return
        self.items.append(Item(LEFT, "{{", left, self.line))
        self.paren = 0
        while True:
            if self.pos >= len(text):
                raise self.error("unclosed action")
            c = text[self.pos]
            if c in _SPACES:
                start = self.pos
                while self.pos < len(text) and text[self.pos] in _SPACES:
                    self.pos += 1
                newlines = text.count("\n", start, self.pos)
                if text.startswith("-}}", self.pos):
                    if self.paren:
                        raise self.error("unclosed left paren")
                    self.items.append(Item(RIGHT, "}}", self.pos, self.line))
                    self.line += newlines
                    self.after_right(self.pos, True)
                    return
                self.emit(SPACE, start, self.pos, self.line)
                self.line += newlines
                continue
            if text.startswith("}}", self.pos):
                if self.paren:
                    raise self.error("unclosed left paren")
                self.items.append(Item(RIGHT, "}}", self.pos, self.line))
                self.after_right(self.pos, False)
                return
            start = self.pos
            if c == "/" and text.startswith("/*", self.pos):
                raise self.error("comment must be the whole action")
            if c == ":":
                if not text.startswith(":=", self.pos):
                    raise self.error("expected :=")
                self.pos += 2
                self.emit(DECLARE, start, self.pos, self.line)
            elif c == "=":
                self.pos += 1
                self.emit(ASSIGN, start, self.pos, self.line)
            elif c == "|":
                self.pos += 1
                self.emit(PIPE, start, self.pos, self.line)
            elif c == ",":
                self.pos += 1
                self.emit(COMMA, start, self.pos, self.line)
            elif c == '"':
                self.pos += 1
                while True:
                    if self.pos >= len(text) or text[self.pos] == "\n":
                        raise self.error("unterminated quoted string")
                    if text[self.pos] == "\\":
                        self.pos += 2
                        continue
                    if text[self.pos] == '"':
                        self.pos += 1
                        break
                    self.pos += 1
                self.emit(STRING, start, self.pos, self.line)
            elif c == "`":
                end = text.find("`", self.pos + 1)
                if end < 0:
                    raise self.error("unterminated raw quoted string")
                self.pos = end + 1
                self.emit(RAW, start, self.pos, self.line)
                self.line += text.count("\n", start, self.pos)
            elif c == "'":
                self.pos += 1
                while True:
                    if self.pos >= len(text) or text[self.pos] == "\n":
                        raise self.error("unterminated character constant")
                    if text[self.pos] == "\\":
                        self.pos += 2
                        continue
                    if text[self.pos] == "'":
                        self.pos += 1
                        break
                    self.pos += 1
                self.emit(CHAR, start, self.pos, self.line)
            elif c == "$":
                self.pos += 1
                m = _ALNUM.match(text, self.pos)
                self.pos = m.end() if m else self.pos
                self.emit(VARIABLE, start, self.pos, self.line)
            elif c == ".":
                if self.pos + 1 < len(text) and text[self.pos + 1] in _DIGITS:
                    self.lex_number()
                else:
                    self.pos += 1
                    m = _ALNUM.match(text, self.pos)
                    if m and m.end() > self.pos:
                        self.pos = m.end()
                        self.emit(FIELD, start, self.pos, self.line)
                    else:
                        self.emit(DOT, start, self.pos, self.line)
            elif c in "+-" or c in _DIGITS:
                self.lex_number()
            elif (c.isalpha() and not unassigned(c)) or c == "_":  # (letters of Unicode 14: the same on every Python)
                m = _ALNUM.match(text, self.pos)
                assert m is not None
                self.pos = m.end()
                word = text[start:self.pos]
                if self.pos < len(text) and text[self.pos] not in _SPACES + ".,|:)=}" and \
                        not text.startswith("-}}", self.pos):
                    raise self.error(f"bad character {text[self.pos]!r}")
                if word in KEYWORDS:
                    self.emit(KEYWORD, start, self.pos, self.line)
                elif word in ("true", "false"):
                    self.emit(BOOL, start, self.pos, self.line)
                elif word == "nil":
                    self.emit(NIL, start, self.pos, self.line)
                else:
                    self.emit(IDENT, start, self.pos, self.line)
            elif c == "(":
                self.paren += 1
                self.pos += 1
                self.emit(LPAREN, start, self.pos, self.line)
            elif c == ")":
                self.paren -= 1
                if self.paren < 0:
                    raise self.error("unexpected right paren")
                self.pos += 1
                self.emit(RPAREN, start, self.pos, self.line)
            else:
                raise self.error(f"unrecognized character in action: {c!r}")

    def lex_number(self) -> None:
        start = self.pos
        m = _NUMBER.match(self.text, self.pos)
        end = m.end() if m else self.pos
        if end == start or (end == start + 1 and self.text[start] in "+-."):
            raise self.error(f"bad number syntax: {self.text[start:start + 10]!r}")
        if end < len(self.text) and (self.text[end].isalnum() or self.text[end] == "_") and not unassigned(self.text[end]):
            raise self.error(f"bad number syntax: {self.text[start:end + 1]!r}")
        self.pos = end
        self.emit(NUMBER, start, end, self.line)


# -- nodes ----------------------------------------------------------------------------------------


@dataclass(eq=False)
class TextNode:
    text: str
    line: int


@dataclass(eq=False)
class CommentNode:
    line: int


@dataclass(eq=False)
class DotNode:
    line: int


@dataclass(eq=False)
class NilNode:
    line: int


@dataclass(eq=False)
class BoolNode:
    value: bool
    line: int


@dataclass(eq=False)
class NumberNode:
    value: int | float | str  # str: a complex number, which wasmblog does not compute with
    text: str
    line: int


@dataclass(eq=False)
class StringNode:
    value: str
    quoted: str
    line: int


@dataclass(eq=False)
class IdentifierNode:
    name: str
    line: int


@dataclass(eq=False)
class VariableNode:
    idents: list[str]  # "$x", then fields
    line: int


@dataclass(eq=False)
class FieldNode:
    idents: list[str]
    line: int


@dataclass(eq=False)
class ChainNode:
    node: Arg
    fields: list[str]
    line: int


@dataclass(eq=False)
class CommandNode:
    args: list[Arg]
    line: int


@dataclass(eq=False)
class PipeNode:
    decl: list[VariableNode]
    is_assign: bool
    cmds: list[CommandNode]
    line: int


@dataclass(eq=False)
class ActionNode:
    pipe: PipeNode
    line: int


@dataclass(eq=False)
class ListNode:
    nodes: list[Node] = field(default_factory=list)


@dataclass(eq=False)
class BranchNode:
    kind: str  # if, with, range
    pipe: PipeNode
    list: ListNode
    else_list: ListNode | None
    line: int


@dataclass(eq=False)
class TemplateNode:
    name: str
    pipe: PipeNode | None
    line: int


@dataclass(eq=False)
class BreakNode:
    line: int


@dataclass(eq=False)
class ContinueNode:
    line: int


Arg = (DotNode | NilNode | BoolNode | NumberNode | StringNode | IdentifierNode | VariableNode | FieldNode
       | ChainNode | PipeNode)
Node = TextNode | CommentNode | ActionNode | BranchNode | TemplateNode | BreakNode | ContinueNode | ListNode


@dataclass
class Tree:
    """One parsed template: its name, root list, and the functions it names that are not known."""

    name: str
    root: ListNode
    unknown: dict[str, int] = field(default_factory=dict)  # function name -> first line


# -- parser ---------------------------------------------------------------------------------------


_ESCAPE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'",
           '"': '"'}


def unquote(text: str) -> str:
    """A Go string literal's value (strconv.Unquote)."""
    if text.startswith("`"):
        return text[1:-1].replace("\r", "")
    body = text[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError("bad escape")
        e = body[i + 1]
        if e in _ESCAPE:
            out.append(_ESCAPE[e])
            i += 2
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i + 2:i + 2 + n]
            if len(digits) != n or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise ValueError("bad escape")
            code = int(digits, 16)
            if e == "x":
                out.append(chr(code))  # a byte; Go strings are bytes: close enough for text
            else:
                if code > 0x10FFFF or 0xD800 <= code < 0xE000:
                    raise ValueError("bad escape")
                out.append(chr(code))
            i += 2 + n
        elif e in "01234567":
            digits = body[i + 1:i + 4]
            if len(digits) != 3 or not all(d in "01234567" for d in digits):
                raise ValueError("bad escape")
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            raise ValueError("bad escape")
    return "".join(out)


def parse_number(text: str) -> int | float | str:
    """A number literal's value: int when it is an integer, else float (Go's idealConstant for any)."""
    t = text.replace("_", "")
    if t.endswith("i"):
        return text  # complex: kept as text
    if len(t) >= 3 and t[0] == "'" and t[-1] == "'":
        return ord(unquote('"' + t[1:-1] + '"'))
    sign = -1 if t.startswith("-") else 1
    body = t.lstrip("+-")
    low = body.lower()
    try:
        if low.startswith("0x"):
            if "." in low or "p" in low:
                return sign * float.fromhex(body)
            return sign * int(low[2:], 16)
        if low.startswith("0b"):
            return sign * int(low[2:], 2)
        if low.startswith("0o"):
            return sign * int(low[2:], 8)
        if "." in low or "e" in low:
            return sign * float(body)
        if len(low) > 1 and low.startswith("0"):
            return sign * int(low[1:], 8)
        return sign * int(low)
    except ValueError:
        raise ValueError(f"illegal number syntax: {text!r}") from None


class Parser:
    """Parses one template text into trees: the template itself and every ``define``/``block`` in it."""

    def __init__(self, name: str, text: str, funcs: set[str] | frozenset[str]) -> None:
        if len(text) > MAX_TEMPLATE_CHARS:
            raise TemplateError(f"template: {name}: longer than {MAX_TEMPLATE_CHARS:,} characters")
        self.name = name
        self.items = _Lexer(name, text).run()
        self.i = 0
        self.funcs = funcs
        self.trees: dict[str, Tree] = {}
        self.vars: list[str] = ["$"]
        self.depth = 0
        self.range_depth = 0
        self.blocks = 0
        self.tree = Tree(name, ListNode())
        self.top = self.tree

    # -- item access

    def peek(self) -> Item:
        return self.items[self.i]

    def next(self) -> Item:
        item = self.items[self.i]
        if item.kind != EOF:
            self.i += 1
        return item

    def peek_non_space(self) -> Item:
        while self.items[self.i].kind == SPACE:
            self.i += 1
        return self.items[self.i]

    def next_non_space(self) -> Item:
        item = self.peek_non_space()
        return self.next() if item.kind != EOF else item

    def error(self, message: str, line: int | None = None) -> TemplateError:
        item = self.items[max(0, self.i - 1)]
        return TemplateError(f"template: {self.tree.name}:{line or item.line}: {message}")

    def expect(self, kind: int, context: str) -> Item:
        item = self.next_non_space()
        if item.kind != kind:
            raise self.unexpected(item, context)
        return item

    def unexpected(self, item: Item, context: str) -> TemplateError:
        if item.kind == ERROR:
            return self.error(item.val, item.line)
        what = "EOF" if item.kind == EOF else f"{item.val!r}" if item.kind != RIGHT else '"}}"'
        return self.error(f"unexpected {what} in {context}", item.line)

    # -- top level

    def parse(self) -> dict[str, Tree]:
        root = self.tree.root
        self.top = self.tree
        while self.peek().kind != EOF:
            node = self.text_or_action()
            if isinstance(node, str):
                raise self.error(f"unexpected {{{{{node}}}}}")
            if node is not None:
                root.nodes.append(node)
        self.add(self.tree)
        return self.trees

    def add(self, tree: Tree) -> None:
        existing = self.trees.get(tree.name)
        if existing is not None and _non_empty(existing.root) and _non_empty(tree.root):
            raise TemplateError(f"template: multiple definition of template {tree.name!r}")
        if existing is None or _non_empty(tree.root):
            self.trees[tree.name] = tree

    def parse_definition(self, line: int) -> None:
        name_item = self.next_non_space()
        if name_item.kind not in (STRING, RAW):
            raise self.unexpected(name_item, "define clause")
        name = unquote(name_item.val)
        self.expect(RIGHT, "define clause")
        outer, outer_vars = self.tree, self.vars
        self.tree, self.vars = Tree(name, ListNode()), ["$"]
        body, end = self.item_list("define")
        if end != "end":
            raise self.error(f"unexpected {{{{{end}}}}} in define")
        self.tree.root = body
        self.add(self.tree)
        outer.unknown.update({k: v for k, v in self.tree.unknown.items() if k not in outer.unknown})
        self.tree, self.vars = outer, outer_vars

    def item_list(self, context: str) -> tuple[ListNode, str]:
        """Nodes up to an ``{{end}}`` or ``{{else ...}}``: the list and which keyword ended it."""
        nodes = ListNode()
        while True:
            if self.peek_non_space().kind == EOF:
                raise self.error(f"unexpected EOF in {context}")
            node = self.text_or_action()
            if isinstance(node, str):
                return nodes, node
            if node is not None:
                nodes.nodes.append(node)

    def text_or_action(self) -> Node | str | None:
        item = self.next_non_space() if self.peek().kind == SPACE else self.next()
        if item.kind == TEXT:
            return TextNode(item.val, item.line)
        if item.kind == COMMENT:
            return CommentNode(item.line)
        if item.kind == LEFT:
            self.depth += 1
            if self.depth > MAX_PARSE_DEPTH:
                raise self.error(f"nested more than {MAX_PARSE_DEPTH} deep")
            try:
                return self.action(item.line)
            finally:
                self.depth -= 1
        raise self.unexpected(item, "input")

    def action(self, line: int) -> Node | str | None:
        item = self.peek_non_space()
        if item.kind == KEYWORD:
            self.next_non_space()
            word = item.val
            if word == "end":
                self.expect(RIGHT, "end")
                return "end"
            if word == "else":
                nxt = self.peek_non_space()
                if nxt.kind == KEYWORD and nxt.val in ("if", "with"):
                    return "else " + nxt.val  # the keyword is read by the branch
                self.expect(RIGHT, "else")
                return "else"
            if word in ("if", "with", "range"):
                return self.branch(word, line)
            if word == "template":
                return self.template_control(line)
            if word == "block":
                return self.block_control(line)
            if word == "define":
                if self.tree is not self.top or self.blocks:
                    raise self.error("unexpected define: a define must be at the top level", line)
                self.parse_definition(line)
                return None
            if word in ("break", "continue"):
                if not self.range_depth:
                    raise self.error(f"{{{{{word}}}}} outside {{{{range}}}}", line)
                self.expect(RIGHT, word)
                return BreakNode(line) if word == "break" else ContinueNode(line)
        pipe = self.pipeline("command", RIGHT)
        return ActionNode(pipe, line)

    def branch(self, kind: str, line: int) -> BranchNode:
        saved = len(self.vars)
        self.blocks += 1
        try:
            return self._branch(kind, line, saved)
        finally:
            self.blocks -= 1

    def _branch(self, kind: str, line: int, saved: int) -> BranchNode:
        pipe = self.pipeline(kind, RIGHT)
        if kind == "range":
            self.range_depth += 1
        body, end = self.item_list(kind)
        if kind == "range":
            self.range_depth -= 1
        else_list = None
        if end in ("else if", "else with"):
            if kind == "range":
                raise self.error(f"unexpected {{{{{end}}}}} in range")
            kw = self.next_non_space()  # the "if" or "with" after else
            nested = self.branch(kw.val, kw.line)
            else_list = ListNode([nested])
        elif end == "else":
            else_list, end = self.item_list(kind)
            if end != "end":
                raise self.error(f"expected end; found {{{{{end}}}}}")
        del self.vars[saved:]
        return BranchNode(kind, pipe, body, else_list, line)

    def template_control(self, line: int) -> TemplateNode:
        item = self.next_non_space()
        if item.kind not in (STRING, RAW):
            raise self.unexpected(item, "template clause")
        name = unquote(item.val)
        pipe = None
        if self.peek_non_space().kind != RIGHT:
            pipe = self.pipeline("template clause", RIGHT)
        else:
            self.next_non_space()
        return TemplateNode(name, pipe, line)

    def block_control(self, line: int) -> TemplateNode:
        item = self.next_non_space()
        if item.kind not in (STRING, RAW):
            raise self.unexpected(item, "block clause")
        name = unquote(item.val)
        pipe = self.pipeline("block clause", RIGHT)
        outer, outer_vars = self.tree, self.vars
        self.tree, self.vars = Tree(name, ListNode()), ["$"]
        body, end = self.item_list("block")
        if end != "end":
            raise self.error(f"unexpected {{{{{end}}}}} in block")
        self.tree.root = body
        self.add(self.tree)
        outer.unknown.update({k: v for k, v in self.tree.unknown.items() if k not in outer.unknown})
        self.tree, self.vars = outer, outer_vars
        return TemplateNode(name, pipe, line)

    # -- pipelines

    def pipeline(self, context: str, end: int) -> PipeNode:
        line = self.peek_non_space().line
        decl: list[VariableNode] = []
        is_assign = False
        save = self.i
        v = self.peek_non_space()
        if v.kind == VARIABLE:
            self.next_non_space()
            nxt = self.peek_non_space()
            if nxt.kind in (DECLARE, ASSIGN):
                self.next_non_space()
                is_assign = nxt.kind == ASSIGN
                decl.append(VariableNode([v.val], v.line))
                if not is_assign:
                    self.vars.append(v.val)
                elif v.val not in self.vars:
                    raise self.error(f'undefined variable "{v.val}"', v.line)
            elif nxt.kind == COMMA and context == "range":
                self.next_non_space()
                w = self.next_non_space()
                if w.kind != VARIABLE:
                    raise self.error("range can only initialize variables", w.line)
                op = self.next_non_space()
                if op.kind not in (DECLARE, ASSIGN):
                    raise self.unexpected(op, "range")
                is_assign = op.kind == ASSIGN
                decl = [VariableNode([v.val], v.line), VariableNode([w.val], w.line)]
                if not is_assign:
                    self.vars.extend([v.val, w.val])
            else:
                self.i = save
        cmds: list[CommandNode] = []
        while True:
            item = self.peek_non_space()
            if item.kind == end:
                self.next_non_space()
                if not cmds:
                    raise self.error(f"missing value for {context}", item.line)
                break
            if item.kind in (BOOL, CHAR, DOT, FIELD, IDENT, NUMBER, NIL, RAW, STRING, VARIABLE, LPAREN):
                cmds.append(self.command(end))
            else:
                raise self.unexpected(item, context)
        for k, cmd in enumerate(cmds[1:], 1):
            first = cmd.args[0]
            if isinstance(first, (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                raise self.error(f"non executable command in pipeline stage {k + 1}", cmd.line)
        return PipeNode(decl, is_assign, cmds, line)

    def command(self, end: int) -> CommandNode:
        line = self.peek_non_space().line
        args: list[Arg] = []
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                args.append(operand)
            item = self.peek()
            if item.kind == SPACE:
                self.next()
                continue
            if item.kind == end or item.kind == RPAREN:
                break
            if item.kind == PIPE:
                self.next()
                break
            if operand is None:
                raise self.unexpected(item, "operand")
            raise self.unexpected(item, "operand")
        if not args:
            raise self.error("empty command", line)
        return CommandNode(args, line)

    def operand(self) -> Arg | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().kind == FIELD:
            fields: list[str] = []
            while self.peek().kind == FIELD:
                fields.append(self.next().val[1:])
            if isinstance(node, IdentifierNode):
                # Hugo's namespaces: `strings.ToLower` is one function (Go calls the namespace's method).
                name = node.name + "." + fields[0]
                if name in self.funcs or node.name not in self.funcs:
                    node, fields = IdentifierNode(name, node.line), fields[1:]
                    self.note_function(node)
                    if not fields:
                        return node
            if isinstance(node, FieldNode):
                node = FieldNode(node.idents + fields, node.line)
            elif isinstance(node, VariableNode):
                node = VariableNode(node.idents + fields, node.line)
            elif isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                raise self.error(f"unexpected . after term {self.items[self.i - len(fields) - 1].val!r}")
            else:
                node = ChainNode(node, fields, node.line)
        return node

    def note_function(self, node: IdentifierNode) -> None:
        if node.name not in self.funcs and node.name not in self.tree.unknown:
            self.tree.unknown[node.name] = node.line

    def term(self) -> Arg | None:
        item = self.next_non_space()
        if item.kind == IDENT:
            node = IdentifierNode(item.val, item.line)
            if self.peek().kind != FIELD:
                self.note_function(node)
            return node
        if item.kind == DOT:
            return DotNode(item.line)
        if item.kind == NIL:
            return NilNode(item.line)
        if item.kind == VARIABLE:
            if item.val not in self.vars:
                raise self.error(f'undefined variable "{item.val}"', item.line)
            return VariableNode([item.val], item.line)
        if item.kind == FIELD:
            return FieldNode([item.val[1:]], item.line)
        if item.kind == BOOL:
            return BoolNode(item.val == "true", item.line)
        if item.kind in (CHAR, NUMBER):
            try:
                value = parse_number(item.val)
            except ValueError as exc:
                raise self.error(str(exc), item.line) from None
            return NumberNode(value, item.val, item.line)
        if item.kind == LPAREN:
            self.depth += 1
            if self.depth > MAX_PARSE_DEPTH:
                raise self.error(f"nested more than {MAX_PARSE_DEPTH} deep")
            pipe = self.pipeline("parenthesized pipeline", RPAREN)
            self.depth -= 1
            return pipe
        if item.kind in (STRING, RAW):
            try:
                return StringNode(unquote(item.val), item.val, item.line)
            except ValueError:
                raise self.error(f"bad string syntax: {item.val!r}", item.line) from None
        self.i -= 1
        return None


def _non_empty(root: ListNode) -> bool:
    for node in root.nodes:
        if isinstance(node, TextNode):
            if node.text.strip():
                return True
        elif not isinstance(node, CommentNode):
            return True
    return False


def parse(name: str, text: str, funcs: set[str] | frozenset[str]) -> dict[str, Tree]:
    """The trees of template ``name``: its own under ``name``, and each it defines."""
    return Parser(name, text, funcs).parse()
