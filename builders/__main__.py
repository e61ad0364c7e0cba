"""`python -m builders` runs the e4j command."""

from builders.cli import console

if __name__ == "__main__":  # not when a worker process of the build imports it
    console()
