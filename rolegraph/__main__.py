"""``python -m rolegraph``: the same as the ``rolegraph`` command."""

from .cli import main

if __name__ == "__main__":
    main()
