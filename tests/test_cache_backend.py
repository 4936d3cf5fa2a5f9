"""The Redis cache backend (miqua/cache.py) keeps one client per connection pool and still
stores and reads like Django's (CI always has Redis)."""

import os
import threading

import pytest

from miqua.cache import ReusedClientRedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")


@pytest.fixture
def redis_cache():
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (a Redis server)")
    cache = ReusedClientRedisCache(REDIS_URL, {"KEY_PREFIX": f"miqua-cache-test-{os.getpid()}"})
    yield cache
    client = cache._cache.get_client(write=True)
    for key in client.scan_iter(match=f"{cache.key_prefix}:*"):
        client.delete(key)


def test_one_client_serves_every_call(redis_cache):
    first = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client("a key", write=True) is first
    assert redis_cache._cache.get_client() is first  # one server: reads use the same pool


def test_stores_reads_and_forgets(redis_cache):
    assert redis_cache.get("figures", "missing") == "missing"
    redis_cache.set("figures", {"outstanding": "1.234,56"}, 30)
    assert redis_cache.get("figures") == {"outstanding": "1.234,56"}
    assert redis_cache.add("figures-counter", 1, 30)
    assert not redis_cache.add("figures-counter", 5, 30)
    assert redis_cache.incr("figures-counter") == 2
    redis_cache.delete("figures")
    assert redis_cache.get("figures", "missing") == "missing"


def test_the_shared_client_answers_threads_at_once(redis_cache):
    """Each command takes a connection of the pool: threads sharing the client do not mix
    their answers."""
    errors: list[str] = []

    def work(n: int) -> None:
        for i in range(50):
            redis_cache.set(f"t{n}-{i}", (n, i), 30)
            got = redis_cache.get(f"t{n}-{i}")
            if got != (n, i):
                errors.append(f"thread {n} wrote {(n, i)} and read {got}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
