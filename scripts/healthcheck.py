"""The container's health check: exits 0 when /healthz says the database and broker are up.

Django refuses a Host header it does not know, so the request names the first
host of ALLOWED_HOSTS.
"""

import os
import sys
import urllib.request

hosts = [host.strip().lstrip(".") for host in os.environ.get("ALLOWED_HOSTS", "").split(",")]
host = next((host for host in hosts if host and host != "*"), "localhost")
request = urllib.request.Request(
    f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz", headers={"Host": host}
)
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:  # HTTPError (503: something is down) and connection errors alike
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
