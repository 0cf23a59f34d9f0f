"""What every answer carries for browsers: the security headers, the Content-Security-Policy."""

from __future__ import annotations

from flask import Flask, Response

__all__ = ["CONTENT_SECURITY_POLICY", "SECURITY_HEADERS", "register_security"]

#: The one inline stylesheet allowed, by its hash: the table view of YASGUI 4.6.2 (its
#: column-resizer) inserts this constant ``<style>`` (``.grip-resizable{table-layout:fixed;}
#: ...``) when it draws a table. Another YASGUI may change it: the browser tests fail on any
#: CSP violation.
YASGUI_TABLE_STYLE = "'sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk='"

#: The pages load only the server's own scripts, styles, images and fonts: no inline script
#: or style (the pages' own are files under /static/, pyLODE's stylesheet is linked; the one
#: exception is :data:`YASGUI_TABLE_STYLE`), no eval (neither YASGUI nor Swagger UI needs it:
#: their ``eval``/``Function`` calls are fallbacks for old browsers), no plugins, no framing.
#: ``data:`` images and fonts are the icons inside YASGUI's, Swagger UI's and pyLODE's
#: stylesheets. ``<script type="application/ld+json">`` and ``application/json`` blocks are
#: data: browsers do not execute them, so they need no allowance. ``connect-src 'self'``:
#: YASGUI and Swagger UI call this server only.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    f"style-src 'self' {YASGUI_TABLE_STYLE}",
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


def register_security(app: Flask) -> None:
    """Put :data:`SECURITY_HEADERS` on every answer."""

    @app.after_request
    def _security_headers(resp: Response) -> Response:
        resp.headers.update(SECURITY_HEADERS)
        return resp
