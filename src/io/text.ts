/**
 * Text from a user or a file, made safe to print on one terminal line: control characters
 * (escape sequences, newlines, bidirectional overrides) are shown as \x.. / \u.... escapes and
 * long text is cut in the middle, so a hostile name can neither drive the terminal nor flood it.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Longest piece of echoed text in a message. */
export const MAX_SHOWN = 160;

/** Escapes control characters without shortening (for whole messages, whose pieces are shortened where they are built). */
export function safeLine(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Escapes control characters and shortens `text` to about `max` characters, keeping its start and end. */
export function safeText(text: string, max = MAX_SHOWN): string {
  return safeLine(text.length > max ? `${text.slice(0, max - 24)}…(${text.length - max + 14} more)…${text.slice(-10)}` : text);
}
