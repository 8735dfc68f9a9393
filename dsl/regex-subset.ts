import { compileRegex } from './codegen/regex.ts';
import { LIMITS } from './limits.ts';

/**
 * Regexes are limited to the subset with RE2 semantics, which a linear-time engine can run
 * (docs/language.md §4.5): no backreferences, no lookaround, bounded counted repetition.
 * Returns undefined when the pattern is acceptable, or the problem and its column offset.
 */
export interface RegexProblem {
  code: 'E005' | 'E006';
  message: string;
  offset: number;
  hint?: string;
}

const FLAGS = new Set(['i']);

export function checkRegex(source: string, flags: string): RegexProblem | undefined {
  for (const f of flags) {
    if (!FLAGS.has(f))
      return {
        code: 'E005',
        message: `unknown regex flag '${f}'`,
        offset: -1,
        hint: "the only flag is 'i' (ignore case)",
      };
  }
  if (source.length > LIMITS.maxRegexLength)
    return { code: 'E005', message: `regex is longer than ${LIMITS.maxRegexLength} characters`, offset: 0 };
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(n))
        return {
          code: 'E006',
          message: `backreference '\\${n}' is not supported`,
          offset: i,
          hint: 'capture the groups and compare them in the rule instead',
        };
      if (n === 'k' && source[i + 2] === '<')
        return { code: 'E006', message: 'named backreference is not supported', offset: i };
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(' && source[i + 1] === '?') {
      const look = source.slice(i + 2, i + 4);
      if (look.startsWith('=') || look.startsWith('!') || look === '<=' || look === '<!')
        return {
          code: 'E006',
          message: 'lookaround (?=, ?!, ?<=, ?<!) is not supported',
          offset: i,
          hint: 'use two matches combined with and / not',
        };
    } else if (c === '{') {
      const m = /^\{([0-9]+)(?:,([0-9]*))?\}/.exec(source.slice(i));
      if (m && (Number(m[1]) > LIMITS.maxRegexRepeat || Number(m[2] ?? 0) > LIMITS.maxRegexRepeat))
        return { code: 'E006', message: `repetition count above ${LIMITS.maxRegexRepeat}`, offset: i };
    }
  }
  try {
    new RegExp(source, `${flags}u`);
  } catch (e) {
    const text =
      e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '') : 'invalid';
    return { code: 'E005', message: `invalid regex: ${text}`, offset: 0 };
  }
  // The last word is the runtime's own linear-time engine: whatever it cannot
  // run (e.g. \p{…} classes) is an error now, not when the rule set is loaded.
  try {
    compileRegex({ source, flags });
  } catch (e) {
    const text = e instanceof Error ? e.message : 'unsupported';
    return { code: 'E006', message: `not supported by the linear-time engine: ${text}`, offset: 0 };
  }
  return undefined;
}
