import { isControl } from './char-classes.ts';
import { fail, type SyntaxFailure } from './failure.ts';
import { meter } from './meter.ts';

/**
 * One pass over the whole input before any grammar: a control character anywhere (even in
 * quotes, even after another error) is reported as such, because CR/LF is an injection
 * attempt, and a lone surrogate has no UTF-8 form to send. Returns whether any code unit is
 * non-ASCII, or the first offence.
 */
export function scanInput(s: string): boolean | SyntaxFailure {
  let nonAscii = false;
  for (let i = 0; i < s.length; i++) {
    meter[0]!++;
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f) {
      if (isControl(c)) return fail('control_character', i);
      nonAscii = true;
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
        if (c >= 0xdc00 || next < 0xdc00 || next > 0xdfff) return fail('invalid_unicode', i);
        i++;
      }
    }
  }
  return nonAscii;
}
