"""Routes of the emulated Exact Online site: OAuth, the user endpoint, and everything under a division."""

from __future__ import annotations

import re

from werkzeug.routing import Map, Rule

URL_MAP = Map(
    [
        Rule("/api/oauth2/auth", endpoint="authorize", methods=["GET"]),
        Rule("/api/oauth2/token", endpoint="token", methods=["POST"]),
        Rule("/api/v1/current/Me", endpoint="me", methods=["GET"]),
        Rule("/api/v1/<int:division>/<path:resource>", endpoint="division"),
        Rule("/api/v1/beta/<int:division>/<path:resource>", endpoint="division"),
    ],
    strict_slashes=False,
)

# "crm/Accounts", "crm/Accounts(guid'…')", "crm/Accounts/$count", "salesorder/SalesOrders(guid'…')/SalesOrderLines"
RESOURCE = re.compile(r"^(?P<path>[A-Za-z]+(?:/[A-Za-z]+)*)(?:\((?P<key>[^)]*)\))?(?:/(?P<nav>\$?[A-Za-z]+))?$")
GUID_KEY = re.compile(r"^(?:guid)?'?([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})'?$")
