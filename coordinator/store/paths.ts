/** Where the coordinator's database lives unless told otherwise. */
export const DEFAULT_DB_PATH = './runs/wepadim.db';

/** --db FILE, else $WEPADIM_DB, else ./runs/wepadim.db */
export function resolveDbPath(flag?: string): string {
  return flag || process.env.WEPADIM_DB || DEFAULT_DB_PATH;
}
