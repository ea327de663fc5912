"""Settings for the test suite: Jalon's settings with tasks run inline.

The database worker is exercised by its own test, which starts `jalon worker` for real.
"""

from jalon.settings import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                     "QUEUES": ["default"]}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",  # fast tests only
                    "django.contrib.auth.hashers.Argon2PasswordHasher"]
# WhiteNoise warns at start-up when STATIC_ROOT does not exist yet (collectstatic not run).
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# A token's rate limit is tested where it is the subject (tests/accounts/test_tokens.py);
# elsewhere a fast machine running schemathesis's hundreds of cases must not meet it.
API_RATE_LIMIT = 1_000_000
# The cache the web workers share is files in the data folder: none in tests (a page kept from
# one test would be read by the next, whose organisation may have the same id). Its own test
# (tests/publishing/test_fastpath.py) gives it a memory store.
CACHES = {**CACHES,  # noqa: F405
          "shared": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
