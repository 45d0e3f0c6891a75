"""Render a certificate (signed or not) as a printable, self-contained HTML page.

Example:
    >>> html = certificate_html({"certificate": {"verdict": "pass", "subject": "Drone X",
    ...     "findings": [], "lists": [], "bom": {}, "rule_pack": {}}, "signature": None})
    >>> "PASS" in html and "not signed" in html
    True
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["certificate_html"]


def certificate_html(document: dict) -> str:
    """HTML for a certificate file's content (``{"certificate": ..., "signature": ...}``)."""
    environment = Environment(loader=PackageLoader("paxsilica.report", "templates"),
                              autoescape=select_autoescape(["html", "j2"]))
    template = environment.get_template("certificate.html.j2")
    return template.render(cert=document["certificate"], signature=document.get("signature"))
