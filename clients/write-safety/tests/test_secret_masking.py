"""Secrets are hidden wherever they stand as a value of their own, and ordinary words that merely contain one stay
readable — through the CDK's own log formatter and traced exceptions once ``install`` has run."""

from __future__ import annotations

import json
import logging
import re

from airbyte_cdk.logger import AirbyteLogFormatter
from airbyte_cdk.utils.airbyte_secrets_utils import update_secrets
from airbyte_cdk.utils.traced_exception import AirbyteTracedException
from hypothesis import given
from hypothesis import strategies as st

from ledgerbridge_write_safety import secret_masking
from ledgerbridge_write_safety.secret_masking import MASK, mask_secrets

words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=12)
separators = st.sampled_from([" ", ", ", "=", '"', "&", "/", ": ", "\n", "("])
secrets = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~+/=", min_size=1, max_size=40).filter(
    lambda s: s.strip("-_.~+/=")
)


@given(st.lists(words, min_size=1, max_size=20), separators, secrets)
def test_given_words_that_are_not_the_secret_when_masked_then_the_text_is_unchanged(tokens, separator, secret):
    text = separator.join(token for token in tokens if token != secret)
    assert mask_secrets(text, (secret,)) == text


@given(st.lists(words, max_size=10), st.lists(words, max_size=10), separators, secrets)
def test_given_a_secret_standing_as_a_value_when_masked_then_it_is_gone(before, after, separator, secret):
    text = separator.join([*before, secret, *after])
    masked = mask_secrets(text, (secret,))
    assert MASK in masked
    assert mask_secrets(masked.replace(MASK, " "), (secret,)) == masked.replace(MASK, " ")


def test_given_a_secret_inside_another_when_masked_then_the_longer_one_is_hidden_whole():
    assert mask_secrets("token=abc123def, code=abc123", ("abc123", "abc123def")) == "token=****, code=****"


def test_given_a_secret_next_to_a_json_escape_when_masked_then_the_escape_survives():
    text = json.dumps({"message": "line one\nline two"})
    assert json.loads(mask_secrets(text, ("n",))) == {"message": "line one\nline two"}


def test_given_install_when_the_cdk_formats_a_log_line_then_words_stay_and_the_secret_value_is_masked():
    secret_masking.install()
    update_secrets(["e", "s3cr3t-refresh-token"])
    try:
        record = logging.LogRecord(
            "airbyte", logging.INFO, __file__, 1, "Exact Online refused s3cr3t-refresh-token", None, None
        )
        message = json.loads(AirbyteLogFormatter().format(record))["log"]["message"]
    finally:
        update_secrets([])
    assert message == "Exact Online refused ****"


def test_given_install_when_the_cdk_builds_an_error_trace_then_words_stay_and_the_secret_value_is_masked():
    secret_masking.install()
    update_secrets(["r", "client-secret-42"])
    try:
        trace = AirbyteTracedException(
            message="Check failed: credentials client-secret-42 refused"
        ).as_sanitized_airbyte_message()
    finally:
        update_secrets([])
    assert trace.trace.error.message == "Check failed: credentials **** refused"
    assert not re.search(r"\w\*\*\*\*|\*\*\*\*\w", trace.trace.error.message)
