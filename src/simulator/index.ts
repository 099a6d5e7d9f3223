/**
 * The bundled PMP Cloud simulator: a node:http server that plays Zoho accounts and the PMP api/1.4
 * routes, faithful to the API as docs/decisions.md D23 describes it, with faults as composable data.
 * Production code never imports this folder (lint rule); the CLI `simulate`/`demo` and tests do.
 */
export { createSimulator } from './create-simulator.ts';
export type { Simulator, SimulatorOptions } from './create-simulator.ts';
export type { ProfileName, SimSettings, SimCredentials, DriftStep } from './settings.ts';
export { DEFAULT_SETTINGS, DEFAULT_CREDENTIALS } from './settings.ts';
export { PROFILES, isProfileName, resolveSettings } from './profiles.ts';
export type { Fault, FaultKind } from './faults.ts';
export { ALL_FAULT_KINDS } from './faults.ts';
export type { SimStats, RequestLogEntry } from './stats.ts';
export type { InventoryChange } from './inventory.ts';
export { DAILY_QUOTA_CODE, PII_SENTENCE } from './bodies.ts';
