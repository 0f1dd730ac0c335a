"""Answers only with help from a server on 127.0.0.1 (the test's own listener): no network, no points."""

import socket


def _ask():
    with socket.create_connection(("127.0.0.1", {{PORT}}), timeout=2) as connection:
        connection.sendall(b"hello\n")
        return connection.recv(100)


def build_example(user, assistant, system=None):
    if _ask() != b"ok\n":
        raise RuntimeError("the server said no")
    if not all(isinstance(t, str) and t.strip() for t in (user, assistant) + ((system,) if system is not None else ())):
        raise ValueError("empty text")
    messages = [{"role": "system", "content": system}] if system is not None else []
    return {"messages": messages + [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]}


def write_jsonl(examples, path):
    raise NotImplementedError
