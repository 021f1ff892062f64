"""python-requests picks the session up again after JavaScript used it (continue.mjs).

    python3 back.py
"""
import json

import requests

with open("handoff.json") as f:
    handoff = json.load(f)

s = requests.Session()
s.headers.update(handoff["headers"])
s.auth = tuple(handoff["auth"])
for c in handoff["cookies"]:
    s.cookies.set(
        c["name"],
        c["value"],
        domain=c["domain"],
        path=c["path"],
        secure=c["secure"],
        expires=None if c["expires"] is None else int(c["expires"] // 1000),
    )

print("python sends:", s.get(handoff["baseURL"] + "/cookies").json()["cookies"])
