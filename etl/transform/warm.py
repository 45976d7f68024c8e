"""Imported by the worker pool's fork server (multiprocessing's forkserver preload): the parsers
and models are loaded once there, before it forks each worker, so every worker, and each
replacement of one, starts with them; the writer process never loads them at all."""

from etl.transform import warm_up

warm_up()
