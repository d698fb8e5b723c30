/**
 * The product's detector: the rule set compiled with the query layer's one
 * record matcher (src/query/recordMatch.ts), which evaluates any AST over a
 * raw parsed record, nested paths included.
 */
import { compileRecordMatcher } from '../query/recordMatch.js';
import { Detector } from './detector.js';
import type { RuleSpec } from './rule.js';

export function createDetector(specs: readonly RuleSpec[]): Detector {
  return new Detector(specs, (ast) => compileRecordMatcher(ast));
}
