import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * An application folder outside the repository, as a user has one: an ES
 * module package whose flowlane.config.ts serves the hello world example
 * from `database`. tsx compiles Flowlane's .tsx files there with that
 * folder's (here: no) JSX settings, React's by default, unless each file
 * names its runtime.
 */
export function helloWorldAppFolder(prefix: string, database: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
  writeFileSync(
    join(dir, 'flowlane.config.ts'),
    `import { defineConfig } from ${JSON.stringify(resolve('src/index.ts'))};
import { HelloWorldFlow } from ${JSON.stringify(resolve('examples/helloworld.ts'))};
export default defineConfig({ database: ${JSON.stringify(database)}, flows: [HelloWorldFlow] });
`,
  );
  return dir;
}
