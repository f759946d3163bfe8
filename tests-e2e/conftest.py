"""End-to-end fixtures: the three services as real processes.

One platform (see ``e2e_platform.launch_platform``) runs for the whole
session; tests talk only to the gateway, as a client would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from e2e_platform import Platform, launch_platform


@pytest.fixture(scope="session")
async def platform(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Platform]:
    async with launch_platform(tmp_path_factory.mktemp("platform-logs")) as plat:
        yield plat


@pytest.fixture
async def gateway(platform: Platform) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=platform.gateway_url, timeout=15) as client:
        yield client
