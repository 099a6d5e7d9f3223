export { createMint } from './mint-token.ts';
export { createTokenBudget } from './token-budget.ts';
export { createTokenManager } from './token-manager.ts';
