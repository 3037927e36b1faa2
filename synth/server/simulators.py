"""Stateful domain simulators: calendar, shopping cart, file store, bank account.

Enough state for multi-turn workflows to be consistent (an event created in turn 1 can be moved
in turn 3; a transfer changes both balances; a checkout empties the cart and creates an order),
results shaped like the catalog's ``returns`` schemas, and the caller's mistakes reported as
:class:`ToolError`. Every session starts from a small seeded world (two accounts with history,
a few files, a few events, a product catalogue and past orders) so single requests such as
"lock my card ending 4821" have something real to act on; :func:`known_values` tells the
recipes which identifiers exist.
"""

from __future__ import annotations

import difflib
import fnmatch
import posixpath
import random
import re
from datetime import date, datetime, timedelta
from typing import Any, Callable

from .executors import State, ToolError, arg, day_of
from .values import COMPANIES, PRODUCTS, SENTENCES, anchor_date, stable_seed

Executor = Callable[[State, dict[str, Any]], Any]
_NOW = datetime.combine(anchor_date(), datetime.min.time()) + timedelta(hours=9)
_SPEND = "groceries dining transport housing utilities health entertainment travel shopping other".split()


def _now(state: State) -> str:
    """Simulated wall clock: every state change moves it forward a minute (deterministic)."""
    return (_NOW + timedelta(minutes=state.counter)).isoformat()


# --- initial worlds -------------------------------------------------------------------------------


def _initial_bank(rng: random.Random) -> dict[str, Any]:
    accounts: dict[str, Any] = {}
    for kind, nickname in (("checking", "Everyday"), ("savings", "Rainy day")):
        number = f"ACC-{rng.randint(10000, 99999)}"
        balance = round(rng.uniform(1500, 9000), 2)
        history = []
        for index in range(rng.randint(4, 8)):
            category = rng.choice(_SPEND)
            amount = -round(rng.uniform(4, 180), 2)
            history.append({"transaction_id": f"TXN-{number[-3:]}{index:02d}",
                            "date": (anchor_date() - timedelta(days=3 * index + rng.randint(0, 2))).isoformat(),
                            "amount": amount, "description": f"{rng.choice(COMPANIES)} ({category})",
                            "category": category, "balance_after": round(balance - 20 * index, 2)})  # fmt: skip
        accounts[number] = {"account_id": number, "nickname": nickname, "kind": kind, "balance": balance,
                            "currency": "USD", "closed": False, "transactions": history}  # fmt: skip
    payees = {}
    for kind in ("utility", "business"):
        payee_id = f"PAY-{rng.randint(1000, 9999)}"
        payees[payee_id] = {"payee_id": payee_id, "display_name": rng.choice(COMPANIES), "kind": kind,
                            "account_number": f"GB{rng.randint(10, 99)}BANK{rng.randint(10**7, 10**8 - 1)}"}  # fmt: skip
    cards = {f"{rng.randint(1000, 9999)}": {"locked": False, "locked_at": None} for _ in range(2)}
    return {"accounts": accounts, "payees": payees, "cards": cards, "budgets": {}, "transfers": []}


def _initial_files(rng: random.Random) -> dict[str, Any]:
    dirs = ["/home/user", "/home/user/archive", "/home/user/docs", "/home/user/workbench"]
    files: dict[str, Any] = {}
    for folder in ("docs", "workbench", "archive"):
        for _ in range(2):
            name = f"{rng.choice(('notes', 'budget', 'plan', 'todo', 'report'))}_{rng.randint(1, 9)}.txt"
            lines = rng.sample(SENTENCES, k=rng.randint(1, 4))
            modified = (_NOW - timedelta(days=rng.randint(1, 90), minutes=rng.randint(0, 600))).isoformat()
            files[f"/home/user/{folder}/{name}"] = {"content": "\n".join(lines), "modified": modified}
    return {"files": files, "dirs": dirs, "cwd": "/home/user"}


def _initial_calendar(rng: random.Random) -> dict[str, Any]:
    events = {}
    for index in range(3):
        day = anchor_date() + timedelta(days=rng.randint(0, 10))
        start = datetime.combine(day, datetime.min.time()) + timedelta(hours=8 + 3 * index, minutes=30)
        event_id = f"EVT-{rng.randint(100, 999)}{index}"
        events[event_id] = {"event_id": event_id, "title": rng.choice(("Dentist", "Team sync", "Yoga", "Budget review",
                                                                       "Call with landlord", "Book club")),
                            "start": start.isoformat(), "end": (start + timedelta(minutes=45)).isoformat(),
                            "location": None, "reminders": [], "response": None,
                            "attendees": [f"{rng.choice(('ana', 'li', 'omar', 'kai', 'eva'))}{index}@example.com"]}  # fmt: skip
    return {"events": events}


_DEPARTMENTS = "electronics home garden clothing shoes toys books beauty sports grocery".split()


def _initial_cart(rng: random.Random) -> dict[str, Any]:
    products = {}
    for index, title in enumerate(PRODUCTS):
        product_id = f"SKU-{stable_seed('sku', title) % 90000 + 10000}"
        products[product_id] = {"product_id": product_id, "title": title.title(),
                                "price": round(5 + stable_seed("price", title) % 29500 / 100, 2),
                                "department": _DEPARTMENTS[index % len(_DEPARTMENTS)],
                                "rating": round(3 + stable_seed("rating", title) % 20 / 10, 1),
                                "stock": stable_seed("stock", title) % 40}  # fmt: skip
    orders = []
    for index in range(2):
        order_id = f"ORD-{rng.randint(100000, 999999)}"
        placed = _NOW - timedelta(days=5 + 9 * index)
        orders.append({"order_id": order_id, "placed_at": placed.isoformat(), "total": round(rng.uniform(20, 300), 2),
                       "status": ("shipped", "delivered")[index], "carrier": "Kestrel Logistics",
                       "tracking_code": f"KL{rng.randint(10**8, 10**9 - 1)}",
                       "estimated_delivery": (placed.date() + timedelta(days=4)).isoformat()})  # fmt: skip
    orders[0]["status"] = "placed"  # one recent order can still be cancelled
    lines = {}
    for product in rng.sample(sorted(products.values(), key=lambda p: p["product_id"]), k=2):
        lines[product["product_id"]] = {"product_id": product["product_id"], "title": product["title"],
                                        "quantity": rng.randint(1, 3), "unit_price": product["price"], "options": {}}  # fmt: skip
    return {"products": products, "lines": lines, "coupon": None, "orders": orders}


def enlarge(domain: str, world: dict[str, Any], rng: random.Random) -> None:
    """Fill a domain with a lot more history (long-context sessions), in place."""
    if domain == "files":
        for index in range(40):
            folder = rng.choice(("docs", "workbench", "archive"))
            lines = [f"{rng.choice(('ok', 'warn', 'retry', 'done', 'queued'))} step {k}" for k in range(rng.randint(5, 30))]
            world["files"][f"/home/user/{folder}/log_{index:02d}.txt"] = {
                "content": "\n".join(lines), "modified": (_NOW - timedelta(hours=index * 7)).isoformat()}  # fmt: skip
    elif domain == "bank":
        for account in world["accounts"].values():
            for index in range(30):
                category = rng.choice(_SPEND)
                account["transactions"].append({
                    "transaction_id": f"TXN-H{account['account_id'][-3:]}{index:03d}",
                    "date": (anchor_date() - timedelta(days=20 + 2 * index)).isoformat(),
                    "amount": -round(rng.uniform(3, 300), 2), "description": f"{rng.choice(COMPANIES)} ({category})",
                    "category": category, "balance_after": round(account["balance"] + 40 * index, 2)})  # fmt: skip
    elif domain == "calendar":
        for index in range(25):
            start = _NOW + timedelta(days=rng.randint(-10, 20), hours=rng.randint(-1, 9))
            event_id = f"EVT-H{index:03d}"
            world["events"][event_id] = {"event_id": event_id, "title": rng.choice(("Standup", "1:1", "Review", "Lunch")),
                                         "start": start.isoformat(), "end": (start + timedelta(minutes=30)).isoformat(),
                                         "location": None, "attendees": [], "reminders": [], "response": None}  # fmt: skip
    elif domain == "cart":
        for index in range(25):
            placed = _NOW - timedelta(days=30 + 5 * index)
            world["orders"].insert(0, {"order_id": f"ORD-H{index:04d}", "placed_at": placed.isoformat(),
                                       "total": round(rng.uniform(10, 400), 2), "status": "delivered",
                                       "carrier": "Kestrel Logistics", "tracking_code": f"KLH{index:06d}",
                                       "estimated_delivery": (placed.date() + timedelta(days=4)).isoformat()})  # fmt: skip


INITIAL: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "bank": _initial_bank, "files": _initial_files, "calendar": _initial_calendar, "cart": _initial_cart,
}
COUPONS = {"SAVE10": 10, "WELCOME15": 15, "SPRING20": 20, "VIP25": 25}


def known_values(state: State, domains: tuple[str, ...]) -> dict[str, list[Any]]:
    """Identifiers that exist, keyed by the argument names that take them.

    ``path`` maps to files, ``directory``-like names (and ``root``) to folders; the recipes pick
    folders for a path parameter whose description says "directory".
    """
    out: dict[str, list[Any]] = {}
    if "bank" in domains:
        bank = state.domain("bank")
        accounts = sorted(bank["accounts"])
        for key in ("account_id", "from_account", "to_account"):
            out[key] = accounts
        out["payee_id"] = sorted(bank["payees"])
        out["card_last4"] = sorted(bank["cards"])
        out["currency"] = ["USD"]
    if "files" in domains:
        files = state.domain("files")
        for key in ("path", "source", "first", "second"):
            out[key] = sorted(files["files"])
        out["root"] = out["directory"] = sorted(files["dirs"])
    if "calendar" in domains:
        events = state.domain("calendar")["events"]
        out["event_id"] = sorted(events)
        out["email"] = sorted({a for e in events.values() for a in e["attendees"]})
        out["event_attendee"] = sorted(f"{k}|{a}" for k, e in events.items() for a in e["attendees"])
    if "cart" in domains:
        cart = state.domain("cart")
        out["product_id"] = sorted(cart["products"])
        out["product_in_stock"] = sorted(k for k, p in cart["products"].items() if p["stock"] >= 5)
        out["order_id"] = [o["order_id"] for o in cart["orders"]]
        out["open_order_id"] = [o["order_id"] for o in cart["orders"] if o["status"] in ("placed", "packed")]
        out["code"] = sorted(COUPONS)
        out["cart_line"] = sorted(cart["lines"])
    return out


# --- calendar -------------------------------------------------------------------------------------


def _events(state: State) -> dict[str, Any]:
    return state.domain("calendar")["events"]


def _event(state: State, args: dict[str, Any]) -> dict[str, Any]:
    key = str(arg(args, "event_id"))
    if key not in _events(state):
        raise ToolError(f"no event {key!r}")
    return _events(state)[key]


def _view(event: dict[str, Any]) -> dict[str, Any]:
    out = {k: event[k] for k in ("event_id", "title", "start", "end")}
    if event.get("location"):
        out["location"] = event["location"]
    out["attendees"] = list(event["attendees"])
    return out


def _moment(text: Any, name: str) -> datetime:
    try:
        return datetime.fromisoformat(str(text)).replace(tzinfo=None)
    except ValueError:
        raise ToolError(f"{name} must be an ISO date-time") from None


def _check_span(start: Any, end: Any) -> None:
    if _moment(end, "end") <= _moment(start, "start"):
        raise ToolError("end must be after start")


def _create_event(state: State, args: dict[str, Any]) -> Any:
    start, end = arg(args, "start"), arg(args, "end")
    _check_span(start, end)
    event = {"event_id": state.next_id("EVT"), "title": str(arg(args, "title")), "start": start, "end": end,
             "location": arg(args, "location", default=None), "attendees": list(arg(args, "attendees", default=[])),
             "reminders": [{"minutes_before": arg(args, "reminder_minutes", default=15), "method": "popup"}],
             "response": None}  # fmt: skip
    _events(state)[event["event_id"]] = event
    return _view(event)


def _list_events(state: State, args: dict[str, Any]) -> Any:
    low, high = _moment(arg(args, "window_start"), "window_start"), _moment(arg(args, "window_end"), "window_end")
    text = str(arg(args, "text", default="")).lower()
    hits = [e for e in sorted(_events(state).values(), key=lambda e: e["start"])
            if _moment(e["end"], "end") > low and _moment(e["start"], "start") < high
            and (not text or text in e["title"].lower() or text in str(e.get("location") or "").lower())]  # fmt: skip
    return {"events": [_view(e) for e in hits[: int(arg(args, "max_results", default=50))]]}


def _update_event(state: State, args: dict[str, Any]) -> Any:
    event = _event(state, args)
    changes = {k: v for k, v in (arg(args, "changes", default={}) or {}).items() if v is not None}
    merged = {**event, **{k: v for k, v in changes.items() if k in ("title", "start", "end", "location")}}
    _check_span(merged["start"], merged["end"])
    event.update(merged)
    state.counter += 1
    return _view(event)


def _delete_event(state: State, args: dict[str, Any]) -> Any:
    event = _event(state, args)
    del _events(state)[event["event_id"]]
    return {"event_id": event["event_id"], "deleted": True}


def _busy(state: State, day: date) -> list[tuple[datetime, datetime]]:
    spans = []
    for event in _events(state).values():
        start, end = _moment(event["start"], "start"), _moment(event["end"], "end")
        if start.date() <= day <= end.date():
            spans.append((start, end))
    return sorted(spans)


def _free_slots(state: State, args: dict[str, Any]) -> Any:
    day = day_of(arg(args, "date"))
    length = timedelta(minutes=int(arg(args, "duration_minutes")))
    hours = arg(args, "working_hours", default={}) or {}
    try:
        open_at = datetime.combine(day, datetime.strptime(hours.get("start", "09:00"), "%H:%M").time())
        close_at = datetime.combine(day, datetime.strptime(hours.get("end", "17:00"), "%H:%M").time())
    except ValueError:
        raise ToolError("working_hours must be HH:MM times") from None
    slots, cursor = [], open_at
    for start, end in _busy(state, day) + [(close_at, close_at)]:
        start = min(max(start, open_at), close_at)
        if start - cursor >= length:
            slots.append({"start": cursor.isoformat(), "end": start.isoformat()})
        cursor = max(cursor, end)
    return {"slots": slots}


def _add_attendee(state: State, args: dict[str, Any]) -> Any:
    event = _event(state, args)
    email = str(arg(args, "email"))
    if email not in event["attendees"]:
        event["attendees"].append(email)
    return _view(event)


def _remove_attendee(state: State, args: dict[str, Any]) -> Any:
    event = _event(state, args)
    email = str(arg(args, "email"))
    if email not in event["attendees"]:
        raise ToolError(f"{email} is not invited to {event['event_id']}")
    event["attendees"].remove(email)
    return _view(event)


def _respond(state: State, args: dict[str, Any]) -> Any:
    event = _event(state, args)
    event["response"] = arg(args, "response")
    return {"event_id": event["event_id"], "response": event["response"]}


def _day_summary(state: State, args: dict[str, Any]) -> Any:
    day = day_of(arg(args, "date"))
    events = [e for e in sorted(_events(state).values(), key=lambda e: e["start"])
              if _moment(e["start"], "start").date() <= day <= _moment(e["end"], "end").date()]  # fmt: skip
    busy = sum(int((min(_moment(e["end"], "end"), datetime.combine(day, datetime.max.time()))
                    - max(_moment(e["start"], "start"), datetime.combine(day, datetime.min.time()))).total_seconds() // 60)
               for e in events)  # fmt: skip
    return {"date": day.isoformat(), "events": [_view(e) for e in events], "free_minutes": max(0, 16 * 60 - busy)}


def _set_reminders(state: State, args: dict[str, Any]) -> Any:
    event = _event(state, args)
    event["reminders"] = [{"minutes_before": r["minutes_before"], "method": r.get("method", "popup")}
                          for r in arg(args, "reminders")]  # fmt: skip
    return _view(event)


# --- shopping cart --------------------------------------------------------------------------------


def _cart(state: State) -> dict[str, Any]:
    return state.domain("cart")


def _product(state: State, args: dict[str, Any]) -> dict[str, Any]:
    key = str(arg(args, "product_id"))
    if key not in _cart(state)["products"]:
        raise ToolError(f"no product {key!r}")
    return _cart(state)["products"][key]


def _cart_view(state: State) -> dict[str, Any]:
    cart = _cart(state)
    lines = [dict(line) for line in cart["lines"].values()]
    subtotal = round(sum(line["unit_price"] * line["quantity"] for line in lines), 2)
    discount = round(subtotal * COUPONS[cart["coupon"]] / 100, 2) if cart["coupon"] else 0.0
    out = {"lines": lines, "subtotal": subtotal, "discount": discount, "total": round(subtotal - discount, 2),
           "currency": "USD"}  # fmt: skip
    if cart["coupon"]:
        out["coupon"] = cart["coupon"]
    return out


def _search_products(state: State, args: dict[str, Any]) -> Any:
    words = set(re.findall(r"[a-z]+", str(arg(args, "query")).lower()))
    low, high = arg(args, "min_price", default=0), arg(args, "max_price", default=None)
    department = arg(args, "department", default=None)
    found = [p for p in _cart(state)["products"].values()
             if (not department or p["department"] == department) and p["price"] >= low
             and (high is None or p["price"] <= high) and (p["stock"] > 0 or not arg(args, "in_stock_only", default=True))]  # fmt: skip
    matching = [p for p in found if words & set(p["title"].lower().split())]
    found = matching or found  # a shop search shows something rather than nothing
    order = arg(args, "sort", default="relevance")
    keys = {"price_asc": lambda p: p["price"], "price_desc": lambda p: -p["price"], "rating": lambda p: -p["rating"],
            "newest": lambda p: p["product_id"], "relevance": lambda p: (-len(words & set(p["title"].lower().split())), p["title"])}  # fmt: skip
    found = sorted(found, key=keys[order])[: int(arg(args, "limit", default=10))]
    return {"products": [{"product_id": p["product_id"], "title": p["title"], "price": p["price"], "rating": p["rating"],
                          "in_stock": p["stock"] > 0} for p in found]}  # fmt: skip


def _product_sheet(state: State, args: dict[str, Any]) -> Any:
    product = _product(state, args)
    return {"product_id": product["product_id"], "title": product["title"], "price": product["price"],
            "description": f"{product['title']} from our {product['department']} range.",
            "variants": [{"colour": c} for c in ("black", "silver")], "stock": product["stock"],
            "rating": product["rating"]}  # fmt: skip


def _add_item(state: State, args: dict[str, Any]) -> Any:
    product = _product(state, args)
    quantity = int(arg(args, "quantity", default=1))
    if quantity > product["stock"]:
        raise ToolError(f"only {product['stock']} of {product['product_id']} in stock")
    line = _cart(state)["lines"].setdefault(product["product_id"], {
        "product_id": product["product_id"], "title": product["title"], "quantity": 0,
        "unit_price": product["price"], "options": {}})  # fmt: skip
    line["quantity"] += quantity
    line["options"].update({str(k): str(v) for k, v in (arg(args, "options", default={}) or {}).items()})
    return _cart_view(state)


def _remove_item(state: State, args: dict[str, Any]) -> Any:
    key = str(arg(args, "product_id"))
    lines = _cart(state)["lines"]
    if key not in lines:
        raise ToolError(f"{key} is not in the cart")
    quantity = arg(args, "quantity", default=None)
    if quantity is None or int(quantity) >= lines[key]["quantity"]:
        del lines[key]
    else:
        lines[key]["quantity"] -= int(quantity)
    return _cart_view(state)


def _coupon(state: State, args: dict[str, Any]) -> Any:
    code = str(arg(args, "code")).upper()
    if code not in COUPONS:
        raise ToolError(f"promotion code {code!r} is not valid")
    _cart(state)["coupon"] = code
    return _cart_view(state)


def _checkout(state: State, args: dict[str, Any]) -> Any:
    cart = _cart(state)
    if not cart["lines"]:
        raise ToolError("the cart is empty")
    total = _cart_view(state)["total"]
    days = {"standard": 5, "express": 2, "next_day": 1, "pickup": 0}[arg(args, "shipping_speed", default="standard")]
    order = {"order_id": state.next_id("ORD"), "placed_at": _now(state), "total": total, "status": "placed",
             "carrier": "Kestrel Logistics", "tracking_code": None,
             "estimated_delivery": (anchor_date() + timedelta(days=days)).isoformat()}  # fmt: skip
    cart["orders"].append(order)
    cart["lines"].clear()
    cart["coupon"] = None
    return {k: order[k] for k in ("order_id", "total", "estimated_delivery", "status")}


def _order(state: State, args: dict[str, Any]) -> dict[str, Any]:
    key = str(arg(args, "order_id"))
    for order in _cart(state)["orders"]:
        if order["order_id"] == key:
            return order
    raise ToolError(f"no order {key!r}")


def _order_status(state: State, args: dict[str, Any]) -> Any:
    order = _order(state, args)
    out = {"order_id": order["order_id"], "status": order["status"], "estimated_delivery": order["estimated_delivery"]}
    for key in ("carrier", "tracking_code"):
        if order.get(key):
            out[key] = order[key]
    return out


def _cancel_order(state: State, args: dict[str, Any]) -> Any:
    order = _order(state, args)
    if order["status"] in ("shipped", "out_for_delivery", "delivered", "cancelled"):
        raise ToolError(f"order {order['order_id']} is {order['status']} and can no longer be cancelled")
    order["status"] = "cancelled"
    return {"order_id": order["order_id"], "cancelled": True, "refund": order["total"]}


def _list_orders(state: State, args: dict[str, Any]) -> Any:
    wanted = arg(args, "status", default=None)
    orders = [o for o in reversed(_cart(state)["orders"]) if not wanted or o["status"] == wanted]
    return {"orders": [{k: o[k] for k in ("order_id", "placed_at", "total", "status")}
                       for o in orders[: int(arg(args, "limit", default=10))]]}  # fmt: skip


# --- file store -----------------------------------------------------------------------------------


def _fs(state: State) -> dict[str, Any]:
    return state.domain("files")


def _abs(state: State, path: Any) -> str:
    text = str(path)
    return posixpath.normpath(text if text.startswith("/") else posixpath.join(_fs(state)["cwd"], text))


def _add_dir(state: State, path: str) -> None:
    dirs = _fs(state)["dirs"]
    while path not in dirs and path != "/":
        dirs.append(path)
        path = posixpath.dirname(path)
    dirs.sort()


def _file(state: State, value: Any) -> str:
    path = _abs(state, value)
    if path not in _fs(state)["files"]:
        raise ToolError(f"no such file: {path}")
    return path


def _kind(state: State, path: str) -> str | None:
    if path in _fs(state)["files"]:
        return "file"
    return "directory" if path in _fs(state)["dirs"] else None


def _entry(state: State, path: str) -> dict[str, Any]:
    fs = _fs(state)
    if path in fs["files"]:
        item = fs["files"][path]
        return {"name": posixpath.basename(path), "path": path, "kind": "file",
                "size_bytes": len(item["content"].encode()), "modified": item["modified"]}  # fmt: skip
    children = [p for p in fs["files"] if p.startswith(path.rstrip("/") + "/")]
    modified = max((fs["files"][p]["modified"] for p in children), default=_NOW.isoformat())
    return {"name": posixpath.basename(path) or "/", "path": path, "kind": "directory", "size_bytes": 0, "modified": modified}


def _children(state: State, folder: str, recursive: bool) -> list[str]:
    fs = _fs(state)
    prefix = folder.rstrip("/") + "/"
    paths = [p for p in list(fs["files"]) + fs["dirs"] if p.startswith(prefix)]
    return sorted(p for p in paths if recursive or "/" not in p[len(prefix):])


def _list(state: State, args: dict[str, Any]) -> Any:
    folder = _abs(state, arg(args, "path", default="."))
    if _kind(state, folder) != "directory":
        raise ToolError(f"not a directory: {folder}")
    entries = [_entry(state, p) for p in _children(state, folder, bool(arg(args, "recursive", default=False)))]
    if not arg(args, "include_hidden", default=False):
        entries = [e for e in entries if not e["name"].startswith(".")]
    key = arg(args, "sort_by", default="name")
    entries.sort(key=lambda e: (-e["size_bytes"], e["name"]) if key == "size" else (e[key], e["name"]) if key == "modified" else e["name"])
    return {"path": folder, "entries": entries}


def _read(state: State, args: dict[str, Any]) -> Any:
    path = _file(state, arg(args, "path"))
    lines = _fs(state)["files"][path]["content"].split("\n")
    start = max(1, int(arg(args, "start_line", default=1)))
    count = arg(args, "max_lines", default=None)
    chosen = lines[start - 1 : start - 1 + int(count)] if count else lines[start - 1 :]
    return {"path": path, "content": "\n".join(chosen), "total_lines": len(lines)}


def _touch(state: State, path: str, content: str) -> None:
    state.counter += 1
    _add_dir(state, posixpath.dirname(path))
    _fs(state)["files"][path] = {"content": content, "modified": _now(state)}


def _write(state: State, args: dict[str, Any]) -> Any:
    path = _abs(state, arg(args, "path"))
    content = str(arg(args, "content"))
    mode = arg(args, "mode", default="overwrite")
    if _kind(state, path) == "directory":
        raise ToolError(f"{path} is a directory")
    existing = _fs(state)["files"].get(path)
    if existing is not None and mode == "create_only":
        raise ToolError(f"{path} already exists")
    if existing is not None and mode == "append":
        content = existing["content"] + ("\n" if existing["content"] else "") + content
    _touch(state, path, content)
    return {"path": path, "size_bytes": len(content.encode())}


def _mkdir(state: State, args: dict[str, Any]) -> Any:
    path = _abs(state, arg(args, "path"))
    if _kind(state, path) == "file":
        raise ToolError(f"{path} is a file")
    if _kind(state, path) == "directory":
        return {"path": path, "created": False}
    if not arg(args, "parents", default=True) and _kind(state, posixpath.dirname(path)) != "directory":
        raise ToolError(f"parent folder of {path} does not exist")
    _add_dir(state, path)
    return {"path": path, "created": True}


def _transfer(state: State, args: dict[str, Any], keep: bool) -> Any:
    fs = _fs(state)
    source = _abs(state, arg(args, "source"))
    target = _abs(state, arg(args, "destination"))
    if _kind(state, source) is None:
        raise ToolError(f"no such file or directory: {source}")
    if _kind(state, target) == "directory":
        target = posixpath.join(target, posixpath.basename(source))
    if target == source:
        raise ToolError("source and destination are the same")
    moved = [source] if _kind(state, source) == "file" else [p for p in fs["files"] if p.startswith(source + "/")]
    renames = {p: target + p[len(source):] for p in moved}
    if any(t in fs["files"] for t in renames.values()) and not arg(args, "overwrite", default=False):
        raise ToolError(f"{target} exists and overwrite is false")
    for old, new in renames.items():
        _touch(state, new, fs["files"][old]["content"])
        if not keep:
            del fs["files"][old]
    if _kind(state, source) == "directory":
        _add_dir(state, target)
        if not keep:
            fs["dirs"][:] = [d for d in fs["dirs"] if d != source and not d.startswith(source + "/")]
    out: dict[str, Any] = {"source": source, "destination": target}
    if keep:
        out["copied_files"] = len(renames)
    return out


def _delete(state: State, args: dict[str, Any]) -> Any:
    fs = _fs(state)
    path = _abs(state, arg(args, "path"))
    kind = _kind(state, path)
    if kind is None:
        raise ToolError(f"no such file or directory: {path}")
    if kind == "file":
        del fs["files"][path]
        return {"path": path, "deleted": 1}
    inside = _children(state, path, recursive=True)
    if inside and not arg(args, "recursive", default=False):
        raise ToolError(f"directory not empty: {path} (set recursive to delete it)")
    for child in inside:
        fs["files"].pop(child, None)
    fs["dirs"][:] = [d for d in fs["dirs"] if d != path and not d.startswith(path + "/")]
    return {"path": path, "deleted": 1 + len(inside)}


def _find(state: State, args: dict[str, Any]) -> Any:
    root = _abs(state, arg(args, "root", default="."))
    pattern = str(arg(args, "pattern"))
    kind = arg(args, "kind", default="any")
    glob = pattern if any(c in pattern for c in "*?[") else f"*{pattern}*"
    hits = [p for p in _children(state, root, recursive=True)
            if fnmatch.fnmatch(posixpath.basename(p), glob) and (kind == "any" or _kind(state, p) == kind)]  # fmt: skip
    return {"matches": hits[: int(arg(args, "max_results", default=50))]}


def _grep(state: State, args: dict[str, Any]) -> Any:
    root = _abs(state, arg(args, "root", default="."))
    query = str(arg(args, "query"))
    flags = 0 if arg(args, "case_sensitive", default=False) else re.IGNORECASE
    try:
        matcher = re.compile(query if arg(args, "regex", default=False) else re.escape(query), flags)
    except re.error as exc:
        raise ToolError(f"invalid regular expression: {exc}") from None
    glob = str(arg(args, "file_glob", default="*"))
    hits = []
    for path in _children(state, root, recursive=True):
        if _kind(state, path) == "file" and fnmatch.fnmatch(posixpath.basename(path), glob):
            for number, line in enumerate(_fs(state)["files"][path]["content"].split("\n"), 1):
                if matcher.search(line):
                    hits.append({"path": path, "line": number, "text": line})
    return {"hits": hits}


def _stat(state: State, args: dict[str, Any]) -> Any:
    path = _abs(state, arg(args, "path"))
    if _kind(state, path) is None:
        raise ToolError(f"no such file or directory: {path}")
    return _entry(state, path)


def _count(state: State, args: dict[str, Any]) -> Any:
    content = _fs(state)["files"][_file(state, arg(args, "path"))]["content"]
    return {"lines": len(content.split("\n")), "words": len(content.split()), "bytes": len(content.encode())}


def _diff(state: State, args: dict[str, Any]) -> Any:
    first, second = _file(state, arg(args, "first")), _file(state, arg(args, "second"))
    a, b = (_fs(state)["files"][p]["content"].split("\n") for p in (first, second))
    diff = "\n".join(difflib.unified_diff(a, b, first, second, n=int(arg(args, "context_lines", default=3)), lineterm=""))
    return {"identical": a == b, "diff": diff}


def _chdir(state: State, args: dict[str, Any]) -> Any:
    path = _abs(state, arg(args, "path"))
    if _kind(state, path) != "directory":
        raise ToolError(f"not a directory: {path}")
    _fs(state)["cwd"] = path
    return {"cwd": path}


# --- bank -----------------------------------------------------------------------------------------


def _bank(state: State) -> dict[str, Any]:
    return state.domain("bank")


def _account(state: State, key: Any) -> dict[str, Any]:
    accounts = _bank(state)["accounts"]
    if str(key) not in accounts:
        raise ToolError(f"unknown account {key!r}")
    return accounts[str(key)]


def _amount(args: dict[str, Any]) -> float:
    value = arg(args, "amount")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ToolError("amount must be a positive number")
    return round(float(value), 2)


def _post(state: State, account: dict[str, Any], amount: float, description: str, category: str) -> dict[str, Any]:
    state.counter += 1
    account["balance"] = round(account["balance"] + amount, 2)
    entry = {"transaction_id": state.next_id("TXN"), "date": anchor_date().isoformat(), "amount": amount,
             "description": description, "category": category, "balance_after": account["balance"]}  # fmt: skip
    account["transactions"].insert(0, entry)
    return entry


def _list_accounts(state: State, args: dict[str, Any]) -> Any:
    show_closed = bool(arg(args, "include_closed", default=False))
    return {"accounts": [{k: a[k] for k in ("account_id", "nickname", "kind", "balance", "currency")}
                         for a in _bank(state)["accounts"].values() if show_closed or not a["closed"]]}  # fmt: skip


def _balance(state: State, args: dict[str, Any]) -> Any:
    account = _account(state, arg(args, "account_id"))
    return {"account_id": account["account_id"], "available": account["balance"], "ledger": account["balance"],
            "currency": account["currency"]}  # fmt: skip


def _scheduled(args: dict[str, Any], key: str) -> bool:
    when = arg(args, key, default=None)
    return when is not None and day_of(when) > anchor_date()


def _bank_transfer(state: State, args: dict[str, Any]) -> Any:
    bank = _bank(state)
    source = _account(state, arg(args, "from_account"))
    target_key = str(arg(args, "to_account"))
    if target_key == source["account_id"]:
        raise ToolError("from_account and to_account are the same account")
    amount = _amount(args)
    currency = arg(args, "currency", default="USD")
    if currency != source["currency"]:
        raise ToolError(f"{source['account_id']} holds {source['currency']}, not {currency}")
    transfer_id = state.next_id("TRF")
    if _scheduled(args, "scheduled_for"):
        bank["transfers"].append({"transfer_id": transfer_id, "status": "scheduled", **args})
        return {"transfer_id": transfer_id, "status": "scheduled", "from_balance": source["balance"]}
    if amount > source["balance"]:
        return {"transfer_id": transfer_id, "status": "rejected", "from_balance": source["balance"]}
    memo = arg(args, "memo", default=f"Transfer to {target_key}")
    _post(state, source, -amount, memo, "other")
    if target_key in bank["accounts"]:
        _post(state, bank["accounts"][target_key], amount, memo, "other")
    elif target_key not in bank["payees"]:
        pass  # an external account number: the money leaves the bank
    return {"transfer_id": transfer_id, "status": "completed", "from_balance": source["balance"]}


def _transactions(state: State, args: dict[str, Any]) -> Any:
    account = _account(state, arg(args, "account_id"))
    category, since = arg(args, "category", default=None), arg(args, "since", default=None)
    rows = [t for t in account["transactions"] if (not category or t["category"] == category)
            and (not since or t["date"] >= day_of(since).isoformat())]  # fmt: skip
    return {"transactions": rows[: int(arg(args, "limit", default=10))]}


def _pay_bill(state: State, args: dict[str, Any]) -> Any:
    account = _account(state, arg(args, "account_id"))
    payee = _bank(state)["payees"].get(str(arg(args, "payee_id")))
    if payee is None:
        raise ToolError(f"unknown payee {arg(args, 'payee_id')!r}; add it with the payee tool first")
    amount = _amount(args)
    payment_id = state.next_id("PMT")
    if _scheduled(args, "pay_on"):
        return {"payment_id": payment_id, "status": "scheduled"}
    if amount > account["balance"]:
        return {"payment_id": payment_id, "status": "rejected"}
    _post(state, account, -amount, f"{payee['display_name']} {arg(args, 'reference', default='')}".strip(), "utilities")
    return {"payment_id": payment_id, "status": "completed"}


def _add_payee(state: State, args: dict[str, Any]) -> Any:
    payee_id = state.next_id("PAY")
    _bank(state)["payees"][payee_id] = {"payee_id": payee_id, "display_name": str(arg(args, "display_name")),
                                        "account_number": str(arg(args, "account_number")),
                                        "kind": arg(args, "kind", default="person")}  # fmt: skip
    return {"payee_id": payee_id, "display_name": str(arg(args, "display_name"))}


def _card(state: State, args: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    last4 = str(arg(args, "card_last4"))
    cards = _bank(state)["cards"]
    if last4 not in cards:
        raise ToolError(f"no card ending in {last4}")
    return last4, cards[last4]


def _freeze(state: State, args: dict[str, Any]) -> Any:
    last4, card = _card(state, args)
    state.counter += 1
    card.update(locked=True, locked_at=card["locked_at"] if card["locked"] else _now(state))
    return {"card_last4": last4, "locked": True, "locked_at": card["locked_at"]}


def _unfreeze(state: State, args: dict[str, Any]) -> Any:
    last4, card = _card(state, args)
    card.update(locked=False, locked_at=None)
    return {"card_last4": last4, "locked": False}


def _month_spend(state: State, month: str, account_id: Any = None) -> dict[str, float]:
    if not re.fullmatch(r"\d{4}-\d{2}", month):
        raise ToolError("month must look like YYYY-MM")
    accounts = [_account(state, account_id)] if account_id else list(_bank(state)["accounts"].values())
    spent: dict[str, float] = {}
    for account in accounts:
        for txn in account["transactions"]:
            if txn["date"].startswith(month) and txn["amount"] < 0:
                spent[txn["category"]] = round(spent.get(txn["category"], 0.0) - txn["amount"], 2)
    return spent


def _set_budget(state: State, args: dict[str, Any]) -> Any:
    category, limit = arg(args, "category"), arg(args, "monthly_limit")
    if limit <= 0:
        raise ToolError("monthly_limit must be positive")
    _bank(state)["budgets"][category] = {"limit": limit, "alert_at_pct": arg(args, "alert_at_pct", default=80)}
    spent = _month_spend(state, anchor_date().isoformat()[:7]).get(category, 0.0)
    return {"category": category, "monthly_limit": limit, "spent_this_month": spent}


def _spending(state: State, args: dict[str, Any]) -> Any:
    month = str(arg(args, "month"))
    spent = _month_spend(state, month, arg(args, "account_id", default=None))
    budgets = _bank(state)["budgets"]
    rows = []
    for category in sorted(spent):
        row: dict[str, Any] = {"category": category, "spent": spent[category]}
        if category in budgets:
            row["cap"] = budgets[category]["limit"]
        rows.append(row)
    return {"month": month, "categories": rows, "total": round(sum(spent.values()), 2)}


STATEFUL: dict[str, Executor] = {}
_TABLE: dict[str, dict[str, Executor]] = {
    "calendar": {"create_event": _create_event, "list_events": _list_events, "get_event": lambda s, a: _view(_event(s, a)),
                 "update_event": _update_event, "delete_event": _delete_event, "find_free_slot": _free_slots,
                 "add_attendee": _add_attendee, "remove_attendee": _remove_attendee, "respond": _respond,
                 "day_summary": _day_summary, "set_reminders": _set_reminders},
    "cart": {"search_products": _search_products, "get_product": _product_sheet, "add_item": _add_item,
             "remove_item": _remove_item, "view": lambda s, a: _cart_view(s), "apply_coupon": _coupon,
             "checkout": _checkout, "order_status": _order_status, "cancel_order": _cancel_order,
             "list_orders": _list_orders},
    "files": {"list": _list, "read": _read, "write": _write, "mkdir": _mkdir,
              "move": lambda s, a: _transfer(s, a, keep=False), "copy": lambda s, a: _transfer(s, a, keep=True),
              "delete": _delete, "find": _find, "grep": _grep, "stat": _stat, "count": _count, "diff": _diff,
              "chdir": _chdir},
    "bank": {"list_accounts": _list_accounts, "balance": _balance, "transfer": _bank_transfer,
             "transactions": _transactions, "pay_bill": _pay_bill, "add_payee": _add_payee, "freeze_card": _freeze,
             "unfreeze_card": _unfreeze, "set_budget": _set_budget, "spending_summary": _spending},
}  # fmt: skip
for _domain, _ops in _TABLE.items():
    STATEFUL.update({f"{_domain}.{op}": fn for op, fn in _ops.items()})

__all__ = ["COUPONS", "INITIAL", "STATEFUL", "enlarge", "known_values"]