/**
 * `wepadim best` for a command sweep: a command sweep file (objective: command, its command, cwd and
 * timeout) whose params expand to exactly the winning points: each parameter lists the winners' values, and
 * `exclude` removes every other combination. In a step-halving sweep the budget a winner reached becomes a
 * plain `budget` parameter, so `{budget}` in the command gets the winner's step count.
 */
import { Document, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import type { CommandSpec, CommandValue } from '../../shared/command.js';
import { UserError } from '../../shared/errors.js';
import type { StoreReads } from '../store/reads/index.js';

export interface CommandWinner {
  /** the point (canonical JSON, as the store groups trials) */
  point: string;
  params: Record<string, unknown>;
}

/** Combinations a best file may enumerate to pin its winners; more is refused (ask for fewer winners). */
const MAX_COMBINATIONS = 10_000;

function typeOf(values: readonly CommandValue[]): string {
  if (values.every((v) => typeof v === 'string')) return 'str';
  if (values.every((v) => typeof v === 'boolean')) return 'bool';
  if (values.every((v) => typeof v === 'number' && Number.isSafeInteger(v))) return 'int';
  if (values.every((v) => typeof v === 'number')) return 'float';
  return 'choice';
}

export function commandBestYaml(
  reads: StoreReads,
  sweepId: number,
  head: { name: string; description: string; comment: string },
  winners: readonly CommandWinner[],
): string {
  const specs = winners.map((w) => w.params.command as CommandSpec);
  const first = specs[0];
  if (
    specs.some(
      (c) => JSON.stringify([c.argv, c.cwd, c.timeout_s]) !== JSON.stringify([first.argv, first.cwd, first.timeout_s]),
    )
  )
    throw new UserError(
      'the winners ran different commands (the sweep was re-submitted with another command): choose with --where or --top 1',
    );
  const budgets = reads.stepBudgets(sweepId);
  const points = winners.map((w, i): Record<string, CommandValue> => {
    if (!budgets) return specs[i].params;
    const rung = reads.pointRung(sweepId, w.point) ?? 0;
    return { ...specs[i].params, budget: budgets[Math.min(rung, budgets.length - 1)] };
  });
  const names = [...new Set(points.flatMap(Object.keys))];
  const values = names.map((n) => {
    const seen = new Map<string, CommandValue>();
    for (const p of points) seen.set(JSON.stringify(p[n]), p[n]);
    return [...seen.values()];
  });
  const combos = values.reduce((a, v) => a * v.length, 1);
  if (combos > MAX_COMBINATIONS)
    throw new UserError(
      `the winners differ in too many parameters to pin in one command sweep (${combos} combinations); ask for fewer (--top)`,
    );
  const wanted = new Set(points.map((p) => JSON.stringify(names.map((n) => p[n]))));
  const exclude: Record<string, CommandValue>[] = [];
  const walk = (i: number, acc: CommandValue[]): void => {
    if (i === names.length) {
      if (!wanted.has(JSON.stringify(acc))) exclude.push(Object.fromEntries(names.map((n, j) => [n, acc[j]])));
      return;
    }
    for (const v of values[i]) walk(i + 1, [...acc, v]);
  };
  walk(0, []);
  const doc = new Document(
    {
      name: head.name,
      description: head.description,
      objective: 'command',
      command: first.argv,
      cwd: first.cwd,
      ...(first.timeout_s !== null ? { timeout_s: first.timeout_s } : {}),
      params: Object.fromEntries(
        names.map((n, i) => [
          n,
          { type: typeOf(values[i]), values: values[i].length === 1 ? values[i][0] : values[i] },
        ]),
      ),
      ...(exclude.length > 0 ? { exclude } : {}),
    },
    { aliasDuplicateObjects: false },
  );
  // lists and each parameter on one line; exclude as one rule per line
  visit(doc, { Seq: (_key, node) => void (node.flow = true) });
  const root = doc.contents as YAMLMap;
  const params = root.get('params', true) as unknown as YAMLMap;
  for (const it of params.items) (it.value as YAMLMap).flow = true;
  const ex = root.get('exclude', true) as unknown as YAMLSeq | undefined;
  if (ex) {
    ex.flow = false;
    for (const m of ex.items) (m as YAMLMap).flow = true;
  }
  doc.commentBefore = head.comment;
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
