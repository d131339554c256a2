"""Config errors name the setting at fault."""

import pytest

from destination_exact_online.config import ConfigError, DestinationConfig

CREDENTIALS = {"client_id": "c", "client_secret": "s", "refresh_token": "r"}


@pytest.mark.parametrize(
    ("config", "setting"),
    [
        ({"base_url": "http://exact.example", "credentials": CREDENTIALS}, "base_url"),
        ({"credentials": CREDENTIALS, "division": -3}, "division"),
        ({"credentials": CREDENTIALS, "mapping": {"stock": {"calculation": "guess"}}}, "mapping.stock.calculation"),
        ({"credentials": CREDENTIALS, "mapping": {"items": {"colour": "red"}}}, "mapping.items.colour"),
    ],
)
def test_given_a_bad_setting_when_the_config_is_read_then_the_error_names_it(config, setting):
    with pytest.raises(ConfigError, match=rf"^{setting}\b"):
        DestinationConfig(config)


def test_given_no_division_then_the_current_division_is_used_and_dry_run_defaults_off():
    config = DestinationConfig({"credentials": CREDENTIALS})
    assert config.division is None and config.dry_run is False
