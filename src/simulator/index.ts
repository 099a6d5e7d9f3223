/**
 * The bundled PMP Cloud simulator: a node:http server that plays Zoho accounts and the PMP api/1.4
 * routes, faithful to the API as docs/decisions.md D23 describes it, with faults as composable data.
 * Production code never imports this folder (lint rule); the CLI `simulate`/`demo` and tests do.
 */
export { createSimulator } from './create-simulator.ts';
export type { Simulator, SimulatorOptions } from './create-simulator.ts';
export type { ProfileName, SimSettings } from './settings.ts';
export type { Fault } from './faults.ts';
export type { SimStats, RequestLogEntry } from './stats.ts';
export { PII_SENTENCE } from './bodies.ts';
