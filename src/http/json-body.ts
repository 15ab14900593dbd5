/**
 * @module http/json-body — the JSON body parser: the bytes must be UTF-8 (RFC 8259 §8.1; Fastify
 * would otherwise turn invalid bytes silently into U+FFFD), then Fastify's own safe parse, which
 * refuses `__proto__` and `constructor.prototype` keys — with a message that says so. An empty body
 * counts as no body.
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../core/errors.ts';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when `text` is JSON, i.e. the safe parse failed only because of a poisoning key. */
function isPlainJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Replace the `application/json` parser. Body size is still limited by Fastify's `bodyLimit`.
 * @example installJsonBodyParser(app);
 */
export function installJsonBodyParser(app: FastifyInstance) {
  const parseSafely = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(new ValidationError('the request body is not valid UTF-8'), undefined);
      return;
    }
    // Many clients send `content-type: application/json` with no body on action routes
    // (POST …/activate); an empty body is "no body", and routes that need one say so in validation.
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    parseSafely(request, text, (err, value) => {
      if (err && isPlainJson(text)) {
        done(new ValidationError('the request body has a "__proto__" or "constructor.prototype" key, which is refused'), undefined);
        return;
      }
      done(err, value);
    });
  });
}
