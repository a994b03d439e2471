/**
 * The rule for names a user gives things that end up in the database, in file paths and on terminals:
 * sweep names, stage names and class names. A name is 1 to 128 characters from a small safe set.
 */
export const MAX_NAME_LENGTH = 128;

/** What a name may hold, for error messages (`(allowed: ...)`). */
export const NAME_RULE = `letters, digits, _ . - starting with a letter or digit, at most ${MAX_NAME_LENGTH} characters`;

const NAME = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,${MAX_NAME_LENGTH - 1}}$`);

export function isValidName(s: string): boolean {
  return NAME.test(s);
}
