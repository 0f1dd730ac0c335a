from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftlab.dataset.quality import secrets
from ftlab.dataset.quality.secrets import findings, mask


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("key sk-proj-4fQ9zL2mT8xVb1Rk7NcW3pYh6GdJs0Ae", "an OpenAI API key"),
        ("AKIAJ3KQ7XZP2MW4LRTB", "an AWS access key"),
        ("ghp_aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hI6", "a GitHub token"),
        ("write to tom.becker@fastmail.com", "an e-mail address"),
        ("call +1 415 867 5309", "a phone number"),
        ("my mobile is 0612 34 56 78", "a phone number"),
    ],
)
def test_real_looking_secrets_and_personal_data_are_found(text: str, kind: str):
    assert [found[0] for found in findings(text)] == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "sk-xxxxxxxxxxxxxxxxxxxxxxxx",
        "sk-YOUR_KEY_HERE_abcdefghijkl",
        "jane@example.com, ops@acme.test, a@b.invalid",
        "(212) 555-0142 or 555-123-4567",
        "VAT number (DE 298 471 105)",
        "INV-20931 at 14:10 UTC on 2024-07-18, version 2.3.1, order 12345678",
    ],
)
def test_placeholders_and_numbers_that_are_not_phones_are_not_found(text: str):
    assert list(findings(text)) == []


def test_a_match_is_echoed_masked():
    assert mask("tom.becker@fastmail.com") == "to…@fastmail.com"
    assert mask("sk-proj-4fQ9zL2mT8xVb1Rk7NcW3pYh6GdJs0Ae") == "sk-p…Ae"


_MAILISH = st.lists(
    st.sampled_from([*"ab9._%+-@ \n.(é", "x" * 70, "tom.becker", "@fastmail.com", "@b.co", ".uk"])
).map("".join)


@given(_MAILISH)
def test_e_mail_addresses_are_found_where_the_expression_alone_finds_them(text: str):
    assert [m.span() for m in secrets._emails(text)] == [m.span() for m in secrets._EMAIL.finditer(text)]
