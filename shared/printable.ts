/**
 * Echoing user input in messages without letting it act on the terminal: control characters (ESC starts
 * terminal escape sequences), C1 controls, bidirectional overrides, invisible format characters and lone
 * surrogates are written as visible escapes (`\x1b`, `\u202e`), and long values are cut with their length.
 */

/** Longest echo of one user value in a message, in characters of output. */
export const MAX_ECHO = 80;

/** Characters that must not reach a terminal raw (newline and tab included: an echoed value stays on its line). */
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]/u;
/** The same without newline and tab, for whole messages (which may span lines on purpose). */
const UNSAFE_IN_MESSAGE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;

function escapeChar(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\t') return '\\t';
  if (ch === '\r') return '\\r';
  const code = ch.codePointAt(0) ?? 0;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * `s` made safe to print inside a message: every unsafe character escaped, and at most `max` characters
 * (then `…` and the full length), never cutting an escape or a surrogate pair in half.
 */
export function printable(s: string, max = MAX_ECHO): string {
  let out = '';
  for (const ch of s) {
    const piece = UNSAFE.test(ch) ? escapeChar(ch) : ch;
    if (out.length + piece.length > max) return `${out}… (${[...s].length} characters)`;
    out += piece;
  }
  return out;
}

/** `"s"`, made printable: the form messages use to quote a user's value. */
export function quoted(s: string, max = MAX_ECHO): string {
  return `"${printable(s, max)}"`;
}

/** A whole message with terminal controls escaped; newlines and tabs are kept (for messages that span lines). */
export function safeMessage(message: string): string {
  return message.replace(UNSAFE_IN_MESSAGE, escapeChar);
}
