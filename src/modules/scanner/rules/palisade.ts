/** @module scanner/rules/palisade — Palisade's own API tokens (`pal_…`), recognised by their CRC-32 checksum. */
import { isWellFormedToken } from '../../../core/secret-token.ts';
import { defineRule } from './define.ts';
import type { Rule } from '../types.ts';

export function palisadeRules(): Rule[] {
  return [
    defineRule({
      id: 'palisade-api-token',
      description: 'Palisade API token (checksum verified, so look-alikes and typos are not reported).',
      regex: /\b(pal_[0-9A-Za-z]{49})\b/,
      keywords: ['pal_'],
      validate: isWellFormedToken,
      tags: ['palisade'],
    }),
  ];
}
