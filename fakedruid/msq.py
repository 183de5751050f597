"""SQL-based ingestion (MSQ ``INSERT`` / ``REPLACE``) translated to the ingestion planner's input.

Layer: between the API and the model: it uses sqlglot (a third-party SQL parser, the ``sql`` extra; imported here
only) and the model's planner (:func:`fakedruid.model.ingestion.plan_msq`); it never imports Flask.

The statement is cut into Druid's clauses with sqlglot's tokenizer (``INSERT INTO t`` / ``REPLACE INTO t
OVERWRITE ALL | OVERWRITE WHERE ...``, the query, ``PARTITIONED BY ...``, ``CLUSTERED BY ...``: Druid's own
grammar extensions, which sqlglot's Druid dialect does not parse), and each part is parsed by sqlglot. Only what
decides the published segments is evaluated:

* ``FROM TABLE(EXTERN(inputSource, inputFormat[, signature])) [EXTEND (...)]`` with the ``inline`` and ``local``
  input sources and the ``json``, ``csv`` and ``tsv`` formats;
* the ``__time`` expression: ``TIME_PARSE(col[, format])``, ``MILLIS_TO_TIMESTAMP(col)``, ``TIMESTAMP '...'``
  literals, ``TIME_FLOOR``/``FLOOR(... TO unit)`` of those, and column references;
* ``WHERE`` with ``AND``/``OR``/``NOT``, comparisons, ``IN``, ``BETWEEN``, ``IS [NOT] NULL`` over columns, the
  time functions above and literals; ``LIMIT``;
* other projected columns: column references, literals and ``CAST`` of them (their values feed ``range`` shard
  bounds, and sizes); another expression is accepted but not evaluated (its value is null), unless it is named in
  CLUSTERED BY.

``GROUP BY`` (rollup), ``JOIN``, ``UNION``, ``DISTINCT``, ``OFFSET``, window functions, other table functions
and input sources raise :class:`~fakedruid.errors.NotImplementedByFake` naming the construct; statements Druid
rejects raise :class:`InvalidSqlInput` with Druid's message (``DruidSqlParserUtils``, ``IngestHandler``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import sqlglot
from sqlglot import expressions as exp
from sqlglot.dialects.druid import Druid
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType  # type: ignore[attr-defined]

from fakedruid.errors import FakeDruidError, InvalidSqlInput, NotImplementedByFake, SqlParseError
from fakedruid.model.granularity import (
    ALL,
    Granularity,
    granularity_of,
    period_granularity,
)
from fakedruid.model.ingestion import (
    QUERY_CONTROLLER,
    IngestionSpec,
    InputData,
    MsqOptions,
    Record,
    input_format_from_json,
    input_source_from_json,
)
from fakedruid.model.intervals import (
    ETERNITY,
    MAX_INSTANT,
    MIN_INSTANT,
    Interval,
    condense,
)
from fakedruid.model.timestamps import UnparseableTimestamp, parse_timestamp


class _Dialect(Druid):
    """Druid's dialect, where ``inline`` is Druid's table function rather than sqlglot's INLINE."""

    class Parser(Druid.Parser):  # type: ignore[valid-type,misc]
        FUNCTIONS: ClassVar[dict[str, Any]] = {k: v for k, v in Druid.Parser.FUNCTIONS.items() if k != "INLINE"}


_DIALECT = _Dialect
TIME = "__time"


@dataclass(slots=True)
class MsqStatement:
    """An INSERT or REPLACE, its spec for the planner and its output rows."""

    operation: str  # "INSERT" or "REPLACE"
    spec: IngestionSpec
    #: ``(__time, output columns)`` of each row the SELECT produces, in input order, after WHERE and LIMIT.
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    #: Input rows read, and those the WHERE or an unparseable time dropped.
    rows_read: int = 0
    parse_errors: list[str] = field(default_factory=list)
    _program: _Program | None = field(default=None, repr=False)
    query_id: str | None = None
    sql: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    def payload(self, task_id: str) -> dict[str, Any]:
        """The ``query_controller`` task JSON echoed on ``GET /task/{id}``: the parts a client reads (the
        destination, the SQL and its context); the native query plan Druid also stores is not modelled."""
        spec = self.spec
        assert spec.msq is not None and spec.segment_granularity is not None
        destination: dict[str, Any] = {
            "type": "dataSource",
            "dataSource": spec.datasource,
            "segmentGranularity": spec.segment_granularity.to_json(),
            "replaceTimeChunks": [str(i) for i in spec.msq.replace_intervals] if spec.msq.replace else None,
        }
        return {
            "type": QUERY_CONTROLLER,
            "id": task_id,
            "spec": {"destination": destination, "tuningConfig": {"rowsPerSegment": spec.msq.rows_per_segment}},
            "sqlQuery": self.sql,
            "sqlQueryContext": dict(self.context, sqlQueryId=self.query_id),
            "context": dict(self.context),
            "dataSource": spec.datasource,
        }

    def evaluate(self, data: InputData) -> list[tuple[int, dict[str, Any]]]:
        """Run the SELECT over the input: fills :attr:`rows` (and returns them).

        :raises MsqRowError: for a fault that fails the running task (a null ``__time``).
        """
        assert self._program is not None
        prog = self._program
        self.rows, self.rows_read, self.parse_errors = [], 0, []
        for record in data.records:
            self.rows_read += 1
            if record.values is None:
                self.parse_errors.append(record.error or "Unable to parse row")
                continue
            row = {name: _typed(record.values.get(name), t) for name, t in prog.types.items()}
            if prog.where is not None and prog.where(row) is not True:
                continue
            ts = 0 if prog.time is None else prog.time(row)
            if ts is None:
                # MSQ fails the query on a null __time (InsertTimeNullFault).
                raise MsqRowError("InsertTimeNull: Encountered a null timestamp in the __time field during INSERT "
                                  "or REPLACE.")
            self.rows.append((int(ts), {name: fn(row) for name, fn in prog.outputs}))
            if prog.limit is not None and len(self.rows) >= prog.limit:
                break
        return self.rows


@dataclass(slots=True)
class _Program:
    types: dict[str, str]
    outputs: list[tuple[str, Callable[[dict[str, Any]], Any]]]
    time: Callable[[dict[str, Any]], Any] | None
    where: Callable[[dict[str, Any]], Any] | None
    limit: int | None


# ====================================================================== clause splitting


@dataclass(slots=True)
class _Clauses:
    operation: str
    table: str
    overwrite: str | None  # "ALL", the WHERE condition text, or None
    query: str
    partitioned_by: str | None
    clustered_by: str | None


def _tokens(sql: str) -> list[Token]:
    try:
        return list(_DIALECT().tokenize(sql))
    except TokenError as exc:
        raise SqlParseError(f"Incorrect syntax: {exc}") from None


def _word(token: Token) -> str:
    return token.text.upper() if token.token_type != TokenType.STRING else ""


def split_statement(sql: str) -> _Clauses:
    """Cut ``INSERT``/``REPLACE`` into Druid's clauses (top level only: parentheses are skipped).

    :raises InvalidSqlInput: for a statement that is not an INSERT or REPLACE, or lacks OVERWRITE / PARTITIONED BY.
    :raises SqlParseError: for a statement that does not parse.
    """
    text = sql.strip().rstrip(";").strip()
    toks = _tokens(text)
    if not toks:
        raise SqlParseError("Incorrect syntax: empty statement")
    op = _word(toks[0])
    if op not in ("INSERT", "REPLACE"):
        raise InvalidSqlInput(
            "Cannot execute SELECT with SQL engine [msq-task] unless the query is an INSERT or REPLACE"
            if op in ("SELECT", "WITH") else f"Incorrect syntax near [{toks[0].text}]: expected INSERT or REPLACE"
        )
    if len(toks) < 3 or _word(toks[1]) != "INTO":
        raise SqlParseError(f"Incorrect syntax near [{toks[1].text if len(toks) > 1 else ''}]: expected INTO")
    i = 2
    # The target: an identifier, possibly "druid"."name".
    table_parts = [toks[i].text]
    i += 1
    while i + 1 < len(toks) and toks[i].token_type == TokenType.DOT:
        table_parts.append(toks[i + 1].text)
        i += 2
    if len(table_parts) == 2 and table_parts[0].lower() == "druid":
        table_parts = table_parts[1:]
    if len(table_parts) != 1:
        raise InvalidSqlInput(f"Table [{'.'.join(table_parts)}] does not support operation [{op}] because it is "
                              "not a Druid datasource")
    table = table_parts[0]
    overwrite: str | None = None
    if i < len(toks) and _word(toks[i]) == "OVERWRITE":
        if op != "REPLACE":
            raise SqlParseError("Incorrect syntax near [OVERWRITE]: OVERWRITE is only allowed with REPLACE")
        i += 1
        if i < len(toks) and _word(toks[i]) == "ALL":
            overwrite = "ALL"
            i += 1
        elif i < len(toks) and _word(toks[i]) == "WHERE":
            start = toks[i + 1].start if i + 1 < len(toks) else len(text)
            j = i + 1
            depth = 0
            while j < len(toks):
                t = toks[j]
                if t.token_type == TokenType.L_PAREN:
                    depth += 1
                elif t.token_type == TokenType.R_PAREN:
                    depth -= 1
                elif depth == 0 and _word(t) in ("SELECT", "WITH"):
                    break
                j += 1
            end = toks[j].start if j < len(toks) else len(text)
            overwrite = text[start:end].strip()
            i = j
    if op == "REPLACE" and overwrite is None:
        raise InvalidSqlInput(
            "Missing time chunk information in OVERWRITE clause for REPLACE. Use OVERWRITE WHERE <__time based "
            "condition> or OVERWRITE ALL to overwrite the entire table."
        )
    if i >= len(toks):
        raise SqlParseError("Incorrect syntax: the statement has no query")
    query_start = toks[i].start
    # Find top-level PARTITIONED BY and CLUSTERED BY.
    depth = 0
    part_at = clus_at = None
    for j in range(i, len(toks)):
        t = toks[j]
        if t.token_type == TokenType.L_PAREN:
            depth += 1
        elif t.token_type == TokenType.R_PAREN:
            depth -= 1
        elif depth == 0:
            if t.token_type == TokenType.PARTITION_BY or (
                _word(t) == "PARTITIONED" and j + 1 < len(toks) and _word(toks[j + 1]) == "BY"
            ):
                part_at = part_at if part_at is not None else j
            elif _word(t) == "CLUSTERED" and j + 1 < len(toks) and _word(toks[j + 1]) == "BY":
                clus_at = clus_at if clus_at is not None else j
    ends = [k for k in (part_at, clus_at) if k is not None]
    query_end = toks[min(ends)].start if ends else len(text)
    query = text[query_start:query_end].strip()

    def clause(at: int | None, other: int | None) -> str | None:
        if at is None:
            return None
        skip = 1 if toks[at].token_type == TokenType.PARTITION_BY else 2
        if at + skip - 1 >= len(toks):
            return ""
        start = toks[at + skip].start if at + skip < len(toks) else len(text)
        end = toks[other].start if other is not None and other > at else len(text)
        return text[start:end].strip()

    partitioned = clause(part_at, clus_at)
    clustered = clause(clus_at, part_at)
    if clus_at is not None and part_at is not None and clus_at < part_at:
        raise SqlParseError("Incorrect syntax near [PARTITIONED]: CLUSTERED BY must come after PARTITIONED BY")
    if partitioned is None:
        raise InvalidSqlInput(
            f"Operation [{op}] requires a PARTITIONED BY to be explicitly defined, but none was found."
        )
    return _Clauses(op, table, overwrite, query, partitioned, clustered)


# ====================================================================== PARTITIONED BY


def granularity_of_partitioned_by(text: str) -> Granularity:
    """``DruidSqlParserUtils.convertSqlNodeToGranularity`` for the PARTITIONED BY forms Druid accepts.

    :raises InvalidSqlInput: for anything else.
    """
    words = text.upper().split()
    if words in (["ALL"], ["ALL", "TIME"]):
        return ALL
    if len(words) == 1 and words[0] in ("HOUR", "DAY", "MONTH", "YEAR", "WEEK", "QUARTER", "MINUTE", "SECOND"):
        return granularity_of(words[0])
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] == stripped[-1] == "'":
        return _period(stripped[1:-1], text)
    try:
        node = sqlglot.parse_one(f"SELECT {text}", read=_DIALECT).expressions[0]
    except ParseError:
        node = None
    if isinstance(node, exp.Anonymous) and node.name.upper() == "TIME_FLOOR" and len(node.expressions) == 2:
        col, per = node.expressions
        if isinstance(col, exp.Column) and col.name == TIME and isinstance(per, exp.Literal) and per.is_string:
            return _period(per.this, text)
    if isinstance(node, exp.Floor) and isinstance(node.this, exp.Column) and node.this.name == TIME:
        unit = node.args.get("to")
        if unit is not None:
            return granularity_of(unit.name)
    raise InvalidSqlInput(
        f"Invalid granularity[{text}] specified after PARTITIONED BY clause. Expected HOUR, DAY, MONTH, YEAR, ALL "
        "TIME, FLOOR() or TIME_FLOOR()"
    )


def _period(text: str, clause: str) -> Granularity:
    try:
        return period_granularity(text)
    except (ValueError, NotImplementedByFake):
        raise InvalidSqlInput(
            f"Invalid granularity[{clause}] specified after PARTITIONED BY clause. Expected HOUR, DAY, MONTH, YEAR, "
            "ALL TIME, FLOOR() or TIME_FLOOR()"
        ) from None


def _granularity_text(g: Granularity) -> str:
    """``Granularity.toString`` as the OVERWRITE alignment error prints it."""
    if g.period is None:
        return "AllGranularity" if g.name == "ALL" else "NoneGranularity"
    return f"{{type=period, period={g.period}, timeZone=UTC, origin=null}}"


# ====================================================================== OVERWRITE WHERE


def replace_intervals(overwrite: str, granularity: Granularity) -> list[Interval]:
    """``DruidSqlParserUtils.validateQueryAndConvertToIntervals``: the OVERWRITE range, checked for alignment.

    :raises InvalidSqlInput: for a filter on another column, or an interval not aligned with the granularity.
    """
    if overwrite == "ALL":
        return [ETERNITY]
    try:
        cond = sqlglot.parse_one(f"SELECT 1 WHERE {overwrite}", read=_DIALECT).args["where"].this
    except ParseError as exc:
        raise SqlParseError(f"Incorrect syntax in OVERWRITE WHERE: {exc}") from None
    intervals = condense(_time_ranges(cond))
    if not intervals:
        raise InvalidSqlInput(f"Filter[{overwrite}] on OVERWRITE WHERE clause does not select any time chunk")
    for iv in intervals:
        if granularity.bucket_start(iv.start) != iv.start or (
            iv.end != MAX_INSTANT and granularity.bucket_start(iv.end) != iv.end
        ) or (iv.end == MAX_INSTANT and granularity.name != "ALL"):
            raise InvalidSqlInput(
                f"OVERWRITE WHERE clause identified interval [{iv}] which is not aligned with PARTITIONED BY "
                f"granularity [{_granularity_text(granularity)}]"
            )
    return intervals


def _time_literal(node: exp.Expression) -> int:
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal):
        return _timestamp_literal(node.this.this)
    if isinstance(node, exp.Literal) and node.is_string:
        return _timestamp_literal(node.this)
    if isinstance(node, exp.Literal):
        return int(float(node.this))
    raise InvalidSqlInput(f"OVERWRITE WHERE clause only supports comparisons of __time with TIMESTAMP literals, "
                          f"got [{node.sql(dialect=_DIALECT)}]")


def _timestamp_literal(text: str) -> int:
    try:
        return parse_timestamp(text, "auto")
    except UnparseableTimestamp:
        raise InvalidSqlInput(f"Illegal TIMESTAMP literal '{text}'") from None


def _time_ranges(node: exp.Expression) -> list[Interval]:
    if isinstance(node, exp.Paren):
        return _time_ranges(node.this)
    if isinstance(node, exp.And):
        lhs, rhs = condense(_time_ranges(node.this)), condense(_time_ranges(node.expression))
        out = []
        for a in lhs:
            for b in rhs:
                s, e = max(a.start, b.start), min(a.end, b.end)
                if s < e:
                    out.append(Interval(s, e))
        return out
    if isinstance(node, exp.Or):
        return _time_ranges(node.this) + _time_ranges(node.expression)
    if isinstance(node, exp.Between):
        _check_time_column(node.this, node)
        lo, hi = _time_literal(node.args["low"]), _time_literal(node.args["high"])
        return [Interval(lo, hi + 1)] if lo <= hi else []
    ops = {exp.GTE: ">=", exp.GT: ">", exp.LT: "<", exp.LTE: "<=", exp.EQ: "="}
    for cls, op in ops.items():
        if isinstance(node, cls):
            left, right = node.this, node.expression
            if isinstance(right, exp.Column) and not isinstance(left, exp.Column):
                left, right = right, left
                op = {">=": "<=", ">": "<", "<": ">", "<=": ">=", "=": "="}[op]
            _check_time_column(left, node)
            t = _time_literal(right)
            return [{
                ">=": Interval(t, MAX_INSTANT), ">": Interval(t + 1, MAX_INSTANT),
                "<": Interval(MIN_INSTANT, t), "<=": Interval(MIN_INSTANT, t + 1), "=": Interval(t, t + 1),
            }[op]]
    raise NotImplementedByFake(f"OVERWRITE WHERE construct [{node.sql(dialect=_DIALECT)}] is not implemented")


def _check_time_column(node: exp.Expression, whole: exp.Expression) -> None:
    if not (isinstance(node, exp.Column) and node.name == TIME):
        raise InvalidSqlInput(
            f"OVERWRITE WHERE clause only supports filtering on the __time column, got "
            f"[{whole.sql(dialect=_DIALECT)}]"
        )


# ====================================================================== the query


_Row = dict[str, Any]
_Eval = Callable[[_Row], Any]


def _unsupported(what: str) -> NotImplementedByFake:
    return NotImplementedByFake(f"SQL ingestion: {what} is not implemented by fakedruid")


def _extend_signature(table: exp.Table) -> list[dict[str, Any]]:
    alias = table.args.get("alias")
    out: list[dict[str, Any]] = []
    if isinstance(alias, exp.TableAlias) and alias.name.upper() == "EXTEND" and alias.columns:
        for col in alias.columns:
            out.append({"name": col.name, "type": _sql_type(col.args.get("kind"))})
    return out


#: The table functions Druid has besides EXTERN, inline and localfiles (``*InputSourceDefn``): 501 in the fake.
_OTHER_TABLE_FUNCTIONS = ("http", "s3", "google", "azure", "hdfs")


def _extern(table: exp.Expression) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """The input source, format and signature of ``TABLE(EXTERN(...)) [EXTEND (...)]`` or of the
    ``TABLE(inline(...))`` / ``TABLE(localfiles(...))`` table functions with an EXTEND clause."""
    if not isinstance(table, exp.Table) or not isinstance(table.this, exp.Anonymous) \
            or table.this.name.upper() != "TABLE":
        name = table.sql(dialect=_DIALECT) if isinstance(table, exp.Expression) else str(table)
        raise _unsupported(f"reading from [{name}] (only TABLE(EXTERN(...)), inline and localfiles are)")
    inner = table.this.expressions[0] if table.this.expressions else None
    if not isinstance(inner, exp.Anonymous):
        raise _unsupported(f"the table [{table.sql(dialect=_DIALECT)}]")
    name = inner.name.lower()
    if name in ("inline", "localfiles"):
        return _table_function(name, inner, table)
    if name != "extern":
        if name in _OTHER_TABLE_FUNCTIONS:
            raise _unsupported(f"the table function [{inner.name}] (only EXTERN, inline and localfiles are)")
        raise InvalidSqlInput(f"No match found for function signature {inner.name}")
    args = inner.expressions
    if len(args) not in (2, 3) or not all(isinstance(a, exp.Literal) and a.is_string for a in args):
        raise InvalidSqlInput("EXTERN expects two or three string arguments: inputSource, inputFormat and "
                              "signature")
    try:
        source = json.loads(args[0].this)
        fmt = json.loads(args[1].this)
        signature = json.loads(args[2].this) if len(args) == 3 else []
    except ValueError as exc:
        raise InvalidSqlInput(f"Invalid EXTERN argument: {exc}") from None
    extend = _extend_signature(table)
    if extend:
        if signature:
            raise InvalidSqlInput("EXTERN cannot have both a signature argument and an EXTEND clause")
        signature = extend
    if not signature:
        raise InvalidSqlInput("EXTERN requires a signature: a third argument or an EXTEND clause")
    return source, fmt, signature


def _kwarg_value(node: exp.Expression) -> Any:
    if isinstance(node, exp.Literal):
        return _literal(node)
    if isinstance(node, exp.Array):
        return [_kwarg_value(e) for e in node.expressions]
    raise InvalidSqlInput(f"Table function arguments must be literals, got [{node.sql(dialect=_DIALECT)}]")


def _table_function(name: str, fn: exp.Anonymous, table: exp.Table) -> tuple[
        dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """``inline(data => ..., format => ...)`` and ``localfiles(baseDir => ..., filter => ..., files => ...,
    format => ...)`` (``InlineInputSourceDefn``, ``LocalInputSourceDefn``; CSV/TSV columns come from EXTEND)."""
    params: dict[str, Any] = {}
    for arg in fn.expressions:
        if not isinstance(arg, exp.Kwarg):
            raise InvalidSqlInput(f"Table function [{fn.name}] takes named arguments (name => value)")
        params[arg.this.name] = _kwarg_value(arg.expression)
    signature = _extend_signature(table)
    if not signature:
        raise InvalidSqlInput(f"Table function [{fn.name}] requires an EXTEND clause giving its columns")
    fmt_name = params.pop("format", None)
    if not isinstance(fmt_name, str):
        raise InvalidSqlInput(f"Table function [{fn.name}] requires a [format] argument")
    fmt: dict[str, Any] = {"type": fmt_name}
    if fmt_name in ("csv", "tsv"):
        fmt["columns"] = [c["name"] for c in signature]
        for key in ("listDelimiter", "skipHeaderRows", "delimiter"):
            if key in params:
                fmt[key] = params.pop(key)
    source: dict[str, Any]
    if name == "inline":
        data = params.pop("data", None)
        if isinstance(data, list):
            data = "\n".join(str(d) for d in data)
        source = {"type": "inline", "data": data}
    else:
        files = params.pop("files", None)
        source = {"type": "local", "baseDir": params.pop("baseDir", None), "filter": params.pop("filter", None),
                  "files": [files] if isinstance(files, str) else files}
    if params:
        raise InvalidSqlInput(f"Table function [{fn.name}] has no parameter [{sorted(params)[0]}]")
    return source, fmt, signature


def _sql_type(kind: Any) -> str:
    text = kind.sql(dialect=_DIALECT).upper() if isinstance(kind, exp.Expression) else "VARCHAR"
    if text.startswith(("VARCHAR", "CHAR", "TEXT", "STRING")):
        return "string"
    if text in ("BIGINT", "INT", "INTEGER", "SMALLINT", "TINYINT"):
        return "long"
    if text in ("DOUBLE", "DECIMAL"):
        return "double"
    if text in ("FLOAT", "REAL"):
        return "float"
    return text.lower()


def _literal(node: exp.Literal) -> Any:
    if node.is_string:
        return node.this
    text = node.this
    try:
        return int(text)
    except ValueError:
        return float(text)


def _compile(node: exp.Expression, columns: set[str], where: str) -> _Eval:
    """A function of the input row computing ``node`` (times are epoch milliseconds)."""
    if isinstance(node, exp.Paren):
        return _compile(node.this, columns, where)
    if isinstance(node, exp.Column):
        name = node.name
        if name not in columns:
            raise InvalidSqlInput(f"Column '{name}' not found in any table")
        return lambda row: row.get(name)
    if isinstance(node, exp.Literal):
        value = _literal(node)
        return lambda row: value
    if isinstance(node, exp.Null):
        return lambda row: None
    if isinstance(node, exp.Boolean):
        flag = bool(node.this)
        return lambda row: flag
    if isinstance(node, exp.Cast):
        to = node.args["to"].sql(dialect=_DIALECT).upper()
        if to.startswith("TIMESTAMP") and isinstance(node.this, exp.Literal):
            ms = _timestamp_literal(node.this.this)
            return lambda row: ms
        inner = _compile(node.this, columns, where)
        if to in ("BIGINT", "INTEGER", "INT"):
            return lambda row: None if inner(row) is None else int(float(inner(row)))
        if to in ("DOUBLE", "FLOAT", "REAL"):
            return lambda row: None if inner(row) is None else float(inner(row))
        if to.startswith("VARCHAR"):
            return lambda row: None if inner(row) is None else str(inner(row))
        raise _unsupported(f"CAST to [{to}] in {where}")
    if isinstance(node, exp.Anonymous):
        name = node.name.upper()
        args = node.expressions
        if name == "TIME_PARSE" and 1 <= len(args) <= 3:
            value = _compile(args[0], columns, where)
            fmt = "iso"
            if len(args) >= 2:
                if not (isinstance(args[1], exp.Literal) and args[1].is_string):
                    raise _unsupported(f"TIME_PARSE with a non-literal format in {where}")
                fmt = args[1].this
            return lambda row: _time_parse(value(row), fmt)
        if name == "MILLIS_TO_TIMESTAMP" and len(args) == 1:
            value = _compile(args[0], columns, where)
            return lambda row: _millis(value(row))
        if name == "TIME_FLOOR" and len(args) == 2 and isinstance(args[1], exp.Literal):
            value = _compile(args[0], columns, where)
            gran = period_granularity(args[1].this)
            return lambda row: None if value(row) is None else gran.bucket_start(value(row))
        raise _unsupported(f"the function [{node.name}] in {where}")
    if isinstance(node, exp.Floor) and node.args.get("to") is not None:
        value = _compile(node.this, columns, where)
        gran = granularity_of(node.args["to"].name)
        return lambda row: None if value(row) is None else gran.bucket_start(value(row))
    if isinstance(node, exp.StrToTime):
        raise _unsupported(f"[{node.sql(dialect=_DIALECT)}] in {where}")
    if isinstance(node, exp.Not):
        inner = _compile(node.this, columns, where)
        return lambda row: _not(inner(row))
    if isinstance(node, (exp.And, exp.Or)):
        a, b = _compile(node.this, columns, where), _compile(node.expression, columns, where)
        if isinstance(node, exp.And):
            return lambda row: _and(a(row), b(row))
        return lambda row: _or(a(row), b(row))
    if isinstance(node, exp.Is):
        inner = _compile(node.this, columns, where)
        if isinstance(node.expression, exp.Null):
            return lambda row: inner(row) is None
        raise _unsupported(f"[{node.sql(dialect=_DIALECT)}] in {where}")
    if isinstance(node, exp.In):
        inner = _compile(node.this, columns, where)
        options = [_compile(e, columns, where) for e in node.expressions]
        if node.args.get("query") is not None:
            raise _unsupported(f"IN with a subquery in {where}")
        return lambda row: _in(inner(row), [o(row) for o in options])
    if isinstance(node, exp.Between):
        inner = _compile(node.this, columns, where)
        lo, hi = _compile(node.args["low"], columns, where), _compile(node.args["high"], columns, where)
        return lambda row: _and(_cmp(inner(row), lo(row), ">="), _cmp(inner(row), hi(row), "<="))
    ops = {exp.EQ: "=", exp.NEQ: "<>", exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}
    for cls, op in ops.items():
        if isinstance(node, cls):
            a, b = _compile(node.this, columns, where), _compile(node.expression, columns, where)
            return lambda row, op=op: _cmp(a(row), b(row), op)  # type: ignore[misc]
    raise _unsupported(f"the expression [{node.sql(dialect=_DIALECT)}] in {where}")


def _null(row: _Row) -> Any:
    return None


def _getter(name: str) -> _Eval:
    return lambda row: row.get(name)


def _time_parse(value: Any, fmt: str) -> int | None:
    if value is None:
        return None
    try:
        return parse_timestamp(str(value), fmt)
    except UnparseableTimestamp:
        return None  # TIME_PARSE returns null for an unparseable string


def _millis(value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(float(value))
    except ValueError:
        return None


def _not(v: Any) -> Any:
    return None if v is None else not v


def _and(a: Any, b: Any) -> Any:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(a: Any, b: Any) -> Any:
    if a is True or b is True:
        return True
    if a is None or b is None:
        return None
    return False


def _coerce(a: Any, b: Any) -> tuple[Any, Any]:
    if isinstance(a, (int, float)) and isinstance(b, str):
        try:
            return a, float(b)
        except ValueError:
            return str(a), b
    if isinstance(a, str) and isinstance(b, (int, float)):
        b2, a2 = _coerce(b, a)
        return a2, b2
    return a, b


def _cmp(a: Any, b: Any, op: str) -> Any:
    if a is None or b is None:
        return None
    a, b = _coerce(a, b)
    try:
        return {"=": a == b, "<>": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]
    except TypeError:
        return None


def _in(value: Any, options: list[Any]) -> Any:
    if value is None:
        return None
    return any(_cmp(value, o, "=") for o in options)


def _typed(value: Any, type_: str) -> Any:
    """An input value as its EXTERN signature column reads it."""
    if value is None:
        return None
    if type_ == "long":
        try:
            return int(float(value))
        except (TypeError, ValueError):
            return None
    if type_ in ("double", "float"):
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    if type_ == "string" and not isinstance(value, (str, list)):
        return _java_text(value)
    return value


def _java_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check_select(select: exp.Expression) -> exp.Select:
    if isinstance(select, (exp.Union, exp.Except, exp.Intersect)):
        raise _unsupported("UNION / EXCEPT / INTERSECT")
    if not isinstance(select, exp.Select):
        raise _unsupported(f"the query [{select.sql(dialect=_DIALECT)[:80]}]")
    if select.args.get("with_") or select.args.get("with"):
        raise _unsupported("WITH")
    if select.args.get("joins"):
        raise _unsupported("JOIN")
    if select.args.get("group"):
        raise _unsupported("GROUP BY (rollup)")
    if select.args.get("having"):
        raise _unsupported("HAVING")
    if select.args.get("distinct"):
        raise _unsupported("SELECT DISTINCT")
    if select.args.get("offset"):
        raise _unsupported("OFFSET")
    if select.find(exp.Window):
        raise _unsupported("window functions")
    if select.find(exp.AggFunc):
        raise _unsupported("aggregate functions (rollup)")
    return select


def translate(sql: str, context: dict[str, Any] | None = None, *, query_id: str | None = None) -> MsqStatement:
    """Translate an MSQ INSERT or REPLACE (see :func:`_translate`); a rejection carries ``query_id``."""
    try:
        statement = _translate(sql, context)
    except InvalidSqlInput as exc:
        exc.query_id = query_id
        raise
    statement.query_id = query_id
    statement.sql = sql
    statement.context = dict(context or {})
    return statement


def _translate(sql: str, context: dict[str, Any] | None = None) -> MsqStatement:
    """Translate an MSQ INSERT or REPLACE into the planner's input (validation only: nothing is read; run
    :meth:`MsqStatement.evaluate` on :func:`~fakedruid.model.ingestion.read_input` of its spec).

    :param context: the SQL query context (``rowsPerSegment`` is read).
    :raises InvalidSqlInput: for a statement Druid rejects.
    :raises SqlParseError: for a statement that does not parse.
    :raises NotImplementedByFake: for a construct the fake does not evaluate, named in the message.
    """
    clauses = split_statement(sql)
    gran = granularity_of_partitioned_by(clauses.partitioned_by or "")
    replace = clauses.operation == "REPLACE"
    intervals = replace_intervals(clauses.overwrite or "ALL", gran) if replace else []
    try:
        select_node = sqlglot.parse_one(clauses.query, read=_DIALECT)
    except ParseError as exc:
        raise SqlParseError(f"Incorrect syntax: {str(exc).splitlines()[0]}") from None
    select = _check_select(select_node)  # type: ignore[arg-type]
    if select.args.get("order"):
        raise InvalidSqlInput(
            f"Cannot use an ORDER BY clause on a Query of type [{clauses.operation}], use CLUSTERED BY instead"
        )
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is None:
        raise _unsupported("a query without FROM")
    source_json, format_json, signature = _extern(from_.this)
    input_source = input_source_from_json(source_json)
    input_format = input_format_from_json(format_json)
    types: dict[str, str] = {str(c.get("name")): str(c.get("type", "string")).lower() for c in signature}
    columns = set(types)
    # Output columns.
    outputs: list[tuple[str, _Eval]] = []
    time_eval: _Eval | None = None
    for item in select.expressions:
        if isinstance(item, exp.Star):
            outputs.extend((name, _getter(name)) for name in types)
            continue
        name = item.alias_or_name
        node = item.this if isinstance(item, exp.Alias) else item
        if name == TIME:
            time_eval = _compile(node, columns, "the __time column")
            continue
        try:
            fn = _compile(node, columns, f"column [{name}]")
        except NotImplementedByFake:
            fn = _null  # not evaluated: it decides no segment (see the module docstring)
        outputs.append((name, fn))
    if time_eval is None and TIME in types:
        time_eval = _compile(exp.column(TIME), columns, "the __time column")
    if time_eval is None and gran.name != "ALL":
        raise InvalidSqlInput(
            "The granularity specified in PARTITIONED BY is not supported without a __time column. Please use "
            "PARTITIONED BY ALL TIME."
        )
    cluster: list[str] = []
    range_columns: list[str] = []
    output_names = [n for n, _ in outputs]
    if clauses.clustered_by:
        try:
            nodes = sqlglot.parse_one(f"SELECT 1 ORDER BY {clauses.clustered_by}", read=_DIALECT).args["order"]
        except (ParseError, KeyError) as exc:
            raise SqlParseError(f"Incorrect syntax in CLUSTERED BY: {exc}") from None
        usable = True
        for ordered in nodes.expressions:
            node = ordered.this
            if isinstance(node, exp.Literal) and not node.is_string:
                index = int(node.this)
                if not 1 <= index <= len(select.expressions):
                    raise InvalidSqlInput(f"Ordinal out of range: {index}")
                col = select.expressions[index - 1].alias_or_name
            elif isinstance(node, exp.Column):
                col = node.name
            else:
                raise _unsupported(f"the CLUSTERED BY expression [{node.sql(dialect=_DIALECT)}]")
            if col not in output_names and col != TIME:
                raise InvalidSqlInput(f"Column '{col}' not found in any table")
            cluster.append(col)
            source_type = _output_type(select, col, types)
            if ordered.args.get("desc") or source_type != "string" or col == TIME:
                usable = False
        if usable:
            range_columns = cluster
    rows_per_segment = int((context or {}).get("rowsPerSegment", 3_000_000))
    spec = IngestionSpec(
        task_type=QUERY_CONTROLLER,
        datasource=clauses.table,
        # makeDimensionsAndAggregatorsForIngestion: the CLUSTERED BY columns first, then the others.
        dimensions=tuple(dict.fromkeys([c for c in cluster if c != TIME] + output_names)),
        segment_granularity=gran,
        rollup=False,
        input_source=input_source,
        input_format=input_format,
        append=not replace,
        drop_existing=replace,
        msq=MsqOptions(
            replace=replace,
            replace_intervals=tuple(intervals),
            cluster_by=tuple(cluster),
            range_columns=tuple(range_columns),
            rows_per_segment=rows_per_segment,
            output_columns=tuple(output_names),
        ),
    )
    where_node = select.args.get("where")
    where = _compile(where_node.this, columns, "WHERE") if where_node is not None else None
    limit_node = select.args.get("limit")
    limit = None
    if limit_node is not None:
        expression = limit_node.expression if hasattr(limit_node, "expression") else None
        if not isinstance(expression, exp.Literal):
            raise _unsupported("a non-literal LIMIT")
        limit = int(expression.this)
    statement = MsqStatement(clauses.operation, spec)
    statement._program = _Program(types, outputs, time_eval, where, limit)
    return statement


class MsqRowError(FakeDruidError, RuntimeError):
    """A fault the running MSQ task reports (the task fails with this ``errorMsg``)."""


def _output_type(select: exp.Select, col: str, types: dict[str, str]) -> str:
    for item in select.expressions:
        if isinstance(item, exp.Star) and col in types:
            return types[col]
        if item.alias_or_name == col:
            node = item.this if isinstance(item, exp.Alias) else item
            if isinstance(node, exp.Column):
                return types.get(node.name, "string")
            return "other"
    return "other"


def records_of(rows: Sequence[_Row]) -> InputData:
    """Input data of Python rows (tests)."""
    return InputData([Record(dict(r)) for r in rows], 0)


__all__ = [
    "InvalidSqlInput",
    "MsqRowError",
    "MsqStatement",
    "SqlParseError",
    "granularity_of_partitioned_by",
    "replace_intervals",
    "split_statement",
    "translate",
]
