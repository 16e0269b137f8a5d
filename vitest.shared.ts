import { defaultServerConditions } from 'vite';

/**
 * Workspace packages resolve to their TypeScript sources through the
 * `@runmeta/source` export condition, so tests need no prior build.
 */
export const sourceConditions = {
  resolve: { conditions: ['@runmeta/source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['@runmeta/source', ...defaultServerConditions] } },
};
