"""The ``ftlab`` command line: every argparse parser and command lives here and nowhere else."""
