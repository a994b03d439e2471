/**
 * Parse a command line with the CLI's own yargs command modules (cli/registry.ts, as cli/main.ts loads
 * them) in strict mode, with the handler replaced: unknown flags, missing required ones and the
 * builders' own checks fail exactly as `wepadim ...` would, but nothing runs.
 */
import yargs, { type ArgumentsCamelCase, type Argv, type CommandModule } from 'yargs';
import { loadCommands } from '../../cli/registry.js';

let modules: Map<string, CommandModule> | null = null;

/** The CLI's top-level commands by name (first word of each module's `command`), loaded as cli/main.ts loads them. */
export async function cliCommands(): Promise<Map<string, CommandModule>> {
  if (modules) return modules;
  modules = new Map();
  for (const c of await loadCommands())
    modules.set(String(Array.isArray(c.command) ? c.command[0] : c.command).split(' ')[0], c);
  return modules;
}

/** The command with its handler, and those of the subcommands its builder registers, replaced by `h`. */
function withHandler(cmd: CommandModule, h: (a: ArgumentsCamelCase) => void): CommandModule {
  const builder = cmd.builder;
  if (typeof builder !== 'function') return { ...cmd, handler: h };
  return {
    ...cmd,
    handler: h,
    builder: (y: Argv) => {
      const proxy: Argv = new Proxy(y, {
        get(target, prop, receiver) {
          if (prop !== 'command') {
            const v = Reflect.get(target, prop, receiver) as unknown;
            if (typeof v !== 'function') return v;
            // yargs methods use private fields: call them on the real instance, keep chaining through the proxy
            return (...a: unknown[]) => {
              const r = (v as (...x: unknown[]) => unknown).apply(target, a);
              return r === target ? proxy : r;
            };
          }
          return (sub: unknown, ...rest: unknown[]) => {
            if (typeof sub === 'object' && sub !== null) target.command(withHandler(sub as CommandModule, h));
            else (target.command as (...a: unknown[]) => unknown)(sub, ...rest);
            return proxy;
          };
        },
      });
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion -- tsc needs it: the builder's union return type is not a CommandBuilder
      return builder(proxy) as Argv;
    },
  };
}

/** Parse `args` (command first) as `wepadim` would; resolves with the parsed options or rejects with the CLI's message. */
export async function parseCli(args: readonly string[]): Promise<Record<string, unknown>> {
  const cmd = (await cliCommands()).get(args[0]);
  if (!cmd) throw new Error(`"${args[0]}" is not a wepadim command`);
  let parsed: Record<string, unknown> | null = null;
  const capture = (a: ArgumentsCamelCase): void => {
    parsed = a;
  };
  await yargs([...args])
    .scriptName('wepadim')
    .strict()
    .help(false)
    .version(false)
    .fail((msg, err) => {
      throw err ?? new Error(msg);
    })
    .command(withHandler(cmd, capture))
    .parseAsync();
  if (parsed === null) throw new Error(`${args.join(' ')}: no command ran (a subcommand of "${args[0]}"?)`);
  return parsed;
}
