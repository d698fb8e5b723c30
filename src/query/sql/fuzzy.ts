/** Fuzzy words for SQL: the values a Vocabulary resolves a word to, grouped by field, for IN (...) lists. */
import { FUZZY_FIELDS } from '../fields.js';
import { FUZZY_MAX_LENGTH, FUZZY_MIN_LENGTH, type Vocabulary } from '../vocabulary.js';
import type { FuzzyResolver } from './compile.js';

export function fuzzyFromVocabulary(vocabulary: Vocabulary): FuzzyResolver {
  return (word) => {
    const out = new Map<string, string[]>();
    if (word.length < FUZZY_MIN_LENGTH || word.length > FUZZY_MAX_LENGTH) return out;
    for (const hit of vocabulary.search(word)) {
      const field = FUZZY_FIELDS[vocabulary.fieldOf(hit.entry)]!.name;
      const list = out.get(field) ?? [];
      list.push(vocabulary.value(hit.entry));
      out.set(field, list);
    }
    return out;
  };
}
