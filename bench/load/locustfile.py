"""The mixed user journey for ``make bench-load`` (locust 2.x, run headless).

Each simulated user registers once (``on_start``) and logs in, then, with a
think time of 0.1-0.5 s between tasks, picks weighted tasks: list its projects
(most often), poll its build, create a project, log in again (a returning
user), start a build with the offline generator. A user keeps at most one
build in flight: a new one starts only after the last one ended or was polled
``MAX_POLLS`` times, so build creation stays bounded by the number of users
however slowly the worker drains the queue (queued builds are fine to poll).

Any status but the expected one is a failure, so a 402 (quota), 429 (rate
limit) or 5xx shows up in the step's error count. Build outcomes (succeeded,
failed, abandoned after ``MAX_POLLS``) are counted apart from request stats
and written, when locust quits, to the JSON file named by
``LF_LOAD_COUNTERS`` (bench_load.py reads it).

Runs against any LaunchForge gateway: ``locust -f bench/load/locustfile.py
--host http://127.0.0.1:8000``.
"""

from __future__ import annotations

import json
import logging
import os
import random
import secrets
import time
import uuid
from collections import Counter
from typing import Any

from locust import HttpUser, between, events, task
from locust.clients import ResponseContextManager
from locust.env import Environment
from locust.exception import StopUser

# Seconds before a request counts as failed (keeps every step bounded).
REQUEST_TIMEOUT_S = float(os.environ.get("LF_LOAD_REQUEST_TIMEOUT", "10"))
# Polls of one build before the user stops following it (not a failure).
MAX_POLLS = int(os.environ.get("LF_LOAD_MAX_POLLS", "20"))
TERMINAL = {"succeeded", "failed", "cancelled"}
IDEAS = (
    "An app to track habits and their daily check-ins",
    "Organise my recipes and their ingredients, with ratings",
    "Keep track of books I read and my notes on each",
    "Manage customers and their orders",
)

COUNTERS: Counter[str] = Counter()
logger = logging.getLogger("bench-load")


def _write_counters(environment: Environment, **_kwargs: Any) -> None:
    path = os.environ.get("LF_LOAD_COUNTERS")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            json.dump(dict(COUNTERS), out)


events.quitting.add_listener(_write_counters)  # type: ignore[no-untyped-call]


def _fail(response: ResponseContextManager) -> None:
    """Mark a failure with a short, stable message (locust groups by message).

    The request id goes to the log instead, to find the request in the
    services' logs.
    """
    if not response.status_code:
        message = f"no response: {type(response.error).__name__}"
    else:
        try:
            title = response.json().get("title", "")
        except ValueError:
            title = response.text[:80]
        message = f"HTTP {response.status_code}: {title}"
    response.failure(message)  # type: ignore[no-untyped-call]
    logger.warning(
        "%s %s failed: %s (request id %s)",
        response.request.method if response.request is not None else "?",
        response.request.path_url if response.request is not None else "?",
        message,
        response.headers.get("x-request-id"),
    )


class JourneyUser(HttpUser):
    """Register, log in, list, create, build, poll: the platform's main path."""

    wait_time = between(0.1, 0.5)

    def on_start(self) -> None:
        self.email = f"load-{uuid.uuid4().hex[:16]}@example.com"
        self.password = secrets.token_urlsafe(18)
        self.headers: dict[str, str] = {}
        self.projects: list[str] = []
        self.build: dict[str, Any] | None = None
        with self.client.post(
            "/v1/auth/register",
            json={"email": self.email, "password": self.password},
            timeout=REQUEST_TIMEOUT_S,
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                _fail(response)
                raise StopUser()
        if not self.login_once():
            # A refused first login right after a 201 is a read-your-writes
            # failure; one later retry tells it apart from a lasting refusal.
            time.sleep(1)
            retried = self.login_once()
            COUNTERS[f"first_login_failed_retry_{'ok' if retried else 'failed'}"] += 1
            logger.warning("first login of %s failed; retry 1 s later ok: %s", self.email, retried)
            if not retried:
                raise StopUser()

    def login_once(self) -> bool:
        with self.client.post(
            "/v1/auth/login",
            json={"email": self.email, "password": self.password},
            timeout=REQUEST_TIMEOUT_S,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                _fail(response)
                return False
            self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
            return True

    @task(1)
    def login(self) -> None:
        self.login_once()

    @task(6)
    def list_projects(self) -> None:
        with self.client.get(
            "/v1/projects",
            headers=self.headers,
            timeout=REQUEST_TIMEOUT_S,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                _fail(response)

    @task(2)
    def create_project(self) -> None:
        self.new_project()

    def new_project(self) -> str | None:
        with self.client.post(
            "/v1/projects",
            json={"name": f"Load {len(self.projects) + 1}", "description": "bench-load"},
            headers=self.headers,
            timeout=REQUEST_TIMEOUT_S,
            catch_response=True,
        ) as response:
            if response.status_code != 201:
                _fail(response)
                return None
            project_id: str = response.json()["id"]
            self.projects.append(project_id)
            return project_id

    @task(1)
    def start_build(self) -> None:
        if self.build is not None:
            return  # one build in flight per user
        project_id = self.projects[-1] if self.projects else self.new_project()
        if project_id is None:
            return
        with self.client.post(
            f"/v1/projects/{project_id}/builds",
            json={"idea": random.choice(IDEAS), "provider": "offline"},
            headers=self.headers,
            name="/v1/projects/{id}/builds",
            timeout=REQUEST_TIMEOUT_S,
            catch_response=True,
        ) as response:
            if response.status_code != 202:
                _fail(response)
                return
            self.build = {"id": response.json()["id"], "polls": 0}
            COUNTERS["builds_started"] += 1

    @task(4)
    def poll_build(self) -> None:
        if self.build is None:
            return
        self.build["polls"] += 1
        with self.client.get(
            f"/v1/builds/{self.build['id']}",
            headers=self.headers,
            name="/v1/builds/{id}",
            timeout=REQUEST_TIMEOUT_S,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                _fail(response)
                return
            status = response.json()["status"]
        COUNTERS[f"polled_{status}"] += 1
        if status in TERMINAL:
            COUNTERS[f"builds_{status}"] += 1
            self.build = None
        elif self.build["polls"] >= MAX_POLLS:
            COUNTERS["builds_abandoned"] += 1
            self.build = None
