"""The HTTP library the openai SDK's clients are built on."""

from __future__ import annotations

import openai

from ftlab.transport import http_library


def test_the_library_is_the_one_the_installed_sdk_builds_its_clients_with():
    library = http_library()
    assert isinstance(openai.DefaultHttpxClient(), library.Client)
    through_a_socket = openai.DefaultHttpxClient(transport=library.HTTPTransport(uds="/nonexistent.sock"))
    assert isinstance(through_a_socket, library.Client)
