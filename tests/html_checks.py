"""What a Content-Security-Policy of style-src 'self' and script-src 'self' refuses in HTML."""

from __future__ import annotations

from html.parser import HTMLParser


class InlineCode(HTMLParser):
    """Finds what a style-src 'self' and script-src 'self' policy forbids in a document."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if tag == "style":
            self.found.append("<style>")
        if "style" in names:
            self.found.append(f"<{tag} style=...>")
        if tag == "script" and "src" not in names:
            self.found.append("inline <script>")
        self.found += [f"<{tag} {name}=...>" for name in names if name.startswith("on")]
