/**
 * Error classes shared by every module. A UserError means the input was wrong (exit code 2);
 * anything else is an internal failure (exit code 1). A UserError's message never carries terminal controls:
 * whatever user input it echoes is escaped (shared/printable.ts).
 */
import { printable, safeMessage } from './printable.js';

export interface SourceLocation {
  file?: string;
  line?: number; // 1-based
  column?: number; // 1-based
}

/** Bad input: a malformed file, an unknown value, a missing path. The CLI exits with code 2. */
export class UserError extends Error {
  readonly location: SourceLocation;
  constructor(message: string, location: SourceLocation = {}) {
    super(safeMessage(formatLocated(message, location)));
    this.name = 'UserError';
    this.location = location;
  }
}

/** Data that cannot be used: a corrupt image, a mask of the wrong size, an empty class. */
export class DataError extends UserError {
  constructor(message: string, file?: string) {
    super(message, file === undefined ? {} : { file });
    this.name = 'DataError';
  }
}

/** Shapes or values that make the numerical method undefined (level too deep, N < 2, NaN in features). */
export class ShapeError extends Error {
  readonly sizes: Record<string, number | readonly number[]>;
  constructor(message: string, sizes: Record<string, number | readonly number[]> = {}) {
    const detail = Object.entries(sizes)
      .map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`)
      .join(', ');
    super(detail ? `${message} (${detail})` : message);
    this.name = 'ShapeError';
    this.sizes = sizes;
  }
}

export function formatLocated(message: string, loc: SourceLocation): string {
  if (!loc.file) return message;
  const where = [printable(loc.file, 400), loc.line, loc.column].filter((x) => x !== undefined).join(':');
  return `${where}: ${message}`;
}

export function exitCodeFor(err: unknown): number {
  return err instanceof UserError ? 2 : 1;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
