"""JUnit XML: the counts CI systems read match the test cases, and the text matches its golden file."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ftlab.classroom.junit import junit_xml
from tests.classroom.sample_results import SECRET, alice, golden, the_class


def test_junit_xml_counts_match_its_testcases_and_the_golden_file():
    text = junit_xml(the_class())
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        assert all(c.get("classname") and c.get("name") for c in cases)
        assert int(suite.get("tests")) == len(cases)
        for outcome in ("failure", "error", "skipped"):
            key = {"failure": "failures", "error": "errors", "skipped": "skipped"}[outcome]
            assert int(suite.get(key)) == sum(c.find(outcome) is not None for c in cases)
        assert {child.tag for c in cases for child in c} <= {
            "failure",
            "error",
            "skipped",
            "system-out",
            "system-err",
        }
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in root.findall("testsuite"))
    golden("junit.xml", text)


def test_a_failed_check_carries_its_points_hint_and_public_explanation():
    root = ET.fromstring(junit_xml([alice()]))
    failures = {
        c.get("name"): c.find("failure") for c in root.iter("testcase") if c.find("failure") is not None
    }
    refused = failures["test_blank_text_is_refused[empty-user]"]
    assert refused.get("message") == "raise ValueError" and refused.get("type") == "failed"
    assert refused.text == "0 / 2 points\nraise ValueError\nDID NOT RAISE"
    assert SECRET not in failures["test_any_json_value_is_handled[null]"].text


def test_a_submission_not_graded_says_why_in_its_error_output():
    suites = ET.fromstring(junit_xml(the_class())).findall("testsuite")
    assert suites[2].find("system-err").text == "grading took longer than 600 s and was stopped"
    assert [p.get("value") for p in suites[1].iter("property")] == ["malformed", "0", "7"]
