"""E-commerce: a stateful shop (products, cart, checkout, orders, returns) plus storefront tools.

Executor tools run against the MCP server's shop state ("cart.*" keys).
"""

from ..dsl import A, B, DATE, DT, E, I, N, O, S, tool

DOMAIN = "ecommerce"

PRODUCT_ID = S("Product identifier (SKU) as returned by shop_product_search", min_len=1)
ORDER_ID = S("Order number", min_len=1)
DEPARTMENTS = "electronics home garden clothing shoes toys books beauty sports grocery".split()
MONEY = O(amount=N(), currency=S())
LINE = O(product_id=S(), title=S(), quantity=I(), unit_price=N(), options=O(extra=S()))
ADDRESS = O("Delivery address", recipient=S(min_len=1), street=S(min_len=1), city=S(min_len=1),
            postal_code=S(min_len=2), country=S(pattern="^[A-Z]{2}$"), phone=S(opt=True))  # fmt: skip
CART = O(lines=A(LINE), subtotal=N(), discount=N(), total=N(), currency=S(), coupon=S(opt=True))

TOOLS = [
    tool("shop_product_search", "Search the shop's products by words, department and price.",
         {"query": S("Words to look for", min_len=1), "department": E(DEPARTMENTS, "Department", opt=True),
          "min_price": N("Lowest price", default=0, lo=0), "max_price": N("Highest price", opt=True, lo=0),
          "in_stock_only": B("Hide sold-out items", default=True),
          "sort": E("relevance price_asc price_desc rating newest", "Ordering", default="relevance"),
          "limit": I("Maximum results", default=10, lo=1, hi=100)},
         returns=O(products=A(O(product_id=S(), title=S(), price=N(), rating=N(), in_stock=B()))),
         executor="cart.search_products"),
    tool("shop_product_sheet", "Full description, variants, stock and reviews summary of a product.",
         {"product_id": PRODUCT_ID},
         returns=O(product_id=S(), title=S(), price=N(), description=S(), variants=A(O(extra=S())), stock=I(),
                   rating=N()), executor="cart.get_product"),
    tool("basket_item_add", "Put a product in the shopping cart.",
         {"product_id": PRODUCT_ID, "quantity": I("How many", default=1, lo=1, hi=99),
          "options": O("Variant choices such as size or colour", extra=S(), opt=True)},
         returns=CART, executor="cart.add_item"),
    tool("basket_item_remove", "Take a product out of the cart, or lower its quantity.",
         {"product_id": PRODUCT_ID, "quantity": I("How many to remove; all when omitted", opt=True, lo=1)},
         returns=CART, executor="cart.remove_item"),
    tool("basket_contents_show", "Show the cart with line items and totals.",
         {}, returns=CART, executor="cart.view"),
    tool("basket_promo_apply", "Apply a promotional code to the cart.",
         {"code": S("Promotion code", min_len=3, max_len=32)},
         returns=CART, executor="cart.apply_coupon"),
    tool("basket_checkout_submit", "Place an order for everything in the cart.",
         {"shipping_address": ADDRESS,
          "payment_method": E("card paypal gift_card bank_transfer", "How the customer pays"),
          "shipping_speed": E("standard express next_day pickup", "Delivery option", default="standard"),
          "gift_message": S("Message printed on the packing slip", opt=True, max_len=250)},
         returns=O(order_id=S(), total=N(), estimated_delivery=DATE(), status=S()), executor="cart.checkout"),
    tool("shop_order_tracking", "Status, carrier and delivery estimate of an order.",
         {"order_id": ORDER_ID},
         returns=O(order_id=S(), status=E("placed packed shipped out_for_delivery delivered cancelled"),
                   carrier=S(opt=True), tracking_code=S(opt=True), estimated_delivery=DATE()),
         executor="cart.order_status"),
    tool("shop_order_withdraw", "Cancel an order that has not shipped yet.",
         {"order_id": ORDER_ID,
          "reason": E("changed_mind found_cheaper ordered_by_mistake delivery_too_slow other", "Why", default="changed_mind")},
         returns=O(order_id=S(), cancelled=B(), refund=N()), executor="cart.cancel_order"),
    tool("shop_order_history", "Past orders of the customer, newest first.",
         {"limit": I("Maximum orders", default=10, lo=1, hi=100),
          "status": E("placed packed shipped out_for_delivery delivered cancelled", "Only this status", opt=True)},
         returns=O(orders=A(O(order_id=S(), placed_at=DT(), total=N(), status=S()))), executor="cart.list_orders"),
    tool("return_label_request", "Start a return for items of a delivered order and get a label.",
         {"order_id": ORDER_ID,
          "items": A(O(product_id=S(min_len=1), quantity=I(lo=1, default=1)), "Items to send back", min_items=1),
          "reason": E("damaged wrong_item not_as_described too_small too_large no_longer_needed", "Return reason"),
          "refund_to": E("original_payment store_credit", "Where the refund goes", default="original_payment")},
         returns=O(return_id=S(), label_url=S(fmt="uri"), refund_estimate=N())),
    tool("price_drop_watch", "Notify the customer when a product falls below a price.",
         {"product_id": PRODUCT_ID, "target_price": N("Alert at or below this price", xlo=0),
          "channel": E("email push sms", "How to notify", default="email")},
         returns=O(watch_id=S(), current_price=N())),
    tool("product_review_post", "Publish a star rating and review for a purchased product.",
         {"product_id": PRODUCT_ID, "stars": I("Rating 1-5", lo=1, hi=5), "headline": S("Review title", max_len=120),
          "body": S("Review text", opt=True, max_len=5000), "recommend": B("Would recommend", default=True)},
         returns=O(review_id=S(), status=E("published pending_moderation"))),
    tool("wishlist_manage", "Add products to or remove them from a named wishlist.",
         {"list_name": S("Wishlist name", default="Favourites"),
          "add": A(S(min_len=1), "Product ids to add", default=[]), "remove": A(S(min_len=1), "Product ids to remove", default=[])},
         returns=O(list_name=S(), product_ids=A(S()))),
    tool("delivery_slot_options", "Delivery dates and time windows available for a postal code.",
         {"postal_code": S("Destination postal code", min_len=2), "country": S("ISO alpha-2", pattern="^[A-Z]{2}$"),
          "bulky": B("Order includes bulky items", default=False)},
         returns=O(slots=A(O(date=DATE(), window=S(), fee=MONEY)))),
    tool("gift_card_balance", "Remaining balance and expiry of a store gift card.",
         {"card_number": S("Gift-card number", pattern="^[0-9]{12,19}$"), "pin": S("Card PIN", pattern="^[0-9]{4,8}$")},
         returns=O(balance=MONEY, expires=DATE(opt=True))),
]
