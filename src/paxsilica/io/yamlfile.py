"""The one YAML loader: every YAML input (scenarios, plans, rule packs, the catalogue,
service bodies) is read by :func:`load_yaml`.

PyYAML's ``safe_load`` is safe against code execution but not against a hostile
document: duplicate keys silently keep the last value, an alias "bomb" (an anchor
repeated nine times, ten levels deep) expands to billions of nodes that every consumer
then walks, deep nesting exhausts the interpreter's recursion, ``2026-02-30`` or a
100 000-digit integer end in a bare ``ValueError``. Here each of these is a
:class:`~paxsilica.errors.ValidationError` naming the file, the line and the key:

- the safe loader only (no Python tags);
- text must be UTF-8 (a UTF-8 byte-order mark is dropped); other bytes are named with
  their offset and line;
- a mapping may not repeat a key (merge keys ``<<`` may still be overridden);
- at most :data:`MAX_NESTING` levels of lists and mappings, counted while parsing (before
  Python recursion is at risk) and again through aliases;
- at most :data:`MAX_NODES` nodes once aliases are expanded, counted on the parsed node
  graph (each node once, so the check costs the file's size, not its expansion); an alias
  to an enclosing node (a cycle) is refused;
- a value that cannot be built (an impossible date, an integer too long) names its key.

:meth:`YamlDocument.line_of` gives the line of a key path (``projects[2].capacity`` or
pydantic's ``events.0.start``), so validation errors found later can name it too
(:func:`with_lines`).

Example:
    >>> load_yaml("a: 1\\nb: [x, y]\\n").data
    {'a': 1, 'b': ['x', 'y']}
    >>> load_yaml("a: 1\\nb: 2\\na: 3\\n", "s.yaml").data
    Traceback (most recent call last):
    ...
    paxsilica.errors.ValidationError: s.yaml row 3, field 'a': duplicate key 'a' (first on line 1)
    >>> load_yaml("d: 2026-02-30\\n", "s.yaml").data
    Traceback (most recent call last):
    ...
    paxsilica.errors.ValidationError: s.yaml row 1, field 'd': cannot read the value: day is out of range for month
    >>> load_yaml("x:\\n  y: [1, 2]\\n").line_of("x.y[1]")
    2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from paxsilica.errors import RowError, ValidationError
from paxsilica.limits import MAX_NESTING, MAX_NODES

__all__ = ["MAX_NESTING", "MAX_NODES", "YamlDocument", "decode_utf8", "load_yaml", "with_lines"]

_MERGE = "tag:yaml.org,2002:merge"


class _RefusedError(Exception):
    """A structural limit crossed while parsing (carries the reason and where)."""

    def __init__(self, reason: str, node_or_mark: object) -> None:
        super().__init__(reason)
        self.reason, self.where = reason, node_or_mark


class _BadValueError(Exception):
    """A scalar whose Python value cannot be built (carries its node)."""

    def __init__(self, reason: str, node: Node) -> None:
        super().__init__(reason)
        self.reason, self.node = reason, node


class _Loader(yaml.SafeLoader):
    """The safe loader, counting nesting while composing and naming bad values."""

    max_depth = MAX_NESTING

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: object) -> Node:
        collection = self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent)
        if collection:
            self._depth += 1
            if self._depth > self.max_depth:
                raise _RefusedError(f"nested more than {self.max_depth} levels deep",
                               self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            if collection:
                self._depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> object:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError, TypeError) as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise _BadValueError(f"cannot read the value: {reason}", node) from None


class _TextDatesLoader(_Loader):
    """:class:`_Loader` without implicit dates: ``2026-02-30`` stays text, for record
    validation to report at its row and field."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlDocument:
    """A loaded YAML document: its Python ``data``, the ``name`` errors use for it, and the
    1-based line of every key path (``a.b[2].c``)."""

    data: object
    name: str
    lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str | None) -> int | None:
        """The line of ``key`` (or of its closest enclosing key); ``events.0.start`` and
        ``events[0].start`` are the same key."""
        key = _bracketed(key or "")
        while key:
            if key in self.lines:
                return self.lines[key]
            cut = max(key.rfind("."), key.rfind("["))
            key = key[:cut] if cut > 0 else ""
        return None


def _bracketed(key: str) -> str:
    """``events.0.start`` → ``events[0].start`` (pydantic's locations to our key paths)."""
    parts = key.split(".")
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() and text else (f".{part}" if text else part)
    return text


def with_lines(error: ValidationError, document: YamlDocument) -> ValidationError:
    """``error`` with the document's line on each problem that names a key but no row."""
    return ValidationError([
        RowError(e.file, e.row if e.row is not None else document.line_of(e.field), e.field, e.reason)
        for e in error.errors])


def decode_utf8(data: bytes, name: str) -> str:
    """``data`` as UTF-8 text (a byte-order mark dropped); other bytes are an error naming
    the byte, its offset and its line.

    >>> decode_utf8(b"a\\nb\\xff", "f.yaml")
    Traceback (most recent call last):
    ...
    paxsilica.errors.ValidationError: f.yaml row 2: not valid UTF-8 (byte 0xff at offset 3); save the file as UTF-8
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            [RowError(name, line, None,
                      f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                      "save the file as UTF-8")]) from None


class _Walk:
    """One pass over the composed node graph: key lines, duplicate keys, expanded size and
    depth (memoised per node, so aliases cost nothing), cycles."""

    def __init__(self, loader: _Loader, name: str, max_nodes: int, max_depth: int) -> None:
        self.loader, self.name = loader, name
        self.max_nodes, self.max_depth = max_nodes, max_depth
        self.lines: dict[str, int] = {}
        self.paths: dict[int, str] = {}
        self.measured: dict[int, tuple[int, int]] = {}
        self.active: set[int] = set()

    def fail(self, node: Node, path: str, reason: str) -> None:
        raise ValidationError([RowError(self.name, node.start_mark.line + 1, path or None, reason)])

    def visit(self, node: Node, path: str, level: int) -> tuple[int, int]:
        """(expanded nodes, expanded depth) of ``node`` reached at nesting ``level``."""
        key = id(node)
        if key in self.active:
            self.fail(node, path, "an alias refers to a node that contains it (a cycle)")
        if key in self.measured:
            size, depth = self.measured[key]
        else:
            self.paths[key] = path
            self.active.add(key)
            size, depth = self._children(node, path, level)
            self.active.discard(key)
            self.measured[key] = size, depth
        if level - 1 + depth > self.max_depth:
            self.fail(node, path, f"nested more than {self.max_depth} levels deep (through aliases)")
        return size, depth

    def _children(self, node: Node, path: str, level: int) -> tuple[int, int]:
        if isinstance(node, ScalarNode):
            return 1, 0
        size, deepest = 1, 0
        if isinstance(node, SequenceNode):
            pairs = [(f"{path}[{n}]", child) for n, child in enumerate(node.value)]
            for child_path, child in pairs:
                self.lines.setdefault(child_path, child.start_mark.line + 1)
        elif isinstance(node, MappingNode):
            pairs = self._keys(node, path)
        else:  # pragma: no cover - the composer makes only these three
            return 1, 0
        for child_path, child in pairs:
            child_size, child_depth = self.visit(child, child_path, level + 1)
            size += child_size
            deepest = max(deepest, child_depth)
            if size > self.max_nodes:
                self.fail(node, path, f"more than {self.max_nodes:,} values once aliases are "
                                      "expanded (an alias bomb?)")
        return size, deepest + 1

    def _keys(self, node: MappingNode, path: str) -> list[tuple[str, Node]]:
        seen: dict[object, int] = {}
        pairs = []
        for key_node, value in node.value:
            if key_node.tag == _MERGE:
                pairs.append((path, value))
                continue
            label = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            child = f"{path}.{label}" if path else label
            if isinstance(key_node, ScalarNode):
                try:
                    identity: object = (self.loader.construct_object(key_node), key_node.tag)
                    hash(identity)
                except (_BadValueError, yaml.YAMLError, TypeError):
                    identity = (key_node.tag, key_node.value)
                line = key_node.start_mark.line + 1
                if identity in seen:
                    self.fail(key_node, child, f"duplicate key {label!r} (first on line {seen[identity]})")
                seen[identity] = line
                self.lines.setdefault(child, line)
            pairs.append((child, key_node))
            pairs.append((child, value))
        return pairs


def _syntax_error(exc: yaml.YAMLError, name: str) -> ValidationError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
    context = getattr(exc, "context", None)
    if context and problem.startswith("but "):  # "expected a single document…, but found…"
        problem = f"{context}, {problem}"
    where = f" (column {mark.column + 1})" if mark is not None else ""
    return ValidationError([RowError(name, mark.line + 1 if mark is not None else None, None,
                                     f"not valid YAML: {problem}{where}")])


def load_yaml(source: str | bytes | Path, name: str | None = None, *,
              max_depth: int = MAX_NESTING, max_nodes: int = MAX_NODES,
              dates: bool = True) -> YamlDocument:
    """Parse one YAML document from text, bytes (UTF-8) or a file.

    ``name`` is what errors call the input (default: the path, else ``<yaml>``). With
    ``dates=False``, ``2026-01-01`` stays a string (for record files, whose validation
    reports bad dates at their row).

    Raises:
        ValidationError: the file cannot be read, is not UTF-8 or not YAML, repeats a key,
            nests deeper than ``max_depth``, expands to more than ``max_nodes`` values,
            has a cyclic alias or a value that cannot be built; one problem, naming the
            line and (where there is one) the key.
    """
    if isinstance(source, Path):
        name = name or str(source)
        try:
            source = source.read_bytes()
        except FileNotFoundError:
            raise ValidationError([RowError(name, None, None, "cannot read: file not found")]) from None
        except OSError as exc:
            reason = "is a directory, not a file" if source.is_dir() else f"cannot read: {exc.strerror or exc}"
            raise ValidationError([RowError(name, None, None, reason)]) from None
    name = name or "<yaml>"
    text = decode_utf8(source, name) if isinstance(source, bytes) else source
    try:
        loader = (_Loader if dates else _TextDatesLoader)(text)
    except yaml.reader.ReaderError as exc:  # a control character, checked up front
        line = text[: exc.position].count("\n") + 1
        raise ValidationError([RowError(name, line, None, f"not valid YAML: character "
                                        f"#x{exc.character:04x} is not allowed")]) from None
    loader.max_depth = max_depth
    walk = _Walk(loader, name, max_nodes, max_depth)
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlDocument(None, name)
        walk.visit(root, "", 1)
        data = loader.construct_document(root)
    except _RefusedError as exc:
        mark = exc.where
        raise ValidationError([RowError(name, mark.line + 1, None, exc.reason)]) from None  # type: ignore[attr-defined]
    except _BadValueError as exc:
        path = walk.paths.get(id(exc.node))
        raise ValidationError([RowError(name, exc.node.start_mark.line + 1, path or None,
                                        exc.reason)]) from None
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, name) from None
    except RecursionError:  # a limit above the interpreter's stack; never with the defaults
        raise ValidationError([RowError(name, None, None, "nested too deeply")]) from None
    finally:
        loader.dispose()
    return YamlDocument(data, name, walk.lines)
