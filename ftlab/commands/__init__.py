"""Subcommands of ``ftlab`` that grade, package and distribute: each module offers ``add_parser(subparsers)``."""
