/**
 * @module http/input-guard — refuses, with field paths, request text that PostgreSQL cannot store:
 * NUL characters and unpaired UTF-16 surrogates (JSON allows `"\u0000"` and `"\ud800"`; `text`
 * and `jsonb` reject them, which would otherwise surface as a 500 from deep inside a store).
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ValidationError, type FieldError } from '../core/errors.ts';

const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_REPORTED = 20;

/** True when PostgreSQL can store the string as `text` and inside `jsonb`. */
export function isStorableText(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/**
 * Every string (values and object keys) under `value` that PostgreSQL cannot store, as field errors
 * addressed like the schema validation errors (`body.name`, `querystring.q`). Iterative, so a
 * deeply nested body cannot exhaust the stack.
 * @example findUnstorableText({ name: 'a\u0000b' }, 'body') // [{ path: 'body.name', message: '…' }]
 */
export function findUnstorableText(value: unknown, root: string): FieldError[] {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[value, root]];
  while (pending.length > 0 && errors.length < MAX_REPORTED) {
    const [v, path] = pending.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) errors.push({ path, message: 'contains a NUL character or an unpaired UTF-16 surrogate' });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) pending.push([v[i], `${path}.${i}`]);
    } else if (ArrayBuffer.isView(v)) {
      // A raw body (e.g. an uploaded document) is bytes stored as bytea, not text: nothing to check,
      // and walking it entry by entry would build one path string per byte.
      continue;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (!isStorableText(k)) errors.push({ path, message: 'has a key with a NUL character or an unpaired UTF-16 surrogate' });
        else pending.push([child, `${path}.${k}`]);
      }
    }
  }
  return errors;
}

/**
 * Check params, query and body after the permission check and before schema validation. A callback
 * hook, not an async one: it runs on every request, and a promise per request is measurable.
 */
export function installInputGuard(app: FastifyInstance) {
  app.addHook('preValidation', (request, _reply, done) => {
    const errors = [
      ...findUnstorableText(request.params, 'params'),
      ...findUnstorableText(request.query, 'querystring'),
      ...findUnstorableText(request.body, 'body'),
    ];
    if (errors.length > 0) done(new ValidationError('the request contains text that cannot be stored', errors) as unknown as FastifyError);
    else done();
  });
}
