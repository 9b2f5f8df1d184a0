"""The base of every read model: a PostgreSQL tracking recorder that owns some tables.

Each batch of events is applied in one transaction together with its tracking record, so a crash
neither skips nor repeats an event. The same transaction NOTIFYs the new position, which is how API
processes learn that a write has become readable (read-your-writes) without polling.

Live, a batch is every notification the subscription has already fetched when the projection
gets to it (`BatchingProjectionRunner`): one event when the log is quiet, many under load, so
the per-transaction cost (round trips, commit) is paid once per batch instead of once per event.

A view subscribes to every event, not only to the topics it handles: the events it does not
handle are not decoded (`Unhandled`), but its tracking position moves past them too, at most
once a second while they keep coming and as soon as the log is quiet. With a topic filter, a
view's position stayed at the last event it handled, and each poll (`notification_id >
position AND topic = ANY(…)`) scanned every other event stored since.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from queue import Empty
from traceback import format_exc
from typing import Any, ClassVar
from warnings import warn

from eventsourcing.persistence import IntegrityError, Notification, Tracking
from eventsourcing.postgres import PostgresDatastore, PostgresTrackingRecorder
from eventsourcing.projection import ApplicationSubscription, Projection, ProjectionRunner
from eventsourcing.utils import get_topic
from psycopg import Cursor
from psycopg.sql import SQL, Composed, Identifier

from okrank.projections.engine.poison import PoisonEventError, is_poison, poison_of
from okrank.projections.engine.schema_lock import CreatesTablesInTurn
from okrank.projections.engine.shared_log import LogReader

PROGRESS_CHANNEL = "okrank_progress"

Handler = Callable[[Any, Any, int], None]  # (the view's batch, event, position)
# A position past unhandled events only is recorded (and NOTIFYed) at most this often while
# they keep coming, and otherwise once the log has been quiet for UNHANDLED_QUIET_SECONDS:
# two views that a score does not concern each paid a transaction per write (measured at 1
# client: 0.2 ms of client CPU each per mutation, plus PostgreSQL's). No read-your-writes wait
# is for this view's position past events it does not handle; after a restart it re-reads at
# most this long's unhandled events, which it skips without decoding them.
UNHANDLED_RECORD_SECONDS = 1.0
UNHANDLED_QUIET_SECONDS = 0.05
DEFAULT_MAX_BATCH = 500  # events per live transaction at most (the subscription fetches 500)
MAX_BATCH = DEFAULT_MAX_BATCH


@dataclass(frozen=True)
class Unhandled:
    """A notification of a topic the view has no handler for: only its position counts."""

    topic: str


class ReadModelView(CreatesTablesInTurn, PostgresTrackingRecorder):
    """Subclasses set `view_name`, `tables` (DDL, dropped in reverse on rebuild) and `handlers`.

    A handler is called as `handler(batch, event, position)`: `batch` is what `open_batch`
    returns for the transaction (by default its cursor; a view with state per batch returns an
    object holding the cursor and that state, so a handler's inputs are all in its signature).
    """

    view_name: ClassVar[str]
    tables: ClassVar[dict[str, str]]  # table name → CREATE statement (plus index statements)
    # Logs of what was published (not derivable state): a rebuild keeps them as they are.
    kept_on_rebuild: ClassVar[frozenset[str]] = frozenset()
    # False for a record of what was seen (the audit chain): `okrank rebuild` leaves it alone.
    rebuilt: ClassVar[bool] = True
    indexes: ClassVar[list[str]] = []
    handlers: ClassVar[dict[type, Handler]]
    # False for a view that rebuilds with COPY (not allowed in pipeline mode) and few other
    # statements per batch: its rebuild transactions run without pipeline mode.
    pipelined_rebuild: ClassVar[bool] = True

    def __init__(self, datastore: PostgresDatastore, **kwargs: Any) -> None:
        # The library's factory names the tracking table after the projection ("<name>_tracking").
        kwargs.setdefault("tracking_table_name", f"{self.view_name}_tracking")
        super().__init__(datastore, **kwargs)
        self._recorded = 0  # the last position this view recorded (and NOTIFYed)
        self._recorded_at = float("-inf")  # when (monotonic clock)
        self._held: Tracking | None = None  # past unhandled events, to record later
        self._tracking_statements: dict[bool, Composed] = {}
        for ddl in [*self.tables.values(), *self.indexes]:
            self.sql_create_statements.append(SQL(ddl))  # type: ignore[arg-type]

    @classmethod
    def topics(cls) -> tuple[str, ...]:
        """The topics the view handles (read-your-writes waits for the views of a write's)."""
        return tuple(get_topic(t) for t in cls.handlers)

    def apply(self, batch: Sequence[tuple[Any, Tracking]], rebuilding: bool = False) -> None:
        """Apply events in order and record the last one's tracking, atomically.

        `rebuilding`: a replay of the whole log, where a view may defer work to the end of the
        batch (`close_batch`) and publishes nothing.
        """
        if not batch:  # the log went quiet: record what was held
            if self._held is not None:
                self._track_only(self._held)
            return
        handles_some = any(type(e) in self.handlers for e, _ in batch)
        if not handles_some and not rebuilding and self.datastore.single_row_tracking:
            last = batch[-1][1]
            recent = time.monotonic() - self._recorded_at < UNHANDLED_RECORD_SECONDS
            if recent and last.notification_id > self._recorded:
                self._held = last
            else:  # due, or not past this view's position (refused there)
                self._track_only(last)
            return
        try:
            self._apply(batch, rebuilding)
        except BaseException:
            self.abort_batch()
            raise

    def quiet_wait(self) -> float | None:
        """How long to wait for more events before recording a held position (None: none is
        held, wait as long as it takes)."""
        return None if self._held is None else UNHANDLED_QUIET_SECONDS

    def apply_isolating_poison(
        self, batch: Sequence[tuple[Any, Tracking]], rebuilding: bool = False
    ) -> None:
        """`apply`, raising PoisonEventError at the first event that can never be applied.

        A batch that fails on a poison event is applied again event by event: the events before
        the poison are recorded, and the poison's exact position is known."""
        try:
            self.apply(batch, rebuilding)
            return
        except Exception as exc:
            if not is_poison(exc):
                raise
            if len(batch) == 1:
                raise self._poison(exc, batch[0]) from exc
        for item in batch:
            try:
                self.apply([item], rebuilding)
            except Exception as exc:
                if is_poison(exc):
                    raise self._poison(exc, item) from exc
                raise

    def _poison(self, exc: Exception, item: tuple[Any, Tracking]) -> PoisonEventError:
        event, tracking = item
        return poison_of(
            exc,
            self.view_name,
            tracking.notification_id,
            get_topic(type(event)),
            getattr(event, "originator_id", ""),
        )

    def _apply(self, batch: Sequence[tuple[Any, Tracking]], rebuilding: bool) -> None:
        pipelined = not rebuilding or self.pipelined_rebuild
        with (
            self.datastore.transaction(commit=True) as curs,
            curs.connection.pipeline() if pipelined else nullcontext(),
        ):
            # Pipeline mode: statements whose results are not read travel without waiting.
            # No fsync wait at commit: a read model is derived data whose tracking record
            # commits with it, so after a database crash the view resumes from its last durable
            # position and replays the same events to the same rows (and outbox cursors).
            # A rebuild's tables are not live yet: it notifies once they are swapped in.
            last = batch[-1][1]
            recorded = self._queue_tracking(curs, last, notify=not rebuilding)
            state = self.open_batch(curs, rebuilding)
            for domain_event, tracking in batch:
                handler = self.handlers.get(type(domain_event))
                if handler is not None:  # None for Unhandled: the tracking record covers it
                    handler(state, domain_event, tracking.notification_id)
            self.close_batch(state)
            self._check_tracking(recorded, last)
        if not rebuilding:
            self._recorded_at_now(last)

    def _recorded_at_now(self, last: Tracking) -> None:
        self._recorded, self._recorded_at = last.notification_id, time.monotonic()
        self._held = None  # the position recorded covers it

    def _track_only(self, last: Tracking) -> None:
        """A position past unhandled events: recorded and NOTIFYed in one statement, its own
        transaction, without the fsync wait (as `_apply`). Measured: a third of the client CPU
        of a batch transaction; `apply` holds most of them back (UNHANDLED_RECORD_SECONDS).
        """
        with self.datastore.get_connection() as conn:
            row = conn.execute(
                self._tracking_statement(True),
                self._tracking_parameters(last),
                prepare=True,
            ).fetchone()
        if row is None:  # not past the recorded position: as `_check_tracking`
            raise IntegrityError(
                f"Failed to record tracking for {last.application_name} {last.notification_id}"
            )
        self._recorded_at_now(last)

    def _tracking_parameters(self, last: Tracking) -> dict[str, Any]:
        return {
            "application_name": last.application_name,
            "notification_id": last.notification_id,
            "channel": PROGRESS_CHANNEL,
            "payload": f"{self.view_name}:{last.notification_id}",
        }

    def _tracking_statement(self, notify: bool) -> Composed:
        """The tracking upsert, the fsync wait turned off for the transaction and (`notify`)
        the position NOTIFYed, in one statement: no row when the position does not advance."""
        statement = self._tracking_statements.get(notify)
        if statement is None:  # composed once per view: it runs for every batch
            then = ", pg_notify(%(channel)s, %(payload)s)" if notify else ""
            statement = self._tracking_statements[notify] = (
                SQL("WITH t AS (")
                + self.insert_tracking_statement
                + SQL(f") SELECT set_config('synchronous_commit', 'off', true){then} FROM t")
            )
        return statement

    def _queue_tracking(
        self, curs: Cursor[Any], last: Tracking, notify: bool
    ) -> Cursor[Any] | None:
        """Queue the tracking record's upsert first in the transaction without reading its
        result: the check that the position advances then rides on the batch's first round
        trip instead of costing one of its own (`_check_tracking` reads it at the end; a
        failed check rolls the whole batch back, as the library's `_insert_tracking` does).
        The same statement turns off the fsync wait and (`notify`) NOTIFYs the position: one
        statement where there were three (a NOTIFY is sent at commit wherever it stands)."""
        if not self.datastore.single_row_tracking:  # the library's own statements
            curs.execute("SET LOCAL synchronous_commit = off")
            self._insert_tracking(curs.connection.cursor(), last)
            if notify:
                curs.execute(
                    "SELECT pg_notify(%(channel)s, %(payload)s)", self._tracking_parameters(last)
                )
            return None
        tracking = curs.connection.cursor()  # its own cursor: it holds the result until read
        tracking.execute(
            self._tracking_statement(notify),
            self._tracking_parameters(last),
            prepare=True,
        )
        return tracking

    @staticmethod
    def _check_tracking(tracking: Cursor[Any] | None, last: Tracking) -> None:
        if tracking is not None and tracking.fetchone() is None:
            raise IntegrityError(
                f"Failed to record tracking for {last.application_name} {last.notification_id}"
            )

    def open_batch(self, curs: Cursor[Any], rebuilding: bool) -> Any:
        """Hook: what the handlers of this batch's events receive first (default: `curs`).

        `rebuilding`: a replay of the whole log, where a view may defer work to the end of the
        batch (`close_batch`) and publishes nothing."""
        return curs

    def close_batch(self, batch: Any) -> None:
        """Hook: called with `open_batch`'s value after the batch's events, in the same
        transaction."""

    def abort_batch(self) -> None:
        """Hook: the batch failed and its transaction rolled back."""

    def finish_replay(self) -> None:
        """Hook: after a replay's last batch (a rebuild's, before its tables are swapped in):
        work a view deferred over the whole replay, in a transaction of its own."""

    def drop(self) -> None:
        """Drop the view's tables and its tracking table (for a rebuild)."""
        with self.datastore.transaction(commit=True) as curs:
            dropped = [t for t in reversed(self.tables) if t not in self.kept_on_rebuild]
            for table in [*dropped, self.tracking_table_name]:
                curs.execute(SQL("DROP TABLE IF EXISTS {} CASCADE").format(Identifier(table)))


class ViewProjection(Projection[ReadModelView]):
    """Feeds events to its view; the view decides what they mean.

    No topic filter (`topics` empty): the subscription reads every event, so the view's
    position advances past those it does not handle (`batches` leaves them undecoded)."""

    topics: tuple[str, ...] = ()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        self.view.apply([(domain_event, tracking)])

    def process_batch(self, batch: Sequence[tuple[Any, Tracking]]) -> None:
        self.view.apply_isolating_poison(batch)


def decode(
    app: Any, notification: Notification, view_name: str, handled: Collection[str] | None = None
) -> tuple[Any, Tracking]:
    """The notification's domain event and tracking; PoisonEventError if it cannot be decoded.

    A notification whose topic is not in `handled` (when given) is not decoded: `Unhandled`."""
    if handled is not None and notification.topic not in handled:
        return Unhandled(notification.topic), Tracking(app.name, notification.id)
    try:
        event = app.mapper.to_domain_event(notification)
    except Exception as exc:
        if is_poison(exc):
            raise poison_of(
                exc, view_name, notification.id, notification.topic, notification.originator_id
            ) from exc
        raise
    return event, Tracking(app.name, notification.id)


def batches(
    subscription: ApplicationSubscription[Any],
    limit: int = MAX_BATCH,
    view_name: str = "",
    handled: Collection[str] | None = None,
    quiet_wait: Callable[[], float | None] | None = None,
) -> Iterator[list[tuple[Any, Tracking]]]:
    """The subscription's events in batches: block for the next event, then add every event the
    subscription has already fetched from the log (never waiting for more), up to `limit`.
    Events of topics not in `handled` (when given) come as `Unhandled`, not decoded.

    The subscription (projections.engine.shared_log) pulls notifications in pages on another
    thread and hands them over through a queue; this drains what is already there. Order is
    the subscription's.
    An event that cannot be decoded ends its batch and raises PoisonEventError after it.
    When `quiet_wait()` says how long (a view holds a position to record), an empty batch
    says that no event came for that long.
    """
    inner = subscription.subscription

    def next_event() -> tuple[Any, Tracking]:
        # As ApplicationSubscription.__next__, knowing which notification failed to decode.
        return decode(subscription, next(inner), view_name, handled)

    def fetched() -> bool:
        # Every view's subscription is the shared log's (projections.engine.event_store);
        # any other one gets batches of one.
        return isinstance(inner, LogReader) and inner.fetched()

    while True:
        wait = None if quiet_wait is None else quiet_wait()
        if wait is not None and isinstance(inner, LogReader) and not inner.ready(wait):
            yield []
            continue
        try:
            batch = [next_event()]
        except StopIteration:
            return
        stopped = False
        poison: PoisonEventError | None = None
        while len(batch) < limit and fetched():
            try:
                # Does not block: the current page has events, or a page is queued (this
                # thread is the queue's only consumer).
                batch.append(next_event())
            except (StopIteration, Empty):
                stopped = True
                break
            except PoisonEventError as exc:
                poison = exc
                break
        yield batch
        if poison is not None:
            raise poison
        if stopped:
            return


class BatchingProjectionRunner(ProjectionRunner[Any, Any]):
    """The library's ProjectionRunner, processing what its subscription has already fetched as
    one batch (one transaction) instead of one transaction per event."""

    @staticmethod
    def _process_events_loop(  # type: ignore[override]
        subscription: ApplicationSubscription[Any],
        projection: ViewProjection,
        is_stopping: Any,
        runner: weakref.ReferenceType[Any],
    ) -> None:
        # As ProjectionRunner._process_events_loop (eventsourcing 9.5.6), batch by batch.
        try:
            # MAX_BATCH read now: a bench may lower it.
            view = projection.view
            threading.current_thread().name = f"view-{view.view_name}"  # for profilers, dumps
            handled = frozenset(view.topics())
            for batch in batches(subscription, MAX_BATCH, view.view_name, handled, view.quiet_wait):
                projection.process_batch(batch)
        except BaseException as e:
            _runner = runner()
            if _runner is not None:
                _runner._thread_error = e
            else:
                warn(
                    "ProjectionRunner was deleted before error could be assigned:\n" + format_exc(),
                    RuntimeWarning,
                    stacklevel=2,
                )
        finally:
            is_stopping.set()
