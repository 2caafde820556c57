"""The hottest statements, run straight on the driver's cursor inside the session's transaction.

A move is the write people make most, and every viewer of the board waits for it. Through the
ORM, SQLAlchemy's own work per statement (cache lookups, execution context, result and entity
loading) cost the worker more CPU than PostgreSQL needed to run the statements (bench/RESULTS.md).
The statements are still built with SQLAlchemy, readable and the same on both databases; a
`Direct` compiles one once per dialect and runs it on the session's DBAPI connection, with
SQLAlchemy's own type processing for parameters and columns, so values are exactly what the ORM
would have given.

`entity(model, values)` builds a detached model instance from its columns' values: what a read
needs to show and publish a card, without the ORM's identity map. Such an instance is not in the
session: a write that changes it must do so by statement, or load it with `session.get` first.
"""

from weakref import WeakKeyDictionary

from sqlalchemy import exc
from sqlalchemy.orm import attributes


class Direct:
    """A statement compiled once per dialect, run on the session's DBAPI cursor."""

    def __init__(self, statement):
        self.statement = statement
        self._by_dialect = WeakKeyDictionary()  # an engine's dialect: its compiled form

    def rows(self, session, params):
        """Every row (tuples), in the session's transaction."""
        connection = session.connection()  # begins the transaction (BEGIN IMMEDIATE on SQLite)
        dialect = connection.dialect
        plan = self._plan(dialect)
        dbapi_connection = connection.connection.dbapi_connection
        cursor = dbapi_connection.cursor()
        parameters = plan.parameters(params)
        if connection._has_events or connection.engine._has_events:  # listeners see it too
            connection.dispatch.before_cursor_execute(connection, cursor, plan.sql, parameters,
                                                      None, False)
        try:
            cursor.execute(plan.sql, parameters)
            rows = cursor.fetchall() if plan.returns_rows else []
        except dialect.loaded_dbapi.Error as error:
            # As SQLAlchemy would: a connection the server dropped leaves the pool, and the
            # error is SQLAlchemy's own kind.
            disconnected = dialect.is_disconnect(error, dbapi_connection, cursor)
            if disconnected:
                connection.invalidate(error)
            raise exc.DBAPIError.instance(plan.sql, parameters, error, dialect.loaded_dbapi.Error,
                                          dialect=dialect, connection_invalidated=disconnected
                                          ) from error
        finally:
            cursor.close()
        return [plan.processed(row) for row in rows] if plan.processors else rows

    def first(self, session, params):
        """The first row, or None."""
        rows = self.rows(session, params)
        return rows[0] if rows else None

    def _plan(self, dialect):
        plan = self._by_dialect.get(dialect)
        if plan is None:
            plan = self._by_dialect[dialect] = _Plan(self.statement.compile(dialect=dialect),
                                                     dialect)
        return plan


class _Plan:
    """The SQL text, how to pass parameters and how to read columns for one dialect."""

    def __init__(self, compiled, dialect):
        self.compiled = compiled
        self.sql = compiled.string
        self.order = compiled.positiontup  # None for named parameter styles (psycopg)
        self.binds = dict(compiled._bind_processors)
        self.returns_rows = bool(compiled._result_columns)
        processors = [column.type._cached_result_processor(dialect, None)
                      for column in compiled._result_columns]
        self.processors = [(i, p) for i, p in enumerate(processors) if p is not None]

    def parameters(self, params):
        values = self.compiled.construct_params(params)
        for name, process in self.binds.items():
            if name in values:
                values[name] = process(values[name])
        if self.order is None:
            return values
        return tuple(values[name] for name in self.order)

    def processed(self, row):
        row = list(row)
        for i, process in self.processors:
            row[i] = process(row[i])
        return row


def entity(model, values):
    """A detached `model` instance with these column values (a mapping of every column)."""
    instance = attributes.manager_of_class(model).new_instance()
    instance.__dict__.update(values)
    return instance
