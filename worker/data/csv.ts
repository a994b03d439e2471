/** A CSV reader with Python csv.DictReader semantics (excel dialect: comma, "" quoting, CRLF or LF). */
import { DataError } from '../../shared/errors.js';

export interface CsvRow {
  /** 1-based line where the record starts */
  line: number;
  values: Record<string, string>;
}

/** Split CSV text into records of fields; quoted fields may hold commas, quotes ("") and newlines. */
export function parseCsvRecords(text: string, file: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (quoted) throw new DataError(`line ${recordLine}: unterminated quoted field`, file);
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

/** Rows keyed by the header line, like csv.DictReader (missing trailing fields read as ''). */
export function readCsvRows(text: string, file: string): { header: string[]; rows: CsvRow[] } {
  const records = parseCsvRecords(text, file);
  if (records.length === 0) throw new DataError('CSV file is empty (no header line)', file);
  const header = records[0].fields;
  const rows = records.slice(1).map(({ line, fields }) => {
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = fields[i] ?? ''));
    return { line, values };
  });
  return { header, rows };
}
