/**
 * @module ingest/log-text — making attacker-controlled log text safe to keep: control characters
 * (C0, DEL, C1), bidirectional overrides and backslashes are escaped, and the text is bounded.
 * A user name such as `root\x1b[2J` or one with U+202E must not repaint a terminal or reorder what
 * an analyst reads when the event is shown or forwarded to syslog.
 */

/** C0 and C1 controls, DEL, the bidi marks, embeddings, overrides and isolates, and the backslash itself. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/;

function escapeChar(c: string): string {
  if (c === '\\') return '\\\\';
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * Escape unsafe characters and keep at most `max` characters of the escaped text, never cutting an
 * escape sequence or a surrogate pair in two.
 * @example escapeLogText('root\u001b[2J', 100) // { text: 'root\\x1b[2J', truncated: false }
 */
export function escapeLogText(s: string, max: number): { text: string; truncated: boolean } {
  let out = '';
  for (const ch of s) {
    const piece = UNSAFE.test(ch) ? escapeChar(ch) : ch;
    if (out.length + piece.length > max) return { text: out, truncated: true };
    out += piece;
  }
  return { text: out, truncated: false };
}

/**
 * Escaped and bounded, as a plain string (for short fields such as a user name).
 * @example safeField('admin\u0007', 64) // 'admin\\x07'
 */
export function safeField(s: string, max: number): string {
  return escapeLogText(s, max).text;
}
