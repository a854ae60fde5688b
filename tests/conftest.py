"""Shared test configuration: Hypothesis profiles, chosen with TC_HYPOTHESIS_PROFILE.

- ``dev`` (default): few examples, fast local runs.
- ``ci`` (default when the ``CI`` variable is set): a few more examples, derandomized
  (reproducible), no deadline.
- ``thorough``: many examples, for hunting bugs before a release.
"""
import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", max_examples=15, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("TC_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
