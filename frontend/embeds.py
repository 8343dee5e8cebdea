"""Video addresses turned into player addresses, for the two hosts whose players we embed. No database."""

import re
from urllib.parse import parse_qs, urlsplit

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com"}
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com", "player.vimeo.com"}


def embed_url(url: str) -> str | None:
    """The player address of a YouTube or Vimeo video; None for any other address.

    Only an id that matches the host's id pattern is put in the player address,
    so an address written by hand can never smuggle anything else into the page.
    """
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https"):
        return None
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    if host == "youtu.be" and segments:
        return _youtube(segments[0])
    if host in YOUTUBE_HOSTS:
        if segments[:1] == ["watch"]:
            return _youtube(parse_qs(parts.query).get("v", [""])[0])
        if len(segments) >= 2 and segments[0] in ("embed", "shorts", "live", "v"):
            return _youtube(segments[1])
    if host in VIMEO_HOSTS and segments:
        return _vimeo(segments[-1])
    return None


def _youtube(video_id: str) -> str | None:
    # The no-cookie host sets no tracking cookies until the learner presses play.
    return f"https://www.youtube-nocookie.com/embed/{video_id}" if YOUTUBE_ID.match(video_id) else None


def _vimeo(video_id: str) -> str | None:
    return f"https://player.vimeo.com/video/{video_id}" if VIMEO_ID.match(video_id) else None
