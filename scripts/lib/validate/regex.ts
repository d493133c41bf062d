// AWS provider schemas write their `pattern`s for Java/Python regex engines; ajv runs them as
// JavaScript RegExps in unicode mode (needed for \p{L} and friends, which hundreds of schemas use).
// This translates the constructs that differ, so a pattern means the same thing in both:
//   \A \Z \z → ^ $ ; (?i) (?s) inline flags → case-expanded letters / [\s\S] (ajv has one global
//   flag set) ; \p{Print} \p{Graph} → unicode-mode equivalents ; (?P<n> → (?<n> ; identity escapes
//   such as \_ \: (an error in unicode mode) → the plain character ; a literal '-' next to a class
//   escape inside [...] → \- ; a quantifier on a zero-width assertion (meaningless) → dropped.
// A pattern that still does not compile is reported by the caller, never silently dropped.

export type PatternTranslation = { readonly ok: true; readonly source: string } | { readonly ok: false; readonly error: string };

const SYNTAX_CHARS = new Set([...'^$\\.*+?()[]{}|/']);
const CLASS_ESCAPE_LETTERS = new Set([...'dDwWsS']);
const POSIX_PROPERTIES: Readonly<Record<string, string>> = {
  'p{Print}': '\\P{Cc}',
  'P{Print}': '\\p{Cc}',
  'p{Graph}': '\\S',
  'P{Graph}': '\\s',
  'p{Alpha}': '\\p{L}',
  'p{Alnum}': '[\\p{L}\\p{N}]',
  'p{Punct}': '\\p{P}',
};

/** Translates a schema pattern to a unicode-mode JavaScript RegExp source that matches the same strings. */
export function translatePattern(pattern: string): PatternTranslation {
  const flags = inlineFlags(pattern);
  let source: string;
  try {
    source = new Translator(pattern, flags).run();
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  try {
    new RegExp(source, 'u');
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
  return { ok: true, source };
}

/** Flags set anywhere by (?i) / (?s) / (?is) / (?i:...): applied to the whole pattern (close enough: AWS uses them at the start). */
function inlineFlags(pattern: string): { readonly ignoreCase: boolean; readonly dotAll: boolean } {
  const found = [...pattern.matchAll(/\(\?([a-zA-Z]+)[):]/g)].map((m) => m[1]).join('');
  return { ignoreCase: found.includes('i'), dotAll: found.includes('s') };
}

const isLetter = (c: string): boolean => c.toLowerCase() !== c.toUpperCase() && c.length === 1;
const bothCases = (c: string): string => (isLetter(c) ? `${c.toLowerCase()}${c.toUpperCase()}` : c);

class Translator {
  private i = 0;
  private out = '';
  private inClass = false;
  /** What the last emitted class atom was, to decide about a following '-'. */
  private lastClassAtomWasEscapeClass = false;
  /** For each open group: does it open a zero-width assertion? */
  private readonly groups: boolean[] = [];
  private dropQuantifier = false;

  constructor(
    private readonly p: string,
    private readonly flags: { readonly ignoreCase: boolean; readonly dotAll: boolean },
  ) {}

  run(): string {
    while (this.i < this.p.length) {
      if (this.dropQuantifier && this.skipQuantifier()) continue;
      this.dropQuantifier = false;
      const c = this.p[this.i];
      if (c === '\\') this.escape();
      else if (this.inClass) this.classChar(c);
      else this.plainChar(c);
    }
    return this.out;
  }

  private skipQuantifier(): boolean {
    const rest = this.p.slice(this.i);
    const m = /^(?:[*+?]|\{\d+(?:,\d*)?\})\??/.exec(rest);
    if (!m) {
      this.dropQuantifier = false;
      return false;
    }
    this.i += m[0].length;
    return true;
  }

  private escape(): void {
    const next = this.p[this.i + 1];
    if (next === undefined) throw new Error('pattern ends with a lone backslash');
    const property = /^[pP]\{[A-Za-z_]+\}/.exec(this.p.slice(this.i + 1))?.[0];
    if (property) {
      this.i += 1 + property.length;
      this.emitAtom(POSIX_PROPERTIES[property] ?? `\\${property}`, true);
      return;
    }
    this.i += 2;
    if (!this.inClass && (next === 'A' || next === 'Z' || next === 'z')) {
      this.out += next === 'A' ? '^' : '$';
      this.dropQuantifier = true;
      return;
    }
    if (next === 'u' || next === 'x') {
      const hex = next === 'u' ? this.p.slice(this.i, this.i + 4) : this.p.slice(this.i, this.i + 2);
      this.i += hex.length;
      this.emitAtom(`\\${next}${hex}`, false);
      return;
    }
    if (/[A-Za-z0-9]/.test(next)) {
      this.emitAtom(`\\${next}`, CLASS_ESCAPE_LETTERS.has(next));
      return;
    }
    if (SYNTAX_CHARS.has(next) || (next === '-' && this.inClass)) {
      this.emitAtom(`\\${next}`, false);
      return;
    }
    // An identity escape of a character that needs none (\_ \: \# \- outside a class …).
    this.emitLiteral(next);
  }

  private classChar(c: string): void {
    this.i++;
    if (c === ']') {
      this.inClass = false;
      // Under (?i) the other case of every letter and letter range goes into the class.
      this.out += this.caseAdditions.join('') + c;
      this.caseAdditions = [];
      return;
    }
    if (c === '&' && this.p[this.i] === '&') throw new Error('Java character class intersection (&&) has no JavaScript equivalent');
    if (c === '-') {
      const nextIsEscapeClass = /^\\([dDwWsS]|[pP]\{)/.test(this.p.slice(this.i));
      const atEdge = this.out.endsWith('[') || this.out.endsWith('[^') || this.p[this.i] === ']';
      const literal = this.lastClassAtomWasEscapeClass || nextIsEscapeClass || atEdge;
      this.out += literal ? '\\-' : '-';
      this.rangeStart = literal ? undefined : this.lastLiteral;
      this.lastClassAtomWasEscapeClass = false;
      return;
    }
    this.emitLiteral(c);
  }

  /** Other-case letters and ranges to add to the open class under (?i). */
  private caseAdditions: string[] = [];
  /** The literal just before an unescaped '-' in a class (a range start). */
  private rangeStart: string | undefined;
  private lastLiteral: string | undefined;

  private plainChar(c: string): void {
    const rest = this.p.slice(this.i);
    const flagGroup = /^\(\?[a-zA-Z]+\)/.exec(rest);
    if (flagGroup) {
      this.i += flagGroup[0].length;
      return;
    }
    const scopedFlags = /^\(\?[a-zA-Z]+:/.exec(rest);
    if (scopedFlags) {
      this.i += scopedFlags[0].length;
      this.out += '(?:';
      this.groups.push(false);
      return;
    }
    if (rest.startsWith('(?P<')) {
      this.i += 4;
      this.out += '(?<';
      this.groups.push(false);
      return;
    }
    const backReference = /^\(\?P=(\w+)\)/.exec(rest);
    if (backReference) {
      this.i += backReference[0].length;
      this.out += `\\k<${backReference[1]}>`;
      return;
    }
    if (rest.startsWith('(?>')) {
      this.i += 3;
      this.out += '(?:';
      this.groups.push(false);
      return;
    }
    this.i++;
    switch (c) {
      case '[':
        this.inClass = true;
        this.lastClassAtomWasEscapeClass = false;
        this.out += c;
        if (this.p[this.i] === '^') {
          this.out += '^';
          this.i++;
        }
        if (this.p[this.i] === ']') {
          this.out += '\\]';
          this.i++;
        }
        return;
      case '(': {
        const assertion = /^\?(?:[=!]|<[=!])/.test(this.p.slice(this.i));
        this.groups.push(assertion);
        this.out += c;
        return;
      }
      case ')':
        this.out += c;
        this.dropQuantifier = this.groups.pop() ?? false;
        return;
      case '^':
      case '$':
        this.out += c;
        this.dropQuantifier = true;
        return;
      case '{': {
        // A quantifier passes through; a literal brace (Java/Python accept it bare) is escaped.
        const quantifier = /^\d+(?:,\d*)?\}/.exec(this.p.slice(this.i))?.[0];
        this.out += quantifier ? `{${quantifier}` : '\\{';
        this.i += quantifier?.length ?? 0;
        return;
      }
      case '}':
      case ']':
        this.out += `\\${c}`;
        return;
      case '.':
        this.out += this.flags.dotAll ? '[\\s\\S]' : '.';
        return;
      default:
        // Operators (* + ? { | …) and ordinary characters pass through; only letters change under (?i).
        this.out += this.flags.ignoreCase && isLetter(c) ? `[${bothCases(c)}]` : c;
    }
  }

  private emitAtom(atom: string, isEscapeClass: boolean): void {
    this.out += atom;
    if (this.inClass) {
      this.lastClassAtomWasEscapeClass = isEscapeClass;
      this.lastLiteral = undefined;
      this.rangeStart = undefined;
    }
  }

  private emitLiteral(c: string): void {
    if (this.inClass) {
      this.out += c === '[' || c === '/' ? `\\${c}` : c;
      if (this.flags.ignoreCase) this.addOtherCase(c);
      this.lastClassAtomWasEscapeClass = false;
      this.lastLiteral = c;
      return;
    }
    // Outside a class only characters that need no escape get here (from an identity escape).
    this.out += this.flags.ignoreCase && isLetter(c) ? `[${bothCases(c)}]` : c;
  }

  private addOtherCase(c: string): void {
    const swap = (x: string) => (x === x.toLowerCase() ? x.toUpperCase() : x.toLowerCase());
    const start = this.rangeStart;
    this.rangeStart = undefined;
    if (start !== undefined) {
      if (isLetter(start)) this.caseAdditions.pop(); // the start's single-letter addition becomes a range
      if (isLetter(start) && isLetter(c)) this.caseAdditions.push(`${swap(start)}-${swap(c)}`);
      return;
    }
    if (isLetter(c)) this.caseAdditions.push(swap(c));
  }
}
