"""Video lessons are embedded only from YouTube and Vimeo, and only with an id of the host's own shape."""

import pytest

from frontend.embeds import embed_url

NOCOOKIE = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://www.youtube.com/embed/dQw4w9WgXcQ",
    "https://www.youtube.com/shorts/dQw4w9WgXcQ",
])
def test_youtube_addresses_become_the_no_cookie_player(url):
    assert embed_url(url) == NOCOOKIE


@pytest.mark.parametrize("url", ["https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"])
def test_vimeo_addresses_become_the_vimeo_player(url):
    assert embed_url(url) == "https://player.vimeo.com/video/76979871"


@pytest.mark.parametrize("url", [
    "https://video.example.vn/xem/42",
    "https://www.youtube.com/watch?v=short",
    'https://www.youtube.com/watch?v=dQw4w9WgXc"',
    "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
    "javascript:alert(1)//youtu.be/dQw4w9WgXcQ",
    "https://vimeo.com/channels/staffpicks",
    "",
])
def test_anything_else_is_not_embedded(url):
    assert embed_url(url) is None
