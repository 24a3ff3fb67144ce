"""Access rows for signing in and out, passwords, invitations and one-time codes."""

from tests.access.matrix import DONE, SIGNED_IN, PostRow, Row, everyone

# A link whose token was never issued: the pages answer 200 and explain that the link does not work.
BOGUS_LINK = {"uidb64": "MQ", "token": "bogus-token"}

ROWS = [
    # A signed-in person may still see the sign-in page, to sign in as someone else.
    Row("cscp:sign-in", everyone(200)),
    # Django's LogoutView takes POST only, from anyone (signing out when already out is harmless).
    Row("cscp:sign-out", everyone(405), note="a GET to a POST-only action"),
    Row("cscp:signed-out", everyone(200)),
    Row("cscp:account", SIGNED_IN),
    Row("cscp:account-name", SIGNED_IN),
    Row("cscp:account-email", SIGNED_IN),
    # The link sent to a new email address proves the address itself: it works signed in or not, like an unlock link.
    Row("cscp:account-email-confirm", everyone(200), kwargs=lambda p: {"token": "bogus"}, note="a link that fails"),
    Row("cscp:password-change", SIGNED_IN),
    Row("cscp:password-change-done", SIGNED_IN),
    # Resetting a forgotten password is for people who cannot sign in; a signed-in person may use it too.
    Row("cscp:password-reset", everyone(200)),
    Row("cscp:password-reset-done", everyone(200)),
    Row("cscp:password-reset-confirm", everyone(200), kwargs=lambda p: BOGUS_LINK, note="a link that does not work"),
    Row("cscp:password-reset-complete", everyone(200)),
    Row("cscp:set-password", everyone(200), kwargs=lambda p: BOGUS_LINK, note="an invitation that does not work"),
    # Unlocking an account by an emailed link is for people who cannot sign in: public, like a password reset.
    Row("cscp:account-unlock", everyone(200)),
    Row("cscp:account-unlock-sent", everyone(200)),
    Row("cscp:account-unlock-confirm", everyone(200), kwargs=lambda p: {"token": "bogus"}, note="a link that fails"),
    # Anyone signed in may set up an authenticator app; REQUIRE_MFA decides who must.
    Row("cscp:mfa-setup", SIGNED_IN),
    Row("cscp:mfa-verify", SIGNED_IN),
    Row("cscp:mfa-password", SIGNED_IN),
]

POSTS = [
    # Anyone may sign out, signed in or not.
    PostRow("cscp:sign-out", everyone(DONE)),
]
