"""Bank: a stateful retail-banking simulator (accounts, transfers, payees, cards, budgets).

Every tool here has an executor: the MCP server keeps the accounts, so multi-turn workflows
("move 200 to savings, then show me the last three transactions") have real, checkable state.
"""

from ..dsl import A, B, DATE, DT, E, I, N, O, S, tool

DOMAIN = "bank"

ACCOUNT = S("Account identifier as returned by bank_accounts_overview", min_len=1)
CURRENCY = S("ISO 4217 currency code", pattern="^[A-Z]{3}$", default="USD")
SPEND = "groceries dining transport housing utilities health entertainment travel shopping other".split()
TXN = O(transaction_id=S(), date=DATE(), amount=N(), description=S(), category=E(SPEND), balance_after=N())

TOOLS = [
    tool("bank_accounts_overview", "List the customer's accounts with type and current balance.",
         {"include_closed": B("Also list closed accounts", default=False)},
         returns=O(accounts=A(O(account_id=S(), nickname=S(), kind=E("checking savings credit"), balance=N(),
                                currency=S()))), executor="bank.list_accounts"),
    tool("bank_balance_inquiry", "Available and ledger balance of one account.",
         {"account_id": ACCOUNT},
         returns=O(account_id=S(), available=N(), ledger=N(), currency=S()), executor="bank.balance"),
    tool("bank_move_money", "Transfer money between two of the customer's accounts or to a saved payee.",
         {"from_account": ACCOUNT, "to_account": S("Destination account or payee identifier", min_len=1),
          "amount": N("Amount to send", xlo=0), "currency": CURRENCY,
          "memo": S("Note shown on both statements", opt=True, max_len=140),
          "scheduled_for": DATE("Future execution date; immediate when omitted", opt=True)},
         returns=O(transfer_id=S(), status=E("completed scheduled rejected"), from_balance=N()),
         executor="bank.transfer"),
    tool("bank_statement_lines", "Recent transactions of an account, newest first, with optional filters.",
         {"account_id": ACCOUNT, "limit": I("Maximum rows", default=10, lo=1, hi=200),
          "category": E(SPEND, "Only this spending category", opt=True),
          "since": DATE("Only transactions on or after this day", opt=True)},
         returns=O(transactions=A(TXN)), executor="bank.transactions"),
    tool("bank_bill_payment", "Pay a bill to a saved payee from an account.",
         {"account_id": ACCOUNT, "payee_id": S("Saved payee identifier", min_len=1),
          "amount": N("Amount to pay", xlo=0), "pay_on": DATE("Payment date; today when omitted", opt=True),
          "reference": S("Invoice or customer number for the payee", opt=True)},
         returns=O(payment_id=S(), status=E("completed scheduled rejected")), executor="bank.pay_bill"),
    tool("bank_payee_register", "Save a new payee so bills and transfers can be sent to them.",
         {"display_name": S("Name shown in the app", min_len=1),
          "account_number": S("Payee's account number or IBAN", min_len=4),
          "routing_code": S("Sort code, routing or SWIFT code", opt=True),
          "kind": E("person business utility", "Kind of payee", default="person")},
         returns=O(payee_id=S(), display_name=S()), executor="bank.add_payee"),
    tool("bank_card_lock", "Temporarily lock a payment card, e.g. when it is misplaced.",
         {"card_last4": S("Last four digits of the card", pattern="^[0-9]{4}$"),
          "reason": E("misplaced stolen suspicious_activity travel other", "Why the card is locked", default="misplaced")},
         returns=O(card_last4=S(), locked=B(), locked_at=DT()), executor="bank.freeze_card"),
    tool("bank_card_unlock", "Unlock a previously locked payment card.",
         {"card_last4": S("Last four digits of the card", pattern="^[0-9]{4}$")},
         returns=O(card_last4=S(), locked=B()), executor="bank.unfreeze_card"),
    tool("bank_budget_cap_set", "Set a monthly spending cap for a category; alerts fire when it is crossed.",
         {"category": E(SPEND, "Spending category"), "monthly_limit": N("Cap per calendar month", xlo=0),
          "alert_at_pct": I("Warn when this share of the cap is used", default=80, lo=1, hi=100)},
         returns=O(category=S(), monthly_limit=N(), spent_this_month=N()), executor="bank.set_budget"),
    tool("bank_spending_breakdown", "Spending per category for a month, against any caps set.",
         {"month": S("Month as YYYY-MM", pattern="^[0-9]{4}-[0-9]{2}$"),
          "account_id": S("Limit to one account; all accounts when omitted", opt=True)},
         returns=O(month=S(), categories=A(O(category=E(SPEND), spent=N(), cap=N(opt=True))), total=N()),
         executor="bank.spending_summary"),
]
