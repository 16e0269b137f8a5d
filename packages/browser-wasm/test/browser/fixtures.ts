import { commands } from 'vitest/browser';

declare module 'vitest/browser' {
  interface BrowserCommands {
    readFixtures: () => Promise<Record<string, string>>;
  }
}

/** The legacy fixtures, read by the Node side (see vitest.browser.config.ts). */
export async function loadFixtures(): Promise<Record<string, Uint8Array>> {
  const encoded = await commands.readFixtures();
  return Object.fromEntries(
    Object.entries(encoded).map(([name, base64]) => [
      name,
      Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)),
    ]),
  );
}
