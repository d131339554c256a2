"""Airbyte's FAST standard tests, driven by acceptance-test-config.yml, against the emulator."""

from airbyte_cdk.test import standard_tests

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


class TestStandardSource(standard_tests.SourceTestSuiteBase):
    pass
