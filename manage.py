#!/usr/bin/env python
"""Same as the `cjgscan` command, for those who expect a manage.py."""

from cjgscan.cli import main

if __name__ == "__main__":
    main()
