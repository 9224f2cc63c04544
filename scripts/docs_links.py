"""Internal link check of the built documentation site (scripts/docs.sh runs it).

Sphinx's ``linkcheck`` builder fetches external URLs (CI has no network) and its nitpicky mode
checks cross-references, not raw HTML links; this checks what a reader clicks: every ``href`` and
``src`` of every page that points inside the site must name an existing file (a directory's
``index.html`` for dirhtml) and, with a ``#fragment``, an ``id`` on that page. Hand-written (the
standard library's HTML parser; no dependency).

    python scripts/docs_links.py docs/_build/html
"""

import os
import sys
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links = set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src"):
            if a.get(key) and not (tag == "link" and a.get("rel") in ("preconnect",)):
                self.links.append(a[key])


def _parse(path):
    p = _Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    return p


def _target(root, page, url):
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith(("mailto:", "javascript:", "data:")):
        return None, None  # external: not fetched
    path = unquote(parts.path)
    if not path:
        return page, parts.fragment
    t = os.path.normpath(os.path.join(os.path.dirname(page), path))
    if os.path.isdir(t):
        t = os.path.join(t, "index.html")
    if not os.path.realpath(t).startswith(os.path.realpath(root)):
        return t, "outside"
    return t, parts.fragment


def check(root):
    pages = {}
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith(".html"):
                pages[os.path.join(d, f)] = None
    errors, n = [], 0
    for page in sorted(pages):
        parsed = pages[page] or _parse(page)
        pages[page] = parsed
        for url in parsed.links:
            target, frag = _target(root, page, url)
            if target is None:
                continue
            n += 1
            where = f"{os.path.relpath(page, root)}: {url}"
            if frag == "outside":
                errors.append(f"{where}: points outside the site")
            elif not os.path.exists(target):
                errors.append(f"{where}: no such file")
            elif frag and target.endswith(".html"):
                if pages.get(target) is None:
                    pages[target] = _parse(target)
                if frag not in pages[target].ids:
                    errors.append(f"{where}: no #{frag} on that page")
    return n, errors


def main(argv):
    root = argv[1] if len(argv) > 1 else "docs/_build/html"
    n, errors = check(root)
    for e in errors:
        print(f"docs_links: {e}", file=sys.stderr)
    print(f"docs_links: {n} internal links checked, {len(errors)} broken")
    return 1 if errors or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
