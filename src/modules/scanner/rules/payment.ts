/** @module scanner/rules/payment — payment and commerce platforms: Stripe, Square, Braintree, Shopify, Plaid. */
import { defineRule } from './define.ts';
import type { Rule } from '../types.ts';

export function paymentRules(): Rule[] {
  return [
    defineRule({
      id: 'stripe-live-secret-key',
      description: 'Stripe live secret or restricted key.',
      regex: /\b((?:sk|rk)_live_[0-9A-Za-z]{24,99})\b/,
      keywords: ['sk_live_', 'rk_live_'],
      entropy: 3,
      tags: ['stripe', 'payment'],
    }),
    defineRule({
      id: 'stripe-test-secret-key',
      description: 'Stripe test-mode secret or restricted key (no money moves, but it reads and writes the test account).',
      regex: /\b((?:sk|rk)_test_[0-9A-Za-z]{24,99})\b/,
      keywords: ['sk_test_', 'rk_test_'],
      entropy: 3,
      tags: ['stripe', 'payment', 'test-mode'],
    }),
    defineRule({
      id: 'stripe-webhook-secret',
      description: 'Stripe webhook signing secret.',
      regex: /\b(whsec_[A-Za-z0-9]{32,64})\b/,
      keywords: ['whsec_'],
      entropy: 3,
      tags: ['stripe', 'payment', 'webhook'],
    }),
    defineRule({
      id: 'square-access-token',
      description: 'Square access token.',
      regex: /\b((?:EAAA[A-Za-z0-9_-]{60}|sq0atp-[0-9A-Za-z_-]{22}))(?![A-Za-z0-9_-])/,
      keywords: ['eaaa', 'sq0atp-'],
      entropy: 3.5,
      tags: ['square', 'payment'],
    }),
    defineRule({
      id: 'square-oauth-secret',
      description: 'Square OAuth application secret.',
      regex: /\b(sq0csp-[0-9A-Za-z_-]{43})(?![0-9A-Za-z_-])/,
      keywords: ['sq0csp-'],
      entropy: 3.5,
      tags: ['square', 'payment'],
    }),
    defineRule({
      id: 'braintree-access-token',
      description: 'Braintree / PayPal production access token.',
      regex: /(access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})/,
      keywords: ['access_token$production$'],
      tags: ['braintree', 'paypal', 'payment'],
    }),
    defineRule({
      id: 'shopify-token',
      description: 'Shopify admin, custom-app, private-app or shared secret.',
      regex: /\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b/,
      keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
      entropy: 3,
      tags: ['shopify', 'payment'],
    }),
    defineRule({
      id: 'plaid-access-token',
      description: 'Plaid access token.',
      regex: /\b(access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/,
      keywords: ['access-production-', 'access-sandbox-', 'access-development-'],
      tags: ['plaid', 'payment'],
    }),
  ];
}
