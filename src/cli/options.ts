import { InvalidArgumentError } from 'commander';

/** `--since` as an ISO time (a bare date means its start, UTC). */
export function sinceTime(value: string): string {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError(`--since: write a date such as 2026-11-01 (got "${value}")`);
  return date.toISOString();
}
