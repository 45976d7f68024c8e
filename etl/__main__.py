"""`python -m etl`: the same command line as `etl`."""

from etl.cli import cli

cli(prog_name="etl")
