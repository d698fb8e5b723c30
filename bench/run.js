// `npm run bench` (after `npm run build`): the harness is TypeScript in src/bench/, compiled to dist/bench/.
await import('../dist/bench/main.js');
