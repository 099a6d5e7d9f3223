export { createTokenManager } from './token-manager.ts';
