"""When the user first sees the page, from the X server's side (issue 17).

Waits for a top-level window whose name contains NAME to be mapped, then reads the
400x300 pixels at its top left (the sidebar in Studydesk, the row in the bare app) every
2 ms until they hold more than 4 colours (text drawn). Prints one JSON line: ms from
LAUNCHED (Unix seconds, taken just before the app was started) to the map and to the first
drawn pixels, and the colours seen before (000000: the window not yet drawn at all).

    python watch.py NAME LAUNCHED

The page's own "ready" (scripts/bench-startup.sh) is a frame the page has produced; this is
the frame on screen, which comes later in both apps (docs/benchmarks.md).
"""
import json
import sys
import time

from Xlib import X, display


def find(window, name):
    """The viewable top-level window named like `name` under `window`, or None."""
    try:
        for child in window.query_tree().children:
            title = child.get_wm_name()
            if isinstance(title, str):
                title = title.encode()
            if title and name in title and child.get_attributes().map_state == X.IsViewable:
                return child
            found = find(child, name)
            if found:
                return found
    except Exception:  # a window that went away while the tree was read
        return None
    return None


def main():
    name, launched = sys.argv[1].encode(), float(sys.argv[2])
    root = display.Display().screen().root
    window = None
    while window is None and time.time() - launched < 20:
        window = find(root, name)
        if window is None:
            time.sleep(0.001)
    if window is None:
        print(json.dumps({"error": "no window"}))
        return 1
    mapped, drawn, blank = time.time(), None, set()
    while time.time() - mapped < 5:
        data = window.get_image(0, 0, 400, 300, X.ZPixmap, 0xFFFFFFFF).data
        colours = {data[i : i + 3].hex() for i in range(0, len(data) - 4, 4 * 7)}
        if len(colours) > 4:
            drawn = time.time()
            break
        blank |= colours
        time.sleep(0.002)
    ms = lambda t: round((t - launched) * 1000) if t else None
    print(json.dumps({"mapped": ms(mapped), "drawn": ms(drawn), "blank": sorted(blank)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
