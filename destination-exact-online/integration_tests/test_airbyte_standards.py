from airbyte_cdk.test import standard_tests

pytest_plugins = ["airbyte_cdk.test.standard_tests.pytest_hooks"]


class TestStandardDestination(standard_tests.DestinationTestSuiteBase):
    """The CDK's FAST standard destination tests (check, config matches spec) on the emulator."""
