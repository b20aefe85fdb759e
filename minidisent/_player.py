"""The player of the chapters' animations: a matplotlib FuncAnimation as self-contained HTML
(offline_html; animate draws and closes a figure's frames). Every frame is an embedded PNG,
the buttons are plain Unicode glyphs, nothing is fetched from the network, and the same
frames give the same bytes."""
import hashlib
import re

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation

DPI = 60
FRAME_MS = 600
# matplotlib's player links an icon font from a CDN; offline, the buttons get these glyphs.
_ICONS = {"minus": "\u2212", "fast-backward": "\u23ee", "step-backward": "\u25c0\u2009|",
          "play fa-flip-horizontal": "\u25c0", "pause": "\u23f8", "play": "\u25b6",
          "step-forward": "|\u2009\u25b6", "fast-forward": "\u23ed", "plus": "+"}
_FIRST_FRAME = re.compile(r'frames\[0\] = "(data:image/png;base64,(?:[A-Za-z0-9+/=]|\\\n)*)"')
_UID = re.compile(r'<img id="_anim_img([0-9a-f]{32})"')
_ICON_LINK = re.compile(r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">')


def offline_html(animation):
    """FuncAnimation -> HTML string (to_jshtml) with no URL in it."""
    if not isinstance(animation, FuncAnimation):
        raise TypeError(f"animation: expected a matplotlib FuncAnimation, "
                        f"got {type(animation).__name__}")
    html = animation.to_jshtml(default_mode="loop")
    # matplotlib names the player's elements with a fresh uuid4 on every call; the name is
    # replaced by a hash of the HTML, so the same frames give the same bytes (a chapter
    # executed twice is the same file)
    uid = _UID.search(html)
    if uid:
        digest = hashlib.sha1(html.replace(uid.group(1), "").encode()).hexdigest()[:32]
        html = html.replace(uid.group(1), digest)
    html, count = _ICON_LINK.subn("", html)
    if count != 1:
        raise ValueError("animation: expected matplotlib's player with one icon-font link, "
                         f"got {count} (a to_jshtml this module does not know)")
    for name, glyph in _ICONS.items():
        html = html.replace(f'<i class="fa fa-{name}"></i>', f"<span>{glyph}</span>")
    # The first frame as the image's own source: a viewer that runs no script (an untrusted
    # notebook, a static renderer) still shows a picture instead of an empty frame.
    first = _FIRST_FRAME.search(html)
    if first:
        source = first.group(1).replace("\\\n", "")
        html = re.sub(r'<img id="(_anim_img[0-9a-f]+)">', rf'<img id="\1" src="{source}">', html,
                      count=1)
    return html


def animate(fig, frame, frames):
    """frame(i) redraws the figure for frame i of range(frames) -> HTML; closes fig."""
    html = offline_html(FuncAnimation(fig, frame, frames=frames, interval=FRAME_MS))
    plt.close(fig)
    return html
