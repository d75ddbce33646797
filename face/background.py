"""One small thread pool for work that lets go of the GIL (OpenCV decoding, torch's anti-spoofing), so it
runs on the second core beside the dlib work of the calling thread (dlib holds the GIL: descriptors,
HOG and landmarks gain nothing from threads)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar, overload

T = TypeVar("T")
S = TypeVar("S")

POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="face-bg")


def _run_part(fn: Callable[[S, int], T], part: Sequence[S], start: int) -> list[T]:
    return [fn(x, start + k) for k, x in enumerate(part)]


class Prefetched(Sequence[T]):
    """`fn(item, index)` for every item, computed in order on the pool while the caller reads earlier
    results; reading one waits for it (its exception, if any, is raised there)."""

    def __init__(self, fn: Callable[[S, int], T], items: Sequence[S]):
        self._futures: list[Future[list[T]]] = []
        self._chunk = 4
        for start in range(0, len(items), self._chunk):
            part = items[start : start + self._chunk]
            self._futures.append(POOL.submit(_run_part, fn, part, start))
        self._len = len(items)

    def __len__(self) -> int:
        return self._len

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[T]: ...
    def __getitem__(self, index: int | slice) -> T | Sequence[T]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._len))]
        if index < 0:
            index += self._len
        if not 0 <= index < self._len:
            raise IndexError(index)
        return self._futures[index // self._chunk].result()[index % self._chunk]

    def __iter__(self) -> Iterator[T]:
        for i in range(self._len):
            yield self[i]
