/**
 * Bounds on a sweep file before and while it is parsed, so that no input can take unbounded time or memory:
 * its size, that it is text, how deep it nests (checked on the token stream, before the recursive parser
 * sees it), and how many nodes its aliases expand to.
 */
import { CST, Lexer } from 'yaml';
import { UserError } from '../../shared/errors.js';

/** Largest sweep file, in bytes (the shipped configs are a few KB). */
export const MAX_SWEEP_BYTES = 1024 * 1024;
/** Deepest nesting of mappings and lists. */
export const MAX_DEPTH = 64;
/** Most nodes that YAML aliases (`*name`) may expand to in one file, counted with repeats. */
export const MAX_ALIAS_NODES = 10_000;

/**
 * The pre-scan's estimate of the depth may be up to about twice the real one (a list may sit at its
 * parent key's indentation), so it refuses only well past MAX_DEPTH; the exact check is made on the tree.
 */
const PRESCAN_DEPTH = 4 * MAX_DEPTH;

export interface Pos {
  line: number;
  column: number;
}

export function positionOf(text: string, offset: number): Pos {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

function refuse(file: string, text: string, offset: number, what: string): never {
  const p = positionOf(text, offset);
  throw new UserError(what, { file, line: p.line, column: p.column });
}

/** YAML allows only these characters in a stream (YAML 1.2, c-printable), plus a byte order mark. */
const NOT_YAML = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

export function tooLarge(bytes: number): string {
  return `is ${bytes} bytes, more than the limit of ${MAX_SWEEP_BYTES} (1 MiB)`;
}

/** Refuse a file that is too large, is not UTF-8 text, or holds characters YAML does not allow. */
export function checkText(text: string, file: string, bytes = Buffer.byteLength(text, 'utf8')): void {
  if (bytes > MAX_SWEEP_BYTES) {
    throw new UserError(`sweep file ${tooLarge(bytes)}`, { file });
  }
  const bad = NOT_YAML.exec(text);
  if (bad) {
    const code = bad[0].codePointAt(0) ?? 0;
    const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    refuse(file, text, bad.index, `not a YAML text file: control character ${name} (binary data?)`);
  }
  const invalid = text.indexOf('\ufffd');
  if (invalid !== -1) refuse(file, text, invalid, 'not a YAML text file: invalid UTF-8 (binary data?)');
}

/**
 * A linear pass over the YAML tokens that refuses deep nesting before the parser recurses into it
 * (`[[[[...` 500,000 deep took the parser 20 s). The estimate: open flow brackets, plus twice the number
 * of open indentation levels, plus the block indicators (`-`, `?`, `:`) on the current line.
 */
export function checkNesting(text: string, file: string): void {
  const indents: number[] = [];
  let flow = 0;
  let offset = 0;
  let lineStart = true;
  let indent = 0;
  let onLine = 0;
  let scalarNext = false;
  for (const tok of new Lexer().lex(text)) {
    const at = offset;
    offset += tok.length;
    if (scalarNext) {
      scalarNext = false; // the value of a scalar (a block scalar's text can look like anything)
      lineStart = false;
      continue;
    }
    const type = CST.tokenType(tok);
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      continue;
    }
    if (type === 'space' || type === 'comment' || type === 'doc-mode' || type === 'byte-order-mark') {
      if (type === 'space' && lineStart) indent = tok.length;
      continue;
    }
    if (lineStart && flow === 0) {
      while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
      indents.push(indent);
      onLine = 0;
    }
    lineStart = false;
    if (type === 'scalar') scalarNext = true;
    else if (type === 'flow-seq-start' || type === 'flow-map-start') flow++;
    else if (type === 'flow-seq-end' || type === 'flow-map-end') flow = Math.max(0, flow - 1);
    else if (flow === 0 && (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind'))
      onLine++;
    if (flow + 2 * indents.length + onLine > PRESCAN_DEPTH)
      refuse(file, text, at, `YAML nested too deeply (more than ${MAX_DEPTH} levels)`);
  }
}
