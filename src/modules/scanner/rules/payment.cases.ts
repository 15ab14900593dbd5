/** @module scanner/rules/payment.cases — examples for payment and commerce platforms. */
import type { RuleCases } from '../testing/rule-cases.ts';

export const paymentCases: RuleCases[] = [
  { rule: 'stripe-live-secret-key', positive: [{ text: "const stripe = new Stripe('«sk_live_{alnum:99}»');", path: 'server/pay.js' }, 'STRIPE_KEY: «rk_live_{alnum:24}»'], negative: ["const stripe = new Stripe(process.env.STRIPE_KEY); // sk_live_..."] },
  { rule: 'stripe-test-secret-key', positive: ['STRIPE_SECRET_KEY=«sk_test_{alnum:24}»'], negative: ['STRIPE_PUBLISHABLE_KEY=pk_test_{alnum:24}'] },
  { rule: 'stripe-webhook-secret', positive: ['STRIPE_WEBHOOK_SECRET: «whsec_{alnum:32}»'], negative: ['STRIPE_WEBHOOK_SECRET: whsec_...'] },
  { rule: 'square-access-token', positive: ['SQUARE_ACCESS_TOKEN: «EAAA{b64url:60}»', 'token: «sq0atp-{b64url:22}»'], negative: ['SQUARE_ACCESS_TOKEN: EAAA...'] },
  { rule: 'square-oauth-secret', positive: ['SQUARE_OAUTH_SECRET: «sq0csp-{b64url:43}»'], negative: ['SQUARE_OAUTH_SECRET: sq0csp-...'] },
  { rule: 'braintree-access-token', positive: ['BRAINTREE_TOKEN: «access_token$production${lalnum:16}${hex:32}»'], negative: ['BRAINTREE_TOKEN: access_token$sandbox$...'] },
  { rule: 'shopify-token', positive: ['SHOPIFY_ADMIN_TOKEN: «shpat_{hex:32}»'], negative: ['SHOPIFY_ADMIN_TOKEN: shpat_...'] },
  { rule: 'plaid-access-token', positive: ['PLAID_ACCESS_TOKEN: «access-production-{uuid}»'], negative: ['PLAID_ENV: production'] },
];
