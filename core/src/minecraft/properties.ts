/**
 * server.properties as Java's java.util.Properties reads it, kept as lines so that comments,
 * blank lines, order and untouched entries survive a round trip byte for byte. Only entries that
 * are set or removed are rewritten, in the escaping Properties.store uses.
 */

type Line = { kind: 'text'; raw: string } | { kind: 'entry'; raw: string; key: string; value: string };

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = s[++i];
    if (next === undefined) break;
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(s.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 5), 16));
      i += 4;
    } else out += ESCAPES[next] ?? next;
  }
  return out;
}

/** Properties.store's escaping; non-ASCII stays as is (Minecraft writes the file as UTF-8). */
function escape(s: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === ' ' && (isKey || i === 0)) out += '\\ ';
    else if (c === '\\') out += '\\\\';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\f') out += '\\f';
    else if ('=:#!'.includes(c)) out += `\\${c}`;
    else if (c.charCodeAt(0) < 0x20) out += `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

/** Splits a logical line (continuations joined) at the first unescaped =, : or whitespace. */
function splitEntry(logical: string): { key: string; value: string } {
  let i = 0;
  let key = '';
  while (i < logical.length) {
    const c = logical.charAt(i);
    if (c === '\\') {
      key += c + (logical[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    key += c;
    i++;
  }
  while (i < logical.length && ' \t\f'.includes(logical.charAt(i))) i++;
  if (logical[i] === '=' || logical[i] === ':') i++;
  while (i < logical.length && ' \t\f'.includes(logical.charAt(i))) i++;
  return { key: unescape(key), value: unescape(logical.slice(i)) };
}

function endsWithOddBackslashes(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

export class ServerProperties {
  private constructor(
    private readonly lines: Line[],
    private readonly eol: string,
  ) {}

  static parse(text: string): ServerProperties {
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    const physical = text.split(/\r\n|\n|\r/);
    if (physical.at(-1) === '') physical.pop();
    const lines: Line[] = [];
    for (let i = 0; i < physical.length; i++) {
      const first = physical[i]!;
      const trimmed = first.replace(/^[ \t\f]+/, '');
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('!')) {
        lines.push({ kind: 'text', raw: first });
        continue;
      }
      const rawParts = [first];
      let logical = trimmed;
      while (endsWithOddBackslashes(logical) && i + 1 < physical.length) {
        i++;
        rawParts.push(physical[i]!);
        logical = logical.slice(0, -1) + physical[i]!.replace(/^[ \t\f]+/, '');
      }
      if (endsWithOddBackslashes(logical)) logical = logical.slice(0, -1);
      lines.push({ kind: 'entry', raw: rawParts.join(eol), ...splitEntry(logical) });
    }
    return new ServerProperties(lines, eol);
  }

  /** The last occurrence wins, as in java.util.Properties. */
  get(key: string): string | undefined {
    const line = this.lines.findLast((l) => l.kind === 'entry' && l.key === key);
    return line?.kind === 'entry' ? line.value : undefined;
  }

  keys(): string[] {
    return [...new Set(this.lines.flatMap((l) => (l.kind === 'entry' ? [l.key] : [])))];
  }

  toObject(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const key of this.keys()) out[key] = this.get(key) as string;
    return out;
  }

  /** Changes an entry in place (keeping its position), or appends it. */
  set(key: string, value: string | number | boolean): this {
    const text = String(value);
    const raw = `${escape(key, true)}=${escape(text, false)}`;
    const index = this.lines.findLastIndex((l) => l.kind === 'entry' && l.key === key);
    if (index === -1) this.lines.push({ kind: 'entry', raw, key, value: text });
    else if ((this.lines[index] as { value: string }).value !== text) this.lines[index] = { kind: 'entry', raw, key, value: text };
    return this;
  }

  delete(key: string): this {
    const kept = this.lines.filter((l) => !(l.kind === 'entry' && l.key === key));
    this.lines.splice(0, this.lines.length, ...kept);
    return this;
  }

  toString(): string {
    return this.lines.map((l) => l.raw).join(this.eol) + this.eol;
  }
}
