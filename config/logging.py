import logging
import re

# Values after these words are replaced wherever a log line carries them.
SECRET_PATTERN = re.compile(
    r"(?i)(password|passwd|token|authorization|secret|csrfmiddlewaretoken|sessionid)(['\"]?\s*[:=]\s*['\"]?)([^\s'\",&}]+)"
)

CREDENTIAL_PATTERN = re.compile(r"\b(Token|Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+")


# Invitation and password-reset links carry a one-use token as a path segment.
LINK_TOKEN_PATTERN = re.compile(r"(/accounts/(?:invite|reset)/[^/\s]+/)(?!set-password/)[^/\s]+")


def redact(text: str) -> str:
    text = CREDENTIAL_PATTERN.sub(r"\1 [redacted]", text)
    text = LINK_TOKEN_PATTERN.sub(r"\1[redacted]", text)
    return SECRET_PATTERN.sub(r"\1\2[redacted]", text)


class RedactSecrets(logging.Filter):
    """Keeps passwords, tokens and session ids out of every log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
