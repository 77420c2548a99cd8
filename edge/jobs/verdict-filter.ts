import { VERDICTS, type Verdict } from '../../protocol/index.ts';

/**
 * `?verdict=` on the results: several verdicts, comma-separated and/or repeated
 * (`?verdict=deliverable,risky`, `?verdict=deliverable&verdict=risky`). Absent means every row.
 */
export function verdictFilter(values: string[] | undefined): { verdicts?: Verdict[] } | { error: string } {
  if (!values) return {};
  const asked = values.flatMap((v) => v.split(',')).map((v) => v.trim().toLowerCase()).filter((v) => v !== '');
  const unknown = asked.filter((v) => !(VERDICTS as readonly string[]).includes(v));
  if (unknown.length > 0) return { error: `verdict must be among ${VERDICTS.join(', ')} (got ${unknown.join(', ')})` };
  if (asked.length === 0) return {};
  return { verdicts: [...new Set(asked as Verdict[])] };
}
