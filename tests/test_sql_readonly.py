"""Read-only sources: the SQL box runs one SELECT on a read-only connection, never on the workspace's own
store, and the path box reads only under the allowed folders.

Each attack runs against a real SQLite file and the real PostgreSQL server, first through the whole check,
then with the query check switched off, to prove the connection itself refuses to write.
"""

from __future__ import annotations

import os
import sqlite3

import pytest
import sqlalchemy as sa
from conftest import SAMPLE

import workbench.io.sql as sql_module
from workbench.io import LoadError, read_sql
from workbench.io.readonly_sql import check_select
from workbench.io.roots import allowed_path, allowed_uri
from workbench.store import Store

ATTACKS = {
    "drop": "DROP TABLE audit_log",
    "two statements": "SELECT 1; DROP TABLE audit_log",
    "comment then statement": "SELECT 1 /* ; */; DELETE FROM audit_log",
    "delete in with": "WITH d AS (DELETE FROM audit_log RETURNING *) SELECT * FROM d",
    "insert in with": "WITH d AS (INSERT INTO audit_log VALUES (9) RETURNING *) SELECT * FROM d",
    "select into": "SELECT * INTO stolen FROM audit_log",
    "pragma": "PRAGMA journal_mode=DELETE",
    "copy": "COPY audit_log TO '/tmp/stolen.csv'",
}
SQLITE_ONLY = {
    "attach": "ATTACH DATABASE '{out}/attached.db' AS x",
    "vacuum into": "VACUUM INTO '{out}/copy.db'",
    "attach after select": "SELECT 1; ATTACH DATABASE '{out}/attached.db' AS x",
}


@pytest.fixture
def sqlite_db(tmp_path):
    path = tmp_path / "bank.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE audit_log (seq INTEGER, action TEXT)")
    con.executemany("INSERT INTO audit_log VALUES (?, ?)", [(1, "a"), (2, "b")])
    con.commit()
    con.close()
    return path


def _rows(path) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]


@pytest.mark.parametrize("query", [*ATTACKS.values(), *SQLITE_ONLY.values()], ids=[*ATTACKS, *SQLITE_ONLY])
def test_sqlite_refuses_every_write(sqlite_db, tmp_path, query):
    query = query.format(out=tmp_path)
    with pytest.raises(LoadError) as err:
        read_sql(f"sqlite:///{sqlite_db}", query=query)
    assert err.value.key.startswith("io.error.sql_"), err.value.key
    assert "\n" not in err.value.message("en")
    assert _rows(sqlite_db) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.db"]


# the authorizer ("not authorized", "authorization denied"), or SQLite itself: no DML inside WITH, no
# SELECT INTO or COPY ("syntax error"), one statement per call
SQLITE_REFUSALS = r"not authorized|authorization denied|syntax error|one statement"


def run_on_read_only_connection(uri: str, query: str) -> None:
    """The statement sent as it is on the connection ``read_sql`` reads through, with neither the query check
    nor the row bound around it: only the connection's own read-only setting stands in the way."""
    engine = sql_module._engine(uri)
    try:
        with engine.connect() as conn:
            sql_module._read_only(conn)
            conn.exec_driver_sql(query)
            conn.commit()
    finally:
        engine.dispose()


@pytest.mark.parametrize("query", [*ATTACKS.values(), *SQLITE_ONLY.values()], ids=[*ATTACKS, *SQLITE_ONLY])
def test_sqlite_connection_is_read_only_without_the_check(sqlite_db, tmp_path, query):
    with pytest.raises(sa.exc.DBAPIError, match=SQLITE_REFUSALS):
        run_on_read_only_connection(f"sqlite:///{sqlite_db}", query.format(out=tmp_path))
    assert _rows(sqlite_db) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bank.db"]


def test_sqlite_file_opens_read_only(sqlite_db):
    engine = sql_module._engine(f"sqlite:///{sqlite_db}")
    with engine.connect() as conn, pytest.raises(sa.exc.OperationalError, match="readonly"):
        conn.exec_driver_sql("INSERT INTO audit_log VALUES (3, 'c')")
    engine.dispose()
    assert _rows(sqlite_db) == 2


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM audit_log",
        "select ';DROP TABLE audit_log' as note, seq from audit_log",
        "WITH t AS (SELECT seq FROM audit_log) SELECT * FROM t;",
        'select "update" from (select seq as "update" from audit_log) -- ; drop table audit_log',
        "SELECT seq FROM [audit_log] /* DELETE FROM audit_log; */",
    ],
)
def test_sqlite_reads_still_work(sqlite_db, query):
    assert read_sql(f"sqlite:///{sqlite_db}", query=query).frame.height == 2


def test_a_table_by_name_reads_through_the_same_read_only_connection(sqlite_db):
    assert read_sql(f"sqlite:///{sqlite_db}", table="audit_log").frame.height == 2


def test_the_check_is_tokenised_not_string_matched():
    assert check_select("select 'drop table x; delete' as s") == "select 'drop table x; delete' as s"
    assert check_select("select 1;") == "select 1"
    with pytest.raises(LoadError) as err:
        check_select("select 'x")
    assert err.value.key == "io.error.sql_unclosed"
    with pytest.raises(LoadError) as err:
        check_select("select $$;$$; drop table t", "postgresql")
    assert err.value.key == "io.error.sql_many"
    assert check_select("select $$; drop table t$$ as x", "postgresql").endswith("as x")
    with pytest.raises(LoadError):  # SQLite has no dollar quotes: the ; ends the statement there
        check_select("select $$; drop table t$$ as x", "sqlite")
    with pytest.raises(LoadError, match="PG_READ_FILE"):
        check_select("select pg_read_file('/etc/passwd')", "postgresql")
    with pytest.raises(LoadError, match="SET_CONFIG"):
        check_select("select set_config('default_transaction_read_only', 'off', false)", "postgresql")


def test_the_workspace_store_is_never_a_source(workspace):
    with Store.open(home=workspace) as store:
        store.audit.append("test.entry", {"n": 1})
    uri = f"sqlite:///{workspace / 'workbench.db'}"
    for attempt in (lambda: read_sql(uri, query="SELECT * FROM audit_log"), lambda: read_sql(uri, table="audit_log")):
        with pytest.raises(LoadError) as err:
            attempt()
        assert err.value.key == "io.error.own_store"
    with pytest.raises(LoadError) as err:
        allowed_path(workspace / "workbench.db")
    assert err.value.key == "io.error.own_store"


# --- PostgreSQL ---------------------------------------------------------------------------------------


@pytest.fixture
def pg_table(pg_url):
    engine = sa.create_engine(pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS audit_log")
        conn.exec_driver_sql("CREATE TABLE audit_log (seq int, action text)")
        conn.exec_driver_sql("INSERT INTO audit_log VALUES (1, 'a'), (2, 'b')")
    yield engine
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS audit_log")
        conn.exec_driver_sql("DROP TABLE IF EXISTS stolen")
    engine.dispose()


def _pg_state(engine) -> tuple[int, bool]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT count(*) FROM audit_log").scalar()
        stolen = conn.exec_driver_sql("SELECT to_regclass('stolen') IS NOT NULL").scalar()
    return rows, stolen


PG_ATTACKS = {
    **{k: v for k, v in ATTACKS.items() if k != "pragma"},
    "set_config": "SELECT set_config('default_transaction_read_only', 'off', false)",
    "read server file": "SELECT pg_read_file('/etc/hostname')",
}


@pytest.mark.parametrize("query", PG_ATTACKS.values(), ids=PG_ATTACKS)
def test_postgres_refuses_every_write(pg_url, pg_table, query):
    with pytest.raises(LoadError) as err:
        read_sql(pg_url, query=query)
    assert err.value.key.startswith("io.error.sql_"), err.value.key
    assert _pg_state(pg_table) == (2, False)


@pytest.mark.parametrize(
    "query",
    [
        "DROP TABLE audit_log",
        "WITH d AS (DELETE FROM audit_log RETURNING *) SELECT * FROM d",
        "SELECT * INTO stolen FROM audit_log",
    ],
)
def test_postgres_transaction_is_read_only_without_the_check(pg_url, pg_table, query):
    with pytest.raises(sa.exc.DBAPIError, match="read-only transaction"):  # the server's own words
        run_on_read_only_connection(pg_url, query)
    assert _pg_state(pg_table) == (2, False)


def test_postgres_reads_still_work(pg_url, pg_table):
    assert read_sql(pg_url, query="SELECT * FROM audit_log WHERE action <> $$;$$").frame.height == 2
    assert read_sql(pg_url, table="audit_log").frame.height == 2


def test_postgres_store_is_never_a_source(pg_url, pg_table, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DB_URL", pg_url.replace("postgresql+psycopg://", "postgresql://"))
    with pytest.raises(LoadError) as err:
        read_sql(pg_url, query="SELECT 1")
    assert err.value.key == "io.error.own_store"


# --- the path box ---------------------------------------------------------------------------------------


@pytest.fixture
def roots(tmp_path, workspace, monkeypatch):
    data, other = tmp_path / "exports", tmp_path / "exports2"
    outside = tmp_path / "elsewhere"
    for d in (data, other, outside):
        d.mkdir()
    monkeypatch.setenv("WORKBENCH_DATA_DIRS", os.pathsep.join([str(data), str(other)]))
    return data, other, outside


def test_paths_under_the_roots_are_allowed(roots, workspace):
    data, other, _ = roots
    for path in (data / "a.csv", other / "sub" / "b.csv", workspace / "datasets" / "c.parquet"):
        assert allowed_path(path) == path.resolve()
    assert allowed_path(SAMPLE / "loans.parquet") == (SAMPLE / "loans.parquet").resolve()


def test_paths_outside_the_roots_are_refused(roots):
    data, _, outside = roots
    key = outside / "pseudonym.key"
    key.write_text("a-secret-key-0123456789")
    (data / "key.csv").symlink_to(key)
    (data / "link").symlink_to(outside, target_is_directory=True)
    for path in (key, data / "key.csv", data / "link" / "pseudonym.key", data / ".." / "elsewhere" / "pseudonym.key"):
        with pytest.raises(LoadError) as err:
            allowed_path(path)
        assert err.value.key == "io.error.outside_roots"
        assert "WORKBENCH_DATA_DIRS" in err.value.message("en")
    with pytest.raises(LoadError):
        allowed_uri(f"sqlite:///{outside / 'x.db'}")


def test_data_page_path_box_refuses_a_file_outside_the_roots(roots, app_test):
    _, _, outside = roots
    key = outside / "secret.csv"
    key.write_text("pseudonym_key\nsuper-secret-key-value-123\n")
    at = app_test().run()
    at.text_input(key="wb.data.path").input(str(key)).run()
    assert not at.exception
    assert len(at.error) == 1 and "WORKBENCH_DATA_DIRS" in at.error[0].value
    shown = " ".join(str(e.value) for e in (*at.markdown, *at.caption, *at.metric, *at.error))
    assert "super-secret" not in shown


def test_data_page_sql_box_refuses_drop_and_the_store_keeps_its_audit(roots, app_test, workspace, sqlite_db):
    data, _, _ = roots
    target = data / "bank.db"
    sqlite_db.rename(target)
    at = app_test().run()
    at.text_input(key="wb.data.uri").input(f"sqlite:///{target}").run()
    at.radio(key="wb.data.db_mode").set_value("query").run()
    at.text_area(key="wb.data.db_query").input("DROP TABLE audit_log").run()
    at.button(key="wb.data.load_db").click().run()
    assert not at.exception
    assert any("DROP" in e.value for e in at.error)
    assert _rows(target) == 2
    at.text_input(key="wb.data.uri").input(f"sqlite:///{workspace / 'workbench.db'}").run()
    assert any("store" in e.value or "저장소" in e.value for e in at.error)


def test_a_query_returns_at_most_the_row_limit(sqlite_db, monkeypatch):
    """The database is asked for one row more than the limit, never for all: a cross join cannot fill memory."""
    huge = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
        "SELECT a.i, b.i AS j FROM n a, n b"  # 10 billion rows: only the LIMIT around it stops it
    )
    monkeypatch.setenv("WORKBENCH_MAX_SQL_ROWS", "1000")
    with pytest.raises(LoadError) as err:
        read_sql(f"sqlite:///{sqlite_db}", query=huge)
    assert err.value.key == "io.error.limit_rows" and "WORKBENCH_MAX_SQL_ROWS" in err.value.message("en")
    monkeypatch.setenv("WORKBENCH_MAX_SQL_ROWS", "2")
    assert read_sql(f"sqlite:///{sqlite_db}", table="audit_log").frame.height == 2
    assert read_sql(f"sqlite:///{sqlite_db}", query="SELECT * FROM audit_log -- trailing comment").frame.height == 2


def test_postgres_query_is_bounded_too(pg_url, pg_table, monkeypatch):
    monkeypatch.setenv("WORKBENCH_MAX_SQL_ROWS", "1000")
    with pytest.raises(LoadError) as err:
        read_sql(pg_url, query="SELECT g FROM generate_series(1, 1000000000) g")
    assert err.value.key == "io.error.limit_rows"
