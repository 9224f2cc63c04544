"""Progress lines on stderr (stdout carries the summary)."""

import sys
import time


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
