"""What the Data page's SQL box may run: one ``SELECT`` (or ``WITH … SELECT``) and nothing that writes.

The query is tokenised the way the databases read it (quoted strings and identifiers, ``--`` and nested
``/* */`` comments, PostgreSQL dollar quotes and ``E''`` strings), so a keyword inside a string is text and a
``;`` inside a comment ends nothing. The check is one of three layers: the connection itself is read-only
(SQLite ``mode=ro`` plus an authorizer that allows reading only; PostgreSQL a read-only transaction).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from workbench.io.errors import LoadError

STARTS = frozenset({"select", "with"})
# Words that write, change the schema or reach outside the database wherever they stand (quote a column of
# such a name: "update"); data-modifying statements inside WITH (…) start with one of them.
WRITES = frozenset(
    {
        "insert", "update", "delete", "merge", "upsert", "replace", "drop", "create", "alter", "truncate", "rename",
        "attach", "detach", "pragma", "vacuum", "copy", "grant", "revoke", "into", "reindex", "checkpoint",
    }
)  # fmt: skip
# Functions that read or write server files, reach other servers, or change settings and sessions.
FUNCTIONS = frozenset(
    {
        "pg_read_file", "pg_read_binary_file", "pg_ls_dir", "pg_stat_file", "lo_import", "lo_export", "lo_unlink",
        "lo_from_bytea", "lo_put", "dblink", "dblink_exec", "set_config", "pg_terminate_backend",
        "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_sleep", "load_extension", "readfile",
        "writefile", "edit", "fts3_tokenizer",
    }
)  # fmt: skip

_WORD = re.compile(r"[^\W\d]\w*")
_DOLLAR = re.compile(r"\$([^\W\d]\w*)?\$")


@dataclass(frozen=True)
class Token:
    kind: str  # word, punct
    text: str


def tokens(sql: str, dialect: str = "sqlite") -> list[Token]:
    """Words (lower-cased) and punctuation, with strings, quoted identifiers and comments left out, as
    ``dialect`` reads them: ``$tag$…$tag$`` and ``E'…'`` only in PostgreSQL, ``[…]`` and backticks elsewhere.

    An unterminated string, identifier or comment refuses the query: the database would read it differently.
    """
    pg = dialect == "postgresql"
    quotes = "'\"" if pg else "'\"`"
    out: list[Token] = []
    i, n = 0, len(sql)
    while i < n:
        ch = sql[i]
        if ch.isspace():
            i += 1
        elif sql.startswith("--", i):
            end = sql.find("\n", i)
            i = n if end < 0 else end + 1
        elif sql.startswith("/*", i):
            depth, i = 1, i + 2
            while depth and i < n:
                if sql.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif sql.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            if depth:
                raise _unreadable("/*")
        elif ch in quotes:
            i = _closing(sql, i, ch, backslash=pg and ch == "'" and _e_prefix(sql, i))
            out.append(Token("literal", ""))
        elif ch == "[" and not pg:
            end = sql.find("]", i)
            if end < 0:
                raise _unreadable("[")
            i = end + 1
            out.append(Token("literal", ""))
        elif ch == "$" and pg and (m := _DOLLAR.match(sql, i)):
            end = sql.find(m[0], m.end())
            if end < 0:
                raise _unreadable(m[0])
            i = end + len(m[0])
            out.append(Token("literal", ""))
        elif m := _WORD.match(sql, i):
            out.append(Token("word", m[0].lower()))
            i = m.end()
        else:
            out.append(Token("punct", ch))
            i += 1
    return out


def _e_prefix(sql: str, i: int) -> bool:
    """``E'…'`` (PostgreSQL): backslash escapes a quote inside."""
    return i > 0 and sql[i - 1] in "eE" and (i == 1 or not (sql[i - 2].isalnum() or sql[i - 2] == "_"))


def _closing(sql: str, start: int, quote: str, *, backslash: bool) -> int:
    """The index after the closing quote (a doubled quote is an escaped one)."""
    i = start + 1
    while i < len(sql):
        ch = sql[i]
        if backslash and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if i + 1 < len(sql) and sql[i + 1] == quote:
                i += 2
                continue
            return i + 1
        i += 1
    raise _unreadable(quote)


def _unreadable(opened: str) -> LoadError:
    return LoadError("io.error.sql_unclosed", opened=opened)


def check_select(sql: str, dialect: str = "sqlite") -> str:
    """``sql`` without a trailing ``;`` when it is one read-only ``SELECT``/``WITH`` as ``dialect``
    (SQLAlchemy's name: ``sqlite``, ``postgresql``, …) reads it; else ``LoadError``."""
    toks = tokens(sql, dialect)
    statements: list[list[Token]] = [[]]
    for tok in toks:
        if tok.kind == "punct" and tok.text == ";":
            statements.append([])
        else:
            statements[-1].append(tok)
    statements = [s for s in statements if s]
    if not statements:
        raise LoadError("io.error.sql_empty")
    if len(statements) > 1:
        raise LoadError("io.error.sql_many", count=len(statements))
    words = [t for t in statements[0] if t.kind == "word"]
    if not words or words[0].text not in STARTS:
        raise LoadError("io.error.sql_not_select", word=(words[0].text.upper() if words else "-"))
    for i, tok in enumerate(statements[0]):
        if tok.kind != "word":
            continue
        following = statements[0][i + 1] if i + 1 < len(statements[0]) else None
        if tok.text in WRITES or (tok.text in FUNCTIONS and following is not None and following.text == "("):
            raise LoadError("io.error.sql_writes", word=tok.text.upper())
    return sql.strip().rstrip(";").strip() if sql.strip().endswith(";") else sql.strip()
