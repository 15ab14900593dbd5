/** @module scanner/rules/pii.cases — examples for the personal-data rules. */
import type { RuleCases } from '../testing/rule-cases.ts';

export const piiCases: RuleCases[] = [
  {
    rule: 'pii-email-address',
    positive: [{ text: 'id,name,email\n17,Jane Doe,«jane.doe@acme-mail.de»', path: 'exports/customers.csv' }],
    negative: [{ text: 'contact: support@example.com, logo: icon@2x.png, noreply@acme.io', path: 'README.md' }, { text: 'import x from "@types/node";', path: 'a.ts' }],
  },
  {
    rule: 'pii-phone-number',
    positive: [{ text: 'name,phone\nJane,«+44 20 7946 0958»\nJoe,«(212) 555-0147»', path: 'exports/contacts.csv' }],
    negative: [{ text: 'version: 1.2.3+45\nsum = a + 1234', path: 'notes.txt' }],
  },
  {
    rule: 'pii-payment-card',
    positive: [{ text: 'card: «4111 1111 1111 1111»\namex: «3782-822463-10005»', path: 'orders.txt' }],
    negative: [{ text: 'order: 4111 1111 1111 1112\nid: 1234567890123456', path: 'orders.txt' }],
  },
  {
    rule: 'pii-iban',
    positive: [{ text: 'IBAN: «GB82 WEST 1234 5698 7654 32»\nalt: «DE89370400440532013000»', path: 'payroll.txt' }],
    negative: [{ text: 'IBAN: GB82 WEST 1234 5698 7654 33', path: 'payroll.txt' }],
  },
  {
    rule: 'pii-us-ssn',
    positive: [{ text: 'ssn: «536-22-8512»', path: 'hr/employee.yml' }],
    negative: [{ text: 'ssn: 000-12-3456\nexample: 123-45-6789\nphone: 666-12-1234', path: 'hr/employee.yml' }],
  },
];
