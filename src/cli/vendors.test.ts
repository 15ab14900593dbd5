import { describe, expect, it } from 'vitest';
import { UsageError } from './client.ts';
import { parseContact } from './vendors.ts';

describe('--contact', () => {
  it('reads "Name <email>" and the key=value form', () => {
    expect(parseContact('Jane Roe <jane@acme.example>')).toEqual({ name: 'Jane Roe', email: 'jane@acme.example' });
    expect(parseContact('name=Bob Lee;email=bob@acme.example;phone=+49 30 1234567;role=account manager')).toEqual({
      name: 'Bob Lee', email: 'bob@acme.example', phone: '+49 30 1234567', role: 'account manager',
    });
  });

  it('refuses unknown keys and contacts without a name or email', () => {
    expect(() => parseContact('name=Bob;mail=bob@acme.example')).toThrow(UsageError);
    expect(() => parseContact('name=Bob')).toThrow(/name and email are required/);
    expect(() => parseContact('jane@acme.example')).toThrow(UsageError);
  });
});
