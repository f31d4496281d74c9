"""The response headers CloudFront adds in front of the public bucket, read from template.yaml.

Locally there is no CloudFront (moto skips distributions and their policies), so whatever serves
the public tree for a browser (the browser tests, ``annual-review local run --serve``) adds the
headers the distribution's response headers policy would: the security headers on every response,
and the CORS headers on cross-origin requests. A setting this module does not know how to act out
is an error, never silently left out.
"""

from __future__ import annotations

import http.server
from collections.abc import Mapping
from typing import Any

from annual_review_tools.local.stack import load_template

_SECURITY = {
    "ContentSecurityPolicy",
    "ContentTypeOptions",
    "FrameOptions",
    "ReferrerPolicy",
    "StrictTransportSecurity",
    "XSSProtection",
}
_POLICY_KEYS = {"Name", "Comment", "CorsConfig", "SecurityHeadersConfig", "CustomHeadersConfig"}


def response_headers_policy(template: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ``ResponseHeadersPolicyConfig`` the distribution's default behaviour uses."""
    template = template or load_template()
    resources = template["Resources"]
    [distribution] = [r for r in resources.values() if r["Type"] == "AWS::CloudFront::Distribution"]
    reference = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"][
        "ResponseHeadersPolicyId"
    ]
    policy = resources[reference["Ref"]]["Properties"]["ResponseHeadersPolicyConfig"]
    unknown = set(policy) - _POLICY_KEYS
    if unknown:
        raise ValueError(f"response headers policy settings not acted out locally: {unknown}")
    return policy  # type: ignore[no-any-return]


def _hsts(config: Mapping[str, Any]) -> str:
    value = f"max-age={config['AccessControlMaxAgeSec']}"
    if config.get("IncludeSubdomains"):
        value += "; includeSubDomains"
    if config.get("Preload"):
        value += "; preload"
    return value


def _xss(config: Mapping[str, Any]) -> str:
    if not config.get("Protection"):
        return "0"
    if config.get("ModeBlock"):
        return "1; mode=block"
    return f"1; report={config['ReportUri']}" if config.get("ReportUri") else "1"


def security_headers(policy: Mapping[str, Any]) -> dict[str, str]:
    """The headers the policy puts on every response."""
    security = policy.get("SecurityHeadersConfig", {})
    unknown = set(security) - _SECURITY
    if unknown:
        raise ValueError(f"security headers not acted out locally: {unknown}")
    headers: dict[str, str] = {}
    if "ContentSecurityPolicy" in security:
        headers["Content-Security-Policy"] = security["ContentSecurityPolicy"][
            "ContentSecurityPolicy"
        ]
    if "ContentTypeOptions" in security:
        headers["X-Content-Type-Options"] = "nosniff"
    if "FrameOptions" in security:
        headers["X-Frame-Options"] = security["FrameOptions"]["FrameOption"]
    if "ReferrerPolicy" in security:
        headers["Referrer-Policy"] = security["ReferrerPolicy"]["ReferrerPolicy"]
    if "StrictTransportSecurity" in security:
        headers["Strict-Transport-Security"] = _hsts(security["StrictTransportSecurity"])
    if "XSSProtection" in security:
        headers["X-XSS-Protection"] = _xss(security["XSSProtection"])
    for item in policy.get("CustomHeadersConfig", {}).get("Items", []):
        headers[item["Header"]] = item["Value"]
    return headers


def cors_headers(policy: Mapping[str, Any], origin: str | None, preflight: bool) -> dict[str, str]:
    """The CORS headers for a request from ``origin`` (none for a request without Origin)."""
    cors = policy.get("CorsConfig")
    if cors is None or origin is None:
        return {}
    origins = cors["AccessControlAllowOrigins"]["Items"]
    if "*" not in origins and origin not in origins:
        return {}
    headers = {"Access-Control-Allow-Origin": "*" if "*" in origins else origin}
    if cors.get("AccessControlAllowCredentials"):
        headers["Access-Control-Allow-Credentials"] = "true"
    if preflight:
        headers["Access-Control-Allow-Methods"] = ", ".join(
            cors["AccessControlAllowMethods"]["Items"]
        )
        headers["Access-Control-Allow-Headers"] = ", ".join(
            cors["AccessControlAllowHeaders"]["Items"]
        )
        if "AccessControlMaxAgeSec" in cors:
            headers["Access-Control-Max-Age"] = str(cors["AccessControlMaxAgeSec"])
    elif cors.get("AccessControlExposeHeaders"):
        headers["Access-Control-Expose-Headers"] = ", ".join(
            cors["AccessControlExposeHeaders"]["Items"]
        )
    return headers


class CloudFrontHeaders(http.server.SimpleHTTPRequestHandler):
    """A static file handler that answers with the distribution's response headers."""

    policy: Mapping[str, Any] = {}

    def end_headers(self) -> None:
        preflight = self.command == "OPTIONS"
        headers = security_headers(self.policy) | cors_headers(
            self.policy, self.headers.get("Origin"), preflight
        )
        for name, value in headers.items():
            self.send_header(name, value)
        super().end_headers()

    def do_OPTIONS(self) -> None:
        self.send_response(204)
        self.end_headers()


def handler_with_policy(
    base: type[http.server.SimpleHTTPRequestHandler], policy: Mapping[str, Any] | None = None
) -> type[CloudFrontHeaders]:
    """``base`` (content types, logging) answering with the template's response headers."""
    found = response_headers_policy() if policy is None else policy
    return type(f"CloudFront{base.__name__}", (CloudFrontHeaders, base), {"policy": found})
