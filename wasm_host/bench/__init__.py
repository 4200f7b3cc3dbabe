"""Measuring the sandbox: ``wasmblog bench`` and its pieces, a room of its own.

It drives the product only through its public interfaces (the engine API,
``wasm_host.site.build``, ``wasmblog serve`` as a process) and nothing else
in ``wasm_host`` imports it but the CLI, which loads it lazily. ``runner``
takes the measurements, ``report`` prints and draws them, ``load`` runs wrk
against ``wasmblog serve``, ``peers`` builds the same corpus with Hugo and
Pelican (their sites are package data under ``peersites/``), ``corpus``
and ``words`` generate the posts, ``measure`` times whole processes.
"""
