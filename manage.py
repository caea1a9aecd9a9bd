#!/usr/bin/env python
"""Django's command-line utility; the product's own CLI is `resonanz` (resonanz/cli.py)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.settings.base")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
