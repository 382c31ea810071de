const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** JSON that could not be read, with what was wrong. */
export class JsonListError extends Error {}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09 || code === 0xfeff;
}

/**
 * Reads a JSON array that arrives in pieces, parsing each element as soon as it is whole: a list
 * of megabytes (a wallet's whole job history) then costs many small parses spread over its
 * arrival, never one parse of the whole text. A body that is not an array is kept whole and
 * parsed at the end, so that the caller can say what it was.
 */
export class JsonListReader {
  private state: 'start' | 'array' | 'end' | 'other' = 'start';
  /** Nesting inside the current element. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The current element's text from earlier pieces. */
  private parts: string[] = [];
  /** A comma was read and no element after it yet. */
  private expectElement = false;
  private readonly items: unknown[] = [];
  private readonly whole: string[] = [];

  push(text: string): void {
    let index = 0;
    if (this.state === 'start') {
      while (index < text.length && isSpace(text.charCodeAt(index))) index += 1;
      if (index === text.length) return;
      if (text.charCodeAt(index) !== OPEN_BRACKET) {
        this.state = 'other';
      } else {
        this.state = 'array';
        index += 1;
      }
    }
    if (this.state === 'other') {
      this.whole.push(text.slice(index));
      return;
    }
    if (this.state === 'end') return this.expectSpace(text, index);
    this.scan(text, index);
  }

  /** The array's elements, or the parsed body when it was not an array. Throws JsonListError for JSON cut short or broken. */
  end(): unknown {
    switch (this.state) {
      case 'end':
        return this.items;
      case 'other':
        try {
          return JSON.parse(this.whole.join('')) as unknown;
        } catch {
          throw new JsonListError('not JSON');
        }
      case 'start':
        throw new JsonListError('empty');
      default:
        throw new JsonListError('a list cut short');
    }
  }

  private scan(text: string, from: number): void {
    let start = from;
    for (let index = from; index < text.length; index++) {
      const code = text.charCodeAt(index);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (code === BACKSLASH) this.escaped = true;
        else if (code === QUOTE) this.inString = false;
        continue;
      }
      if (code === QUOTE) this.inString = true;
      else if (code === OPEN_BRACE || code === OPEN_BRACKET) this.depth += 1;
      else if (this.depth > 0 && (code === CLOSE_BRACE || code === CLOSE_BRACKET)) this.depth -= 1;
      else if (this.depth === 0 && (code === COMMA || code === CLOSE_BRACKET)) {
        this.element(text.slice(start, index), code === CLOSE_BRACKET);
        start = index + 1;
        if (code === CLOSE_BRACKET) {
          this.state = 'end';
          return this.expectSpace(text, start);
        }
      } else if (this.depth === 0 && code === CLOSE_BRACE) {
        throw new JsonListError('not JSON');
      }
    }
    this.parts.push(text.slice(start));
  }

  private element(tail: string, closing: boolean): void {
    const text = (this.parts.length > 0 ? this.parts.join('') + tail : tail).trim();
    this.parts = [];
    if (text === '') {
      // "[]" is an empty list; "[," or ",]" or ",," is broken.
      if (this.expectElement || !closing || this.items.length > 0) throw new JsonListError('not JSON');
      return;
    }
    try {
      this.items.push(JSON.parse(text) as unknown);
    } catch {
      throw new JsonListError('not JSON');
    }
    this.expectElement = !closing;
  }

  private expectSpace(text: string, from: number): void {
    for (let index = from; index < text.length; index++) {
      if (!isSpace(text.charCodeAt(index))) throw new JsonListError('not JSON');
    }
  }
}
