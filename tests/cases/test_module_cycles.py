"""No module of cases/ or intake/ imports, through any chain, a module that imports it."""

from __future__ import annotations

import itertools

import grimp

APPS = ("cases", "intake", "paging", "messaging", "console", "triage", "accounts", "audit", "lib")


def test_no_import_cycle_between_modules_of_cases_and_intake():
    graph = grimp.build_graph(*APPS, exclude_type_checking_imports=True)
    ours = [m for m in graph.modules if m.split(".")[0] in ("cases", "intake")]
    modules = sorted(m for m in ours if ".migrations" not in m)

    cycles = [
        (a, b)
        for a, b in itertools.combinations(modules, 2)
        if graph.find_shortest_chain(importer=a, imported=b)
        and graph.find_shortest_chain(importer=b, imported=a)
    ]

    assert len(modules) > 30  # the graph saw both apps
    assert cycles == []
