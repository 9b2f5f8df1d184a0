"""One read of the event log per process, whatever the number of views it runs.

Each view's runner subscribes to the whole log (projections.engine.view). With the library's
subscription every view LISTENed on a connection of its own and pulled every new page itself:
four views, four SELECTs and eight threads woken for each write. Here one `SharedLog` per event
store and process LISTENs once and pulls each page once (one listen thread, one pull thread),
and hands the page to every `LogReader`, the subscription each view iterates.

A reader never depends on the shared pull keeping up with it or it with the pull: every page
carries the position it was read after. A reader that is behind that position (it started
after the shared pull had passed its tracking position, or a page was dropped because its
queue was full) first reads the missing notifications itself; what it has already seen it
skips. So each view still receives every notification after its own position once, in order,
as with the library's subscription. Notification ids are assigned under the event table's lock,
so once the log holds id N every lower id has committed or never will (the library's own
assumption when it reads after a position).

A failure of the shared pull (the database going away) ends every reader with that error; each
view's worker restarts as before, and the first new reader starts a new shared pull.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from queue import Empty, Full, Queue
from typing import Any

from eventsourcing.persistence import Notification, Subscription
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg.sql import SQL, Identifier

PAGE = 500  # notifications per SELECT (the library's page)
READER_PAGES = 10  # pages a reader may hold unread; past that, it reads the rest itself
LISTEN_SECONDS = 0.2  # how often the listen thread looks whether it is to stop
POLL_SECONDS = 1.0  # a pull even without a notification: a lost NOTIFY delays, never drops
_STOP = object()

Key = tuple[Any, ...]


class LogReader(Subscription[PostgresApplicationRecorder]):
    """A view's subscription: the shared pages, plus what it reads itself to fill a gap."""

    def __init__(self, shared: SharedLog, recorder: PostgresApplicationRecorder, gt: int | None):
        super().__init__(recorder=recorder, gt=gt)
        self._shared = shared
        self._page: Sequence[Notification] = []
        self._index = 0
        self._pages: Queue[Any] = Queue(maxsize=READER_PAGES)
        self._held: tuple[int, Sequence[Notification]] | None = None  # a page after a gap
        self._taken: Any = None  # a queue item `ready` took, for `_fill`
        self._error: BaseException | None = None

    # Called by the shared pull's thread.
    def offer(self, after: int, page: Sequence[Notification]) -> None:
        # A full queue: the reader is busy, and reads this page itself when it gets there.
        with contextlib.suppress(Full):
            self._pages.put_nowait((after, page))

    def fail(self, error: BaseException) -> None:
        if self._error is None:
            self._error = error
        self.stop()

    def stop(self) -> None:
        if self._has_been_stopped:
            return
        super().stop()
        self._shared.leave(self)
        while True:  # wake the reader's thread, however full its queue is
            try:
                self._pages.put_nowait(_STOP)
                return
            except Full:
                with contextlib.suppress(Empty):
                    self._pages.get_nowait()

    def fetched(self) -> bool:
        """Whether `next` returns at once: the current page has more, or a page is queued."""
        return self._index < len(self._page) or self._taken is not None or not self._pages.empty()

    def ready(self, timeout: float) -> bool:
        """Whether `next` returns at once, waiting up to `timeout` seconds for a page: False
        when nothing arrived for that long."""
        behind = (self._last_notification_id or 0) < self._shared.head
        if self.fetched() or self._held is not None or behind or self._has_been_stopped:
            return True
        try:
            self._taken = self._pages.get(timeout=timeout)
        except Empty:
            return False
        return True

    def __next__(self) -> Notification:
        while True:
            if self._has_been_stopped:
                if self._error is not None:
                    raise self._error
                raise StopIteration
            if self._index < len(self._page):
                notification = self._page[self._index]
                self._index += 1
                self._last_notification_id = notification.id
                return notification
            self._page, self._index = self._fill(), 0

    def _fill(self) -> Sequence[Notification]:
        """The next notifications after this reader's position (maybe none yet)."""
        last = self._last_notification_id or 0
        if self._held is None:
            item, self._taken = self._taken, None
            if item is None:
                head = self._shared.head
                if last < head and self._pages.empty():
                    return self._read(last, head)  # it fell behind the shared pull
                item = self._pages.get()
            if item is _STOP:
                return []
            self._held = item
        after, page = self._held
        if after > last:  # notifications between this reader's position and the page
            return self._read(last, after)
        self._held = None
        return [n for n in page if n.id > last]

    def _read(self, after: int, upto: int) -> Sequence[Notification]:
        notifications = self._recorder.select_notifications(
            start=after, limit=PAGE, stop=upto, inclusive_of_start=False
        )
        if not notifications:  # no event in between: ids skipped by rolled-back saves
            self._last_notification_id = upto
        return notifications


class SharedLog:
    """The one pull of an event store's new notifications in this process."""

    _lock = threading.Lock()
    _running: dict[Key, SharedLog] = {}

    @classmethod
    def reader(cls, recorder: PostgresApplicationRecorder, gt: int | None) -> LogReader:
        """A subscription of the recorder's whole log after `gt`, fed by the shared pull."""
        key = _key(recorder)
        with cls._lock:
            shared = cls._running.get(key)
            if shared is None:
                shared = cls._running[key] = SharedLog(key, recorder, gt or 0)
            reader = LogReader(shared, recorder, gt)
            shared._readers.add(reader)
            shared._start()
        return reader

    def __init__(self, key: Key, recorder: PostgresApplicationRecorder, head: int) -> None:
        self._key = key
        self.head = head  # every notification up to here has been offered to the readers
        self._readers: set[LogReader] = set()
        self._notified = threading.Event()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        params = recorder.datastore.pool.kwargs
        self._datastore = PostgresDatastore(
            dbname=params["dbname"],
            host=params["host"],
            port=params["port"],
            user=params["user"],
            password=params["password"],
            pool_size=2,  # one LISTENing, one pulling
            schema=recorder.datastore.schema,
        )
        self._recorder = PostgresApplicationRecorder(
            self._datastore, events_table_name=recorder.events_table_name
        )
        self._channel = recorder.channel_name

    def _start(self) -> None:
        if self._threads:
            return
        for target in (self._listen, self._pull_loop):
            thread = threading.Thread(target=target, name=f"shared-log-{target.__name__}")
            thread.daemon = True
            self._threads.append(thread)
            thread.start()

    def leave(self, reader: LogReader) -> None:
        """A reader stopped; the last one out stops the shared pull."""
        with self._lock:
            self._readers.discard(reader)
            if self._readers:
                return
            if self._running.get(self._key) is self:
                del self._running[self._key]
        self._stop()

    def _stop(self) -> None:
        self._stopping.set()
        self._notified.set()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout=10)
        self._datastore.close()

    def _fail(self, error: BaseException) -> None:
        """End every reader with the error; the next reader starts a new shared pull."""
        with self._lock:
            if self._running.get(self._key) is self:
                del self._running[self._key]
            readers = list(self._readers)
        if not self._stopping.is_set():
            for reader in readers:
                reader.fail(error)

    def _listen(self) -> None:
        try:
            with self._datastore.get_connection() as conn:
                conn.execute(SQL("LISTEN {0}").format(Identifier(self._channel)))
                conn.commit()
                self._notified.set()  # pull what was committed before the LISTEN
                while not self._stopping.is_set():
                    for _ in conn.notifies(timeout=LISTEN_SECONDS, stop_after=1):
                        self._notified.set()
        except BaseException as exc:
            self._fail(exc)
            self._notified.set()

    def _pull_loop(self) -> None:
        try:
            while not self._stopping.is_set():
                self._notified.wait(POLL_SECONDS)
                if self._stopping.is_set():
                    return
                self._pull()
        except BaseException as exc:
            self._fail(exc)

    def _pull(self) -> None:
        while not self._stopping.is_set():
            self._notified.clear()
            after = self.head
            page = self._recorder.select_notifications(
                start=after, limit=PAGE, inclusive_of_start=False
            )
            if page:
                with self._lock:
                    readers = list(self._readers)
                for reader in readers:
                    reader.offer(after, page)
                self.head = page[-1].id  # after the offers: see LogReader._fill
            if len(page) < PAGE:
                return


def _key(recorder: PostgresApplicationRecorder) -> Key:
    params = recorder.datastore.pool.kwargs
    return (
        params.get("host"),
        params.get("port"),
        params.get("dbname"),
        params.get("user"),
        recorder.datastore.schema,
        recorder.events_table_name,
    )
