/**
 * @module scanner/rules/pii — personal data that should not sit in plain files: e-mail addresses, phone
 * numbers, payment cards (Luhn), IBANs (mod 97) and US social security numbers. Tagged `pii`, reported
 * only when personal-data scanning is switched on.
 */
import { defineRule } from './define.ts';
import { ibanValid } from '../pii/iban.ts';
import { paymentCardValid, phoneValid, ssnValid } from '../pii/validators.ts';
import type { Rule } from '../types.ts';

/** Addresses that are documentation, not people: reserved domains (RFC 2606, RFC 6761), no-reply senders, image names. */
const NOT_A_PERSON = [
  /@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|example|test|invalid|localhost|local)$/i,
  /^(?:no-?reply|do-?not-?reply|noreply\+[\w.-]+)@|@users\.noreply\.github\.com$/i,
  /\.(?:png|jpe?g|gif|svg|webp|js|mjs|ts|css|map|json)$/i,
];

export function piiRules(): Rule[] {
  return [
    defineRule({
      id: 'pii-email-address',
      description: 'E-mail address (personal data).',
      regex: /(?<![A-Za-z0-9._%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})(?![A-Za-z0-9-])/,
      keywords: ['@'],
      category: 'pii',
      tags: ['email'],
      allow: [{ regexes: NOT_A_PERSON }],
    }),
    defineRule({
      id: 'pii-phone-number',
      description: 'International (+country) or North American ((555) 555-5555) phone number (personal data).',
      regex: /(?<![\w+])(\+[1-9]\d{0,2}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}|\(\d{3}\) ?\d{3}-\d{4})(?![\w-])/,
      keywords: [],
      validate: phoneValid,
      category: 'pii',
      tags: ['phone'],
    }),
    defineRule({
      id: 'pii-payment-card',
      description: 'Payment card number (Luhn-valid Visa, Mastercard, American Express, Discover).',
      regex: /(?<![\d.-])((?:4|5[1-5]|2[2-7]|3[47]|6(?:011|5))\d(?:[ -]?\d){11,17})(?![\d-])/,
      keywords: [],
      validate: paymentCardValid,
      category: 'pii',
      tags: ['payment-card', 'pci'],
    }),
    defineRule({
      id: 'pii-iban',
      description: 'International Bank Account Number (mod-97 valid).',
      regex: /\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b/,
      keywords: [],
      validate: ibanValid,
      category: 'pii',
      tags: ['iban', 'bank-account'],
    }),
    defineRule({
      id: 'pii-us-ssn',
      description: 'US social security number.',
      regex: /(?<![\d-])(\d{3}-\d{2}-\d{4})(?![\d-])/,
      keywords: [],
      validate: ssnValid,
      category: 'pii',
      tags: ['ssn', 'national-id'],
    }),
  ];
}
