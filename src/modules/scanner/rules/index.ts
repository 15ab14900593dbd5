/** @module scanner/rules — Palisade's default rule set. */
import { cloudRules } from './cloud.ts';
import { codeHostRules } from './code-hosts.ts';
import { genericRules } from './generic.ts';
import { keyRules } from './keys.ts';
import { messagingRules } from './messaging.ts';
import { palisadeRules } from './palisade.ts';
import { paymentRules } from './payment.ts';
import { piiRules } from './pii.ts';
import type { Rule } from '../types.ts';

export interface DefaultRuleOptions {
  /** Include personal-data rules (e-mail, phone, card, IBAN, SSN). Off by default: see docs/scanner.md. */
  readonly personalData?: boolean;
  /** Include credential rules. On by default. */
  readonly credentials?: boolean;
}

/**
 * Palisade's default rules.
 * @example defaultRules({ personalData: true }).length // credentials + 5 personal-data rules
 */
export function defaultRules(options: DefaultRuleOptions = {}): Rule[] {
  const rules: Rule[] = [];
  if (options.credentials ?? true) {
    rules.push(...cloudRules(), ...codeHostRules(), ...messagingRules(), ...paymentRules(), ...keyRules(), ...genericRules(), ...palisadeRules());
  }
  if (options.personalData) rules.push(...piiRules());
  return rules;
}
