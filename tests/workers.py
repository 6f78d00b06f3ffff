"""A scheduler job run in a loop on its own thread, as the scheduler process would run it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from flask import Flask

from intern_portal.jobs import run_in_context


class JobLoop:
    """Run one job every `every` seconds in its own app context until stopped."""

    def __init__(self, app: Flask, job: Callable[[datetime | None], int], every: float = 0.05):
        self.app, self.job, self.every = app, job, every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job.__name__}",
                                        daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            run_in_context(self.app, self.job)
            self._stop.wait(self.every)

    def __enter__(self) -> JobLoop:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        assert not self._thread.is_alive(), f"{self.job.__name__} did not stop"
