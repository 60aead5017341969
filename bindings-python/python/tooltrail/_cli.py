"""Console script `tooltrail`: the Rust CLI (see `tooltrail help`)."""

import sys

from ._native import cli_main


def main() -> None:
    sys.stdout.flush()
    sys.exit(cli_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
