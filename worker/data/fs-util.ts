/** Small synchronous filesystem helpers for the dataset listings (listing a class is cheap and happens once). */
import { readdirSync, statSync } from 'node:fs';
import { DataError } from '../../shared/errors.js';

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Entry names of a directory in Python's sorted() order (code-point order). */
export function sortedEntries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    throw new DataError('directory not found or not readable', dir);
  }
  return names.sort(codePointCompare);
}

export function codePointCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function requireDir(path: string, what: string): void {
  if (!isDir(path)) throw new DataError(`${what} not found (expected a directory)`, path);
}

/** File name without its last extension, like os.path.splitext(basename)[0]. */
export function stem(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
