#!/usr/bin/env python3
"""Screenshots a local page (HTML or SVG) at its full height with headless Chromium.

Talks to Chromium over its DevTools pipe (--remote-debugging-pipe: commands on fd 3,
replies on fd 4, each a JSON message ending in a NUL byte), so the page is laid out at
the requested width and captured whole, however tall it is. Standard library only.

usage: render_page.py BROWSER PAGE OUT.png WIDTH [SEGMENT]
  WIDTH 0 takes the page's own width (an SVG's size); SEGMENT > 0 also writes the page
  in slices of that many pixels as OUT-01.png, OUT-02.png, ... for viewers that shrink
  tall images.
"""
import base64
import fcntl
import json
import os
import signal
import subprocess
import sys
import tempfile


def main():
    # A browser that never answers must not hang the caller.
    def give_up(signum, frame):
        raise SystemExit("error: chromium did not finish within 120 s")
    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(120)
    browser, page, out, width = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    segment = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    command_read, command_write = os.pipe()
    reply_read, reply_write = os.pipe()
    # Move the child's ends above 10 so that placing them on fds 3 and 4 cannot clash.
    child_in = fcntl.fcntl(command_read, fcntl.F_DUPFD, 10)
    child_out = fcntl.fcntl(reply_write, fcntl.F_DUPFD, 10)
    os.close(command_read)
    os.close(reply_write)

    def plumb():
        os.dup2(child_in, 3)
        os.dup2(child_out, 4)

    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.Popen(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
             "--mute-audio", "--force-device-scale-factor=1", "--remote-debugging-pipe",
             "--user-data-dir=" + profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=plumb)
        os.close(child_in)
        os.close(child_out)
        writer = os.fdopen(command_write, "wb")
        reader = os.fdopen(reply_read, "rb")
        pending = b""
        next_id = [0]

        def receive():
            nonlocal pending
            while b"\0" not in pending:
                chunk = reader.read1(1 << 20)
                if not chunk:
                    raise SystemExit("error: chromium closed the connection")
                pending += chunk
            message, pending = pending.split(b"\0", 1)
            return json.loads(message)

        def send(method, params=None, session=None, wait_event=None):
            next_id[0] += 1
            message = {"id": next_id[0], "method": method, "params": params or {}}
            if session:
                message["sessionId"] = session
            writer.write(json.dumps(message).encode() + b"\0")
            writer.flush()
            result, event_seen = None, wait_event is None
            while result is None or not event_seen:
                reply = receive()
                if reply.get("id") == next_id[0]:
                    if "error" in reply:
                        raise SystemExit(f"error: {method}: {reply['error'].get('message')}")
                    result = reply.get("result", {})
                elif wait_event and reply.get("method") == wait_event:
                    event_seen = True
            return result

        try:
            target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            send("Page.enable", session=session)
            view_width = width if width > 0 else 1200
            send("Emulation.setDeviceMetricsOverride",
                 {"width": view_width, "height": 800, "deviceScaleFactor": 1, "mobile": False}, session)
            send("Page.navigate", {"url": "file://" + page}, session, wait_event="Page.loadEventFired")
            size = send("Page.getLayoutMetrics", session=session)["cssContentSize"]
            full_width = int(size["width"]) if width <= 0 else width
            full_height = max(1, int(size["height"] + 0.5))
            if page.endswith(".svg"):
                # An SVG document's own size: its root element's width and height.
                box = send("Runtime.evaluate", {
                    "expression": "(() => { const r = document.documentElement.getBoundingClientRect(); return [r.width, r.height]; })()",
                    "returnByValue": True}, session)["result"]["value"]
                full_width, full_height = int(box[0] + 0.5), int(box[1] + 0.5)

            def capture(path, y, height):
                shot = send("Page.captureScreenshot", {
                    "format": "png", "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": y, "width": full_width, "height": height, "scale": 1}}, session)
                with open(path, "wb") as f:
                    f.write(base64.b64decode(shot["data"]))

            capture(out, 0, full_height)
            print(f"{out} ({full_width} x {full_height})")
            if segment > 0 and full_height > segment:
                stem = out[:-4] if out.endswith(".png") else out
                for i, y in enumerate(range(0, full_height, segment), start=1):
                    path = f"{stem}-{i:02d}.png"
                    capture(path, y, min(segment, full_height - y))
                    print(path)
            send("Browser.close")
        finally:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
