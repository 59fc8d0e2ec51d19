import type { FieldError } from '../errors.js';

/**
 * Character checks of user input, by code unit (no regular expression, so no backtracking whatever
 * the length). Control characters: C0 and DEL; tab, CR and LF are kept for multi-line text.
 */
export function hasControlCharacters(text: string, allowLineBreaks = true): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7f) return true;
    if (c >= 0x20) continue;
    if (c === 0x09) continue;
    if ((c === 0x0a || c === 0x0d) && allowLineBreaks) continue;
    return true;
  }
  return false;
}

/** True when the text holds a line break (CR or LF): a single-line value (a name, a title) cannot. */
export function hasLineBreak(text: string): boolean {
  return text.includes('\n') || text.includes('\r');
}

/** The problem of a single-line value (a name, a title, an email, a label), or null when it has none. */
export function singleLineProblem(text: string): 'control_characters' | 'line_break' | null {
  if (hasControlCharacters(text)) return 'control_characters';
  return hasLineBreak(text) ? 'line_break' : null;
}

/** Adds the field error of a single-line value that holds a line break or a control character. */
export function checkSingleLine(errors: FieldError[], field: string, value: string | null | undefined): boolean {
  const code = value ? singleLineProblem(value) : null;
  if (code) errors.push({ field, code });
  return code === null;
}
