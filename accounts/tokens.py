"""Revocable JWTs. Refresh tokens rotate and a used one is blacklisted (simplejwt's
token_blacklist); every token carries a stamp of the user's credentials, so a password
change or reset refuses the access tokens issued before it too; `revoke_all` blacklists
every outstanding refresh token of a user (logout, password change, deactivation)."""

import hmac

from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt import authentication, serializers
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

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


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt's authentication plus the credentials stamp: a token issued before the
    user's password last changed is refused (401)."""

    def get_user(self, validated_token):
        user = super().get_user(validated_token)
        stamp = validated_token.get(CLAIM)
        if not isinstance(stamp, str) or not hmac.compare_digest(stamp, credentials_stamp(user)):
            raise AuthenticationFailed(_("The token has been revoked."), code="token_revoked")
        return user


class JWTScheme(SimpleJWTScheme):
    """The schema's bearer scheme for this authentication class."""

    target_class = "accounts.tokens.JWTAuthentication"
