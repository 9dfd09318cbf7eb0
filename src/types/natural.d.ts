// Declarations for the natural sub-modules we import directly (the package's own typings
// describe only its root entry point).
declare module 'natural/lib/natural/stemmers/indonesian/stemmer_id' {
  const stemmer: { stem(word: string): string };
  export = stemmer;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer' {
  const stemmer: { stem(word: string): string };
  export = stemmer;
}
declare module 'natural/lib/natural/distance/levenshtein_distance' {
  export function DamerauLevenshteinDistance(source: string, target: string, options?: { restricted?: boolean }): number;
}
declare module 'natural/lib/natural/util/stopwords' {
  export const words: string[];
}
declare module 'natural/lib/natural/util/stopwords_id' {
  export const words: string[];
}
declare module 'natural/lib/natural/distance/dice_coefficient' {
  function diceCoefficient(a: string, b: string): number;
  export = diceCoefficient;
}
declare module 'natural/lib/natural/stemmers/indonesian/data/kata-dasar.json' {
  const words: string[];
  export = words;
}
// The Snowball stemmers of other languages (porter_stemmer_de, _fr, …), one shape for all.
declare module 'natural/lib/natural/stemmers/porter_stemmer_*' {
  const stemmer: { stem(word: string): string };
  export = stemmer;
}
declare module 'stopwords-iso' {
  const lists: Readonly<Record<string, readonly string[]>>;
  export = lists;
}
