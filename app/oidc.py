"""Sign-in with an OpenID Connect provider (Microsoft Entra ID): code flow with PKCE.

Authlib keeps `state`, `nonce` and the PKCE verifier in the session between the two requests,
checks `state` on the way back and the ID token's signature (the issuer's JWKS), issuer,
audience, expiry and `nonce` before we look at who it is.
"""

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, current_app, render_template, request, session
from joserfc.errors import JoseError

from boards import sign_in
from boards.errors import N_

from .auth import begin_login, safe_next, security_event
from .i18n import translate_error
from .public_url import public_url as absolute_url
from .writes import write

bp = Blueprint("oidc", __name__)
DEFAULT_SCOPES = "openid email profile"


def init_app(app):
    """Register the provider and its routes when OIDC_ISSUER is set."""
    if not app.config.get("OIDC_ISSUER"):
        return
    issuer = app.config["OIDC_ISSUER"].rstrip("/")
    oauth = OAuth(app)
    oauth.register(
        "oidc", client_id=app.config.get("OIDC_CLIENT_ID"),
        client_secret=app.config.get("OIDC_CLIENT_SECRET"),
        server_metadata_url=f"{issuer}/.well-known/openid-configuration",
        client_kwargs={"scope": app.config.get("OIDC_SCOPES") or DEFAULT_SCOPES,
                       "code_challenge_method": "S256", "timeout": 10})
    app.extensions["verbeterbord.oidc"] = oauth.create_client("oidc")
    app.register_blueprint(bp)


def provider():
    """The registered Authlib client, or None when OIDC is not configured."""
    return current_app.extensions.get("verbeterbord.oidc")


@bp.route("/login/oidc")
def start():
    """Send the browser to the provider (with state, nonce and a PKCE challenge)."""
    session["oidc_next"] = safe_next(request.args.get("next"))
    try:
        return provider().authorize_redirect(absolute_url("oidc.callback"))
    except (requests.RequestException, ValueError):  # discovery document unreachable or broken
        current_app.logger.error("OIDC provider %s does not answer",
                                 current_app.config["OIDC_ISSUER"], exc_info=True)
        return refused(503, N_("The sign-in service cannot be reached. Try again later."))


@bp.route("/login/oidc/callback")
def callback():
    """Back from the provider: check everything, find the person, start the same login session.

    A GET that writes (the login session), as the protocol's redirect requires.
    """
    try:
        token = provider().authorize_access_token()
    except (AuthlibBaseError, JoseError, requests.RequestException, RuntimeError,
            ValueError) as error:
        current_app.logger.warning("OIDC sign-in refused", exc_info=True)
        failed(type(error).__name__)  # a wrong state, nonce or signature, or no answer
        return refused(400, None)
    claims = token.get("userinfo")
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    if not claims or claims.get("iss", "").rstrip("/") != issuer:
        failed("wrong issuer")
        return refused(400, None)
    try:
        person = write(sign_in.person_for_sign_in, claims["iss"], dict(claims),
                       auto_create=current_app.config.get("OIDC_AUTO_CREATE", False))
    except sign_in.Refused as error:
        failed(error.message, claims)
        return refused(403, error.message)
    target = session.pop("oidc_next", None) or safe_next(None)
    begin_login(person, method="oidc")
    # Kept for RP-initiated logout: the provider ends its own session for this token.
    session["oidc_id_token"] = token.get("id_token")
    return current_app.redirect(target)


def failed(reason, claims=None):
    """A refused sign-in goes to the security log, with the address the provider named."""
    claims = claims or {}
    email = claims.get("email") or claims.get("preferred_username") or ""
    subject = {"subject": claims["sub"]} if claims.get("sub") else {}
    security_event("login", outcome="failure", method="oidc", email=email, detail=reason,
                   **subject)


def refused(status, message):
    """A clear page: what went wrong and what to do; nobody is logged in."""
    page = render_template("auth/refused.html",
                           message=translate_error(message) if message else None,
                           provider_name=current_app.config.get("OIDC_DISPLAY_NAME"))
    return page, status


def logout_url(id_token):
    """Where to send the browser after logging out here: the provider's end-session endpoint."""
    client = provider()
    if client is None or not id_token:
        return None
    try:
        return client.create_logout_url(
            post_logout_redirect_uri=absolute_url("auth.login"), id_token_hint=id_token,
            client_id=current_app.config.get("OIDC_CLIENT_ID"))["url"]
    except (AuthlibBaseError, requests.RequestException, RuntimeError, ValueError):
        return None  # no end_session_endpoint, or the provider is unreachable: logged out here
