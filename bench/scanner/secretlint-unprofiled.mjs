// @module bench/scanner/secretlint-unprofiled — the secretlint command with its always-on profiler switched
// off. secretlint 12 records a performance mark per rule per file and scans every earlier mark at each one,
// so one run costs the square of the number of files (secretlint/secretlint#1653, fixed upstream in #1673).
// The throughput benchmark measures secretlint both as shipped and like this, so that the comparison does
// not rest on that bug alone. Findings are the same: the profiler only records timings.
//
//   node bench/scanner/secretlint-unprofiled.mjs [secretlint arguments]
import { secretLintProfiler } from '@secretlint/profiler';

secretLintProfiler.mark = () => {};
await import('../../node_modules/secretlint/bin/secretlint.js');
