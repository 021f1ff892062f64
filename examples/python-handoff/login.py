"""python-requests logs in, then hands its session to JavaScript in handoff.json.

    python3 login.py        (then: node continue.mjs, then: python3 back.py)

HTTPBIN is an httpbin to talk to (default http://127.0.0.1:8080:
`python3 -m httpbin.core --port 8080`).
"""
import json
import os

import requests

BASE = os.environ.get("HTTPBIN", "http://127.0.0.1:8080")

s = requests.Session()
s.headers.update({"x-client": "python"})
s.auth = ("ada", "lovelace")
s.get(BASE + "/basic-auth/ada/lovelace").raise_for_status()
s.get(BASE + "/cookies/set", params={"session": "from-python"})


def cookie_to_json(c):
    """One cookie as fetch-session's jar.set() takes it (expires in ms, or None)."""
    return {
        "name": c.name,
        "value": c.value,
        "domain": c.domain.lstrip("."),
        "path": c.path,
        "secure": bool(c.secure),
        "hostOnly": not c.domain_specified,
        "expires": None if c.expires is None else c.expires * 1000,
    }


handoff = {
    "baseURL": BASE,
    # requests' own defaults (User-Agent, Accept…) stay behind; yours travel.
    "headers": {k: v for k, v in s.headers.items() if k.lower() == "x-client"},
    "auth": list(s.auth),
    "cookies": [cookie_to_json(c) for c in s.cookies],
}
with open("handoff.json", "w") as f:
    json.dump(handoff, f, indent=2)
os.chmod("handoff.json", 0o600)  # it holds the login: keep it like a password
print("python logged in, cookies:", sorted(c["name"] for c in handoff["cookies"]))
