/** @module scanner/pii/validators — checks that turn digit patterns into personal-data findings only when they are plausible. */
import { luhnValid } from './luhn.ts';

/**
 * A payment card number: 13–19 digits, Luhn-valid, separators (if any) all the same, not one repeated digit.
 * @example paymentCardValid('4111 1111 1111 1111') // true
 */
export function paymentCardValid(text: string): boolean {
  const separators = new Set(text.replace(/\d/g, ''));
  if (separators.size > 1) return false;
  const digits = text.replace(/\D/g, '');
  return digits.length >= 13 && digits.length <= 19 && !/^(\d)\1+$/.test(digits) && luhnValid(digits);
}

/**
 * A US social security number in the issued ranges (area not 000, 666 or 9xx; group not 00; serial not 0000),
 * excluding numbers published as examples.
 * @example ssnValid('219-09-9999') // false (used in advertising)
 */
export function ssnValid(text: string): boolean {
  const m = /^(\d{3})-(\d{2})-(\d{4})$/.exec(text);
  if (!m) return false;
  const [, area, group, serial] = m;
  if (area === '000' || area === '666' || area!.startsWith('9') || group === '00' || serial === '0000') return false;
  return !['078-05-1120', '219-09-9999', '123-45-6789'].includes(text);
}

/**
 * A phone number with 10 to 15 digits (E.164 allows 15), not a run of one digit.
 * @example phoneValid('+44 20 7946 0958') // true
 */
export function phoneValid(text: string): boolean {
  const digits = text.replace(/\D/g, '');
  return digits.length >= 10 && digits.length <= 15 && !/^(\d)\1+$/.test(digits.slice(-7));
}
