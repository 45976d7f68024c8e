"""Imported by the worker pool's fork server (multiprocessing's forkserver preload): the parsers
and models are loaded once there, before it forks each worker, so every worker, and each
replacement of one, starts with them; the writer process never loads them at all.

A model that cannot be loaded here (no room for its temporary file, say) is not this module's
error to report: each worker then loads it itself, and a file it fails on says why."""

import contextlib

from etl.transform import warm_up

with contextlib.suppress(Exception):
    warm_up()
