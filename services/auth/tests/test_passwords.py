from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable

from launchforge_auth.core.security import Passwords


async def test_hash_and_verify_use_argon2id() -> None:
    passwords = Passwords(time_cost=1, memory_cost=8, parallelism=1, concurrency=2)
    hashed = await passwords.hash("hunter2-hunter2")
    assert hashed.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert await passwords.verify(hashed, "hunter2-hunter2")
    assert not await passwords.verify(hashed, "hunter3-hunter3")
    assert not await passwords.verify("not a hash", "hunter2-hunter2")
    assert not passwords.needs_rehash(hashed)
    stronger = Passwords(time_cost=2, memory_cost=8, parallelism=1, concurrency=2)
    assert stronger.needs_rehash(hashed)


async def test_hashing_does_not_block_the_event_loop() -> None:
    # Realistic cost (32 MiB, t=2): tens of milliseconds of CPU per hash.
    passwords = Passwords(time_cost=2, memory_cost=32 * 1024, parallelism=1, concurrency=2)
    ticks = 0
    stop = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not stop.is_set():
            await asyncio.sleep(0.005)
            ticks += 1

    task = asyncio.create_task(ticker())
    started = time.perf_counter()
    await asyncio.gather(*(passwords.hash(f"password-{i}") for i in range(4)))
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    # Had hashing run on the loop, the four hashes would have run back to back
    # without a single await in between, and the ticker could not have run
    # more than once. (A count, not a rate: a loaded CI machine starves the
    # ticker, yet it still gets several turns while threads hash.)
    assert elapsed > 0.04
    assert ticks >= 3


async def test_dummy_verification_costs_a_real_verification() -> None:
    passwords = Passwords(time_cost=2, memory_cost=32 * 1024, parallelism=1, concurrency=1)
    real = await passwords.hash("the-password")
    await passwords.prepare()

    async def timed(call: Awaitable[object]) -> float:
        started = time.perf_counter()
        await call
        return time.perf_counter() - started

    real_time = min([await timed(passwords.verify(real, "wrong-one")) for _ in range(3)])
    dummy_time = min([await timed(passwords.verify_dummy("wrong-one")) for _ in range(3)])
    assert dummy_time > real_time * 0.5
