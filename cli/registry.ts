/**
 * The command registry: every file of cli/commands/ exports `command` (a yargs CommandModule), and this
 * loads them all, so commands can be added without touching cli/main.ts. Also used by tests that parse
 * command lines (deploy manifests, docs) with the CLI's own options.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CommandModule } from 'yargs';

const here = dirname(fileURLToPath(import.meta.url));

export async function loadCommands(): Promise<CommandModule[]> {
  const dir = join(here, 'commands');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.startsWith('_'))
    .sort();
  const mods = await Promise.all(files.map((f) => import(pathToFileURL(join(dir, f)).href)));
  return mods
    .map((m: { command?: CommandModule | CommandModule[] }) => m.command)
    .flat()
    .filter((c): c is CommandModule => c !== undefined);
}
