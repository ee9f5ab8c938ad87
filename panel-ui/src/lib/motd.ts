/**
 * Minecraft's § formatting codes (the "section sign" codes a MOTD uses): 0-9 and a-f pick one of
 * 16 colours, k-o turn on obfuscated, bold, strikethrough, underlined and italic, r resets. A
 * colour code also resets the formats, as in the game.
 */
export const SECTION = '\u00a7';

export const COLOURS = {
  '0': { name: 'black', hex: '#000000' },
  '1': { name: 'dark_blue', hex: '#0000aa' },
  '2': { name: 'dark_green', hex: '#00aa00' },
  '3': { name: 'dark_aqua', hex: '#00aaaa' },
  '4': { name: 'dark_red', hex: '#aa0000' },
  '5': { name: 'dark_purple', hex: '#aa00aa' },
  '6': { name: 'gold', hex: '#ffaa00' },
  '7': { name: 'gray', hex: '#aaaaaa' },
  '8': { name: 'dark_gray', hex: '#555555' },
  '9': { name: 'blue', hex: '#5555ff' },
  a: { name: 'green', hex: '#55ff55' },
  b: { name: 'aqua', hex: '#55ffff' },
  c: { name: 'red', hex: '#ff5555' },
  d: { name: 'light_purple', hex: '#ff55ff' },
  e: { name: 'yellow', hex: '#ffff55' },
  f: { name: 'white', hex: '#ffffff' },
} as const;
export type ColourCode = keyof typeof COLOURS;

export const FORMATS = { k: 'obfuscated', l: 'bold', m: 'strikethrough', n: 'underlined', o: 'italic', r: 'reset' } as const;
export type FormatCode = keyof typeof FORMATS;

export interface MotdSegment {
  text: string;
  /** The colour as hex; the game's default grey when no code set one. */
  colour: string;
  bold: boolean;
  italic: boolean;
  underlined: boolean;
  strikethrough: boolean;
  obfuscated: boolean;
}

const DEFAULT_COLOUR = COLOURS['7'].hex;

/**
 * Splits a MOTD into runs of one style each. A line break (written `\n` in server.properties)
 * starts the second line; the game shows two lines at most.
 */
export function parseMotd(motd: string): MotdSegment[][] {
  const lines: MotdSegment[][] = [[]];
  let style: Omit<MotdSegment, 'text'> = {
    colour: DEFAULT_COLOUR,
    bold: false,
    italic: false,
    underlined: false,
    strikethrough: false,
    obfuscated: false,
  };
  const plain = { bold: false, italic: false, underlined: false, strikethrough: false, obfuscated: false };
  let text = '';
  const flush = () => {
    if (text) lines[lines.length - 1]!.push({ text, ...style });
    text = '';
  };
  for (let i = 0; i < motd.length; i++) {
    const ch = motd[i]!;
    if (ch === '\n' && lines.length < 2) {
      flush();
      lines.push([]);
      continue;
    }
    if (ch !== SECTION || i + 1 >= motd.length) {
      text += ch;
      continue;
    }
    const code = motd[i + 1]!.toLowerCase();
    if (code in COLOURS) {
      flush();
      style = { ...plain, colour: COLOURS[code as ColourCode].hex };
      i++;
    } else if (code in FORMATS) {
      flush();
      if (code === 'r') style = { ...plain, colour: DEFAULT_COLOUR };
      else style = { ...style, [FORMATS[code as FormatCode]]: true };
      i++;
    } else {
      text += ch;
    }
  }
  flush();
  return lines;
}

/** The MOTD without its codes: what the text says, for screen readers and length hints. */
export function plainMotd(motd: string): string {
  return parseMotd(motd)
    .map((line) => line.map((s) => s.text).join(''))
    .join('\n');
}
