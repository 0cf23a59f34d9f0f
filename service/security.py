"""What every answer carries for browsers (security headers) and what a request may send (sizes)."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from service.errors import HeaderTooLarge

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "NEGOTIATED_HEADERS", "register_security"]

#: The one inline stylesheet allowed, by its hash: the table view of YASGUI 4.6.2 (its
#: column-resizer) inserts this constant ``<style>`` (``.grip-resizable{table-layout:fixed;}
#: ...``) when it draws a table. Another YASGUI may change it: the browser tests fail on any
#: CSP violation.
YASGUI_TABLE_STYLE = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"
#: The other: Cytoscape.js 3.33 (the networks page) inserts this constant ``<style>``
#: (``.__________cytoscape_container { position: relative; }``) once per page.
CYTOSCAPE_CONTAINER_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"

#: The pages load only the server's own scripts, styles, images and fonts: no inline script
#: or style (the pages' own are files under /static/, pyLODE's stylesheet is linked; the
#: exceptions are :data:`YASGUI_TABLE_STYLE` and :data:`CYTOSCAPE_CONTAINER_STYLE`), no
#: eval (neither YASGUI nor Swagger UI needs it: their ``eval``/``Function`` calls are
#: fallbacks for old browsers), no plugins, no framing.
#: ``data:`` images and fonts are the icons inside YASGUI's, Swagger UI's and pyLODE's
#: stylesheets. ``<script type="application/ld+json">`` and ``application/json`` blocks are
#: data: browsers do not execute them, so they need no allowance. ``connect-src 'self'``:
#: YASGUI and Swagger UI call this server only.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {YASGUI_TABLE_STYLE} {CYTOSCAPE_CONTAINER_STYLE}",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])

#: Headers on every answer, whatever its type: a JSON error that echoes ``<script>`` from the
#: request must never be sniffed as HTML, and an SVG picture opened on its own is a document
#: too.
SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

#: Request headers the app parses to negotiate (the work grows with their length), and so
#: bounded by ``IKG_MAX_ACCEPT_BYTES``.
NEGOTIATED_HEADERS = ("Accept", "Accept-Encoding")


def register_security(app: Flask) -> None:
    """Bound request bodies by ``IKG_MAX_BODY_BYTES`` (Flask refuses a longer one with a 413
    when the view reads it), refuse over-long negotiation headers before any view runs, and
    put :data:`SECURITY_HEADERS` on every answer."""
    limit = app.config["IKG_MAX_BODY_BYTES"]
    app.config["MAX_CONTENT_LENGTH"] = limit
    # Flask 3.1 also caps each field of a multipart form at 500 kB by default: an update
    # POSTed as multipart/form-data gets the same room as one sent in any other way
    app.config["MAX_FORM_MEMORY_SIZE"] = limit

    @app.before_request
    def _bounded_headers() -> None:
        most = current_app.config["IKG_MAX_ACCEPT_BYTES"]
        for name in NEGOTIATED_HEADERS:
            size = len(request.headers.get(name, ""))
            if size > most:
                raise HeaderTooLarge(f"the {name} header is {size:,} bytes long; this server "
                                     f"reads at most {most:,}", {"header": name, "limit": most})

    @app.after_request
    def _security_headers(resp: Response) -> Response:
        resp.headers.update(SECURITY_HEADERS)
        return resp
