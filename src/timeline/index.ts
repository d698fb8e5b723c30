/** The timeline's data layer: bucket arithmetic and counting (no Ink). */
export * from './buckets.js';
export * from './histogram.js';
