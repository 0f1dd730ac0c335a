"""Object ids shaped like OpenAI's, reproducible with a seed."""

from __future__ import annotations

import re
import threading

from ftlab.mock.ids import IdMaker


def test_each_kind_of_id_has_openais_prefix_and_length() -> None:
    ids = IdMaker()
    shapes = {
        ids.file(): r"file-[A-Za-z0-9]{22}",
        ids.job(): r"ftjob-[A-Za-z0-9]{24}",
        ids.event(): r"ftevent-[A-Za-z0-9]{24}",
        ids.checkpoint(): r"ftckpt_[A-Za-z0-9]{24}",
        ids.model_tag(): r"[A-Za-z0-9]{8}",
        ids.completion(): r"chatcmpl-[A-Za-z0-9]{29}",
        ids.request(): r"req_[a-z0-9]{32}",
    }
    for ident, shape in shapes.items():
        assert re.fullmatch(shape, ident), (ident, shape)


def test_the_same_seed_gives_the_same_ids_and_another_seed_other_ones() -> None:
    first, again, other = IdMaker("s"), IdMaker("s"), IdMaker("t")
    made = [first.job(), first.file()]
    assert made == [again.job(), again.file()]
    assert made != [other.job(), other.file()]


def test_ids_made_from_many_threads_are_all_different() -> None:
    ids = IdMaker()
    made: list[str] = []

    def make() -> None:
        made.extend(ids.job() for _ in range(200))

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(made)) == 800
