/** Values read with raw SQL come back in each driver's own form; these make them the same on both. */

/** SQLite stores datetimes as milliseconds; PostgreSQL answers text such as "2026-11-29 06:37:44.933+00". */
export function dateFromDatabase(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  const text = String(value);
  if (/^\d+$/.test(text)) return new Date(Number(text));
  return new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

/** SQLite gives JSON columns back as text, PostgreSQL (jsonb) as parsed values. */
export function jsonFromDatabase<T>(value: unknown, fallback: T): T {
  if (value === null || value === undefined) return fallback;
  if (typeof value !== 'string') return value as T;
  try {
    return JSON.parse(value) as T;
  } catch {
    return fallback;
  }
}
