"""Bounded rendering: at most N renders on worker threads, at most M waiting, then 503."""

from __future__ import annotations

import asyncio
import collections
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from collections.abc import Callable


class Overloaded(Exception):
    """No render slot and no room in the queue (or waited too long): answer 503."""


class RenderQueue:
    """At most ``inflight`` renders on worker threads, at most ``queue`` waiting, FIFO.

    A slot is released when the worker thread actually finishes, even if the
    request gave up waiting (native soft timeout, client gone, shutdown), so
    the number of busy threads never exceeds the bound.
    """

    def __init__(self, inflight: int, queue: int, queue_timeout: float) -> None:
        self.inflight = inflight
        self.max_queue = queue
        self.queue_timeout = queue_timeout
        self.pool = ThreadPoolExecutor(inflight, thread_name_prefix="wasmblog-render")
        self.running = 0
        self.rejected = 0
        self.completed = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    async def _acquire(self) -> None:
        if self.running < self.inflight and not self._waiters:
            self.running += 1
            return
        if len(self._waiters) >= self.max_queue:
            self.rejected += 1
            raise Overloaded("the render queue is full")
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        try:
            await asyncio.wait_for(fut, self.queue_timeout)
        except TimeoutError:
            self.rejected += 1
            raise Overloaded("waited too long for a render slot") from None
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                self._release()  # the slot was handed to us as we were cancelled
            raise
        finally:
            try:
                self._waiters.remove(fut)
            except ValueError:
                pass

    def _release(self, _: Any = None) -> None:
        self.completed += 1
        while self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(None)  # hand the slot over
                return
        self.running -= 1

    async def run(self, fn: Callable[..., Any], *args: Any, soft_timeout: float | None = None) -> Any:
        await self._acquire()
        try:
            fut = asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)
        except BaseException:
            self._release()
            raise
        fut.add_done_callback(self._release)
        if soft_timeout:
            return await asyncio.wait_for(asyncio.shield(fut), soft_timeout)
        return await asyncio.shield(fut)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
