"""Revocable JWTs. Refresh tokens rotate and a used one is blacklisted (simplejwt's
token_blacklist); every token carries a stamp of the user's credentials, so a password
change or reset refuses the access tokens issued before it too; `revoke_all` blacklists
every outstanding refresh token of a user (logout, password change, deactivation)."""

import hmac

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication, serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken, TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import aware_utcnow

CLAIM = "crd"


def credentials_stamp(user) -> str:
    """Changes whenever the password does (an HMAC of the password hash, like the
    session's auth hash); says nothing about the password itself."""
    return user.get_session_auth_hash()[:20]


def revoke_all(user) -> int:
    """Blacklist every refresh token of `user` that is not yet; returns how many."""
    pending = OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True)
    rows = [BlacklistedToken(token=token) for token in pending]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


class TokenObtainPairSerializer(serializers.TokenObtainPairSerializer):
    @classmethod
    def get_token(cls, user):
        token = super().get_token(user)
        token[CLAIM] = credentials_stamp(user)
        return token


# Access tokens this process has verified (signature, type, claims), by their text:
# a mobile client sends the same token for up to 15 minutes, and checking its
# signature again gives the same answer every time. What can change, the expiry, is
# checked again on every use; the user and the credentials stamp are read every time.
_VERIFIED: dict[bytes, object] = {}
_VERIFIED_MAX = 4096


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's authentication plus the credentials stamp: a token issued before the
    user's password last changed is refused (401)."""

    def get_validated_token(self, raw_token):
        token = _VERIFIED.get(raw_token)
        if token is not None:
            try:
                token.check_exp(current_time=aware_utcnow())
            except TokenError:
                _VERIFIED.pop(raw_token, None)  # simplejwt's own check says why below
            else:
                return token
        token = super().get_validated_token(raw_token)
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[raw_token] = token
        return token

    def get_user(self, validated_token):
        user = self._user_of(validated_token)
        stamp = validated_token.get(CLAIM)
        if not isinstance(stamp, str) or not hmac.compare_digest(stamp, credentials_stamp(user)):
            raise AuthenticationFailed(_("The token has been revoked."), code="token_revoked")
        return user

    def _user_of(self, validated_token):
        """simplejwt's `get_user`, reading the user (and their service centres) in one
        prepared query (accounts.selectors.request_user)."""
        from accounts.selectors import request_user

        try:
            pk = int(validated_token[api_settings.USER_ID_CLAIM])
        except (KeyError, TypeError, ValueError) as error:
            raise InvalidToken(_("Token contained no recognizable user identification")) from error
        user = request_user(pk)
        if user is None:
            raise AuthenticationFailed(_("User not found"), code="user_not_found")
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        return user  # simplejwt's CHECK_REVOKE_TOKEN is off: the credentials stamp does it


class JWTScheme(SimpleJWTScheme):
    """The schema's bearer scheme for this authentication class."""

    target_class = "accounts.tokens.JWTAuthentication"
