/**
 * The triage model's label spaces and the explicit tables that map the
 * public data sets' intents onto the shop's intents and risk categories.
 */
export const RISK_CATEGORIES = ["payments", "account_data", "legal", "security"] as const;
export const CATEGORIES = [...RISK_CATEGORIES, "none"] as const;
export type RiskCategory = (typeof RISK_CATEGORIES)[number];
export type Category = (typeof CATEGORIES)[number];

/** The intent of a request the shop does not handle. */
export const OUT_OF_SCOPE = "out_of_scope";

/** Shop intents (the 27 Bitext intents plus three written here) and the article that answers each, if any. */
export const INTENT_ARTICLES: Record<string, string | null> = {
  cancel_order: "cancelling-an-order",
  change_order: "changing-an-order",
  change_shipping_address: "shipping-addresses",
  set_up_shipping_address: "shipping-addresses",
  check_cancellation_fee: "cancellation-fees",
  check_invoice: "invoices",
  get_invoice: "invoices",
  check_payment_methods: "payment-methods",
  check_refund_policy: "refund-policy",
  complaint: "making-a-complaint",
  contact_customer_service: "contacting-customer-service",
  contact_human_agent: "contacting-a-human-agent",
  create_account: "creating-an-account",
  delete_account: "closing-your-account",
  delivery_options: "delivery-options",
  delivery_period: "delivery-period",
  edit_account: "editing-your-account-details",
  get_refund: "refund-policy",
  newsletter_subscription: "newsletter",
  payment_issue: "payment-problems",
  place_order: "placing-an-order",
  recover_password: "recovering-your-password",
  registration_problems: "registration-problems",
  review: "leaving-a-review",
  switch_account: "switching-between-accounts",
  track_order: "tracking-your-order",
  track_refund: "tracking-a-refund",
  legal_threat: null,
  personal_data_request: null,
  card_security: null,
};
export const SHOP_INTENTS = Object.keys(INTENT_ARTICLES);
export const INTENTS = [...SHOP_INTENTS, OUT_OF_SCOPE];

/** Risk category of each shop intent; intents not listed are `none`. */
export const INTENT_CATEGORY: Record<string, Category> = {
  get_refund: "payments",
  payment_issue: "payments",
  delete_account: "account_data",
  personal_data_request: "account_data",
  legal_threat: "legal",
  card_security: "security",
};

export interface MappedLabel {
  intent: string;
  category: Category;
}

/** BANKING77 intents with a shop meaning; every other BANKING77 intent is out of scope, category none. */
export const BANKING77_MAP: Record<string, MappedLabel> = {
  request_refund: { intent: "get_refund", category: "payments" },
  Refund_not_showing_up: { intent: "track_refund", category: "payments" },
  transaction_charged_twice: { intent: "payment_issue", category: "payments" },
  card_payment_not_recognised: { intent: "payment_issue", category: "payments" },
  direct_debit_payment_not_recognised: { intent: "payment_issue", category: "payments" },
  cash_withdrawal_not_recognised: { intent: "payment_issue", category: "payments" },
  extra_charge_on_statement: { intent: "payment_issue", category: "payments" },
  card_payment_fee_charged: { intent: "payment_issue", category: "payments" },
  card_payment_wrong_exchange_rate: { intent: "payment_issue", category: "payments" },
  wrong_amount_of_cash_received: { intent: "payment_issue", category: "payments" },
  declined_card_payment: { intent: "payment_issue", category: "payments" },
  "reverted_card_payment?": { intent: "payment_issue", category: "payments" },
  lost_or_stolen_card: { intent: "card_security", category: "security" },
  compromised_card: { intent: "card_security", category: "security" },
  lost_or_stolen_phone: { intent: "card_security", category: "security" },
  terminate_account: { intent: "delete_account", category: "account_data" },
};

/** CLINC150 intents with a shop meaning; every other one (and `oos`) is out of scope, category none. */
export const CLINC150_MAP: Record<string, MappedLabel> = {
  report_fraud: { intent: "card_security", category: "security" },
  report_lost_card: { intent: "card_security", category: "security" },
  freeze_account: { intent: "card_security", category: "security" },
  card_declined: { intent: "payment_issue", category: "payments" },
  order_status: { intent: "track_order", category: "none" },
};

export function categoryOfIntent(intent: string): Category {
  return INTENT_CATEGORY[intent] ?? "none";
}
