/**
 * Structured logging. On a TTY: short human lines on stderr. Otherwise: one JSON object per line
 * on stderr ({"t":..., "level":..., "msg":..., ...fields}), so long jobs stay machine-readable.
 * WEPADIM_LOG_JSON=1|0 forces JSON|text; WEPADIM_LOG_LEVEL=debug|info|warn|error sets the least level shown.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  json?: boolean;
  write?: (line: string) => void;
}

/** WEPADIM_LOG_JSON=1 forces JSON lines, =0 forces text; unset (or anything else): text on a TTY, JSON otherwise. */
export function jsonFromEnv(value: string | undefined, tty: boolean): boolean {
  if (value === '1') return true;
  if (value === '0') return false;
  return !tty;
}

/** The log label of a worker process: its --worker-id, else gpuN, else cpu. */
export function workerLabel(workerId: string | undefined, gpu: number | undefined): string {
  return workerId ?? (gpu === undefined ? 'cpu' : `gpu${gpu}`);
}

export function createLogger(base: LogFields = {}, opts: LoggerOptions = {}): Logger {
  const envLevel = process.env.WEPADIM_LOG_LEVEL as LogLevel | undefined;
  const min = ORDER[opts.level ?? envLevel ?? 'info'] ?? ORDER.info;
  const json = opts.json ?? jsonFromEnv(process.env.WEPADIM_LOG_JSON, process.stderr.isTTY === true);
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[level] < min) return;
    const all = { ...base, ...fields };
    if (json) {
      write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...all }));
    } else {
      const kv = Object.entries(all)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(' ');
      write(`${level === 'info' ? '' : level.toUpperCase() + ' '}${msg}${kv ? '  ' + kv : ''}`);
    }
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (f) => createLogger({ ...base, ...f }, opts),
  };
}

export const log: Logger = createLogger();
