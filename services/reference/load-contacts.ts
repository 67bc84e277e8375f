/**
 * The contact directory: who is told about what. It is personal data, so it lives in a file kept out of git
 * (CONTACTS_FILE; the documented format is config/contacts.example.yaml) and is checked against the
 * reference set: every unit named must resolve (by id, name or alias) and every official must exist.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { firstLine, formatPath } from './load-reference.js';
import { NameIndex } from './name-index.js';
import { namesOf, referenceError, type Problem, type ReferenceSet } from './reference-schema.js';

/** The SQL CHECK on contact ids: `id ~ '^[a-z][a-z0-9_.-]*$'` (dots allowed, e.g. `gov_beiyuan.liaison`). */
export const CONTACT_ID_PATTERN = /^[a-z][a-z0-9_.-]*$/;

const text = z.string().trim().min(1);
const CLOCK = '([01]\\d|2[0-3]):[0-5]\\d';

/** Chinese mobile numbers, written with or without +86 and separators; stored as E.164 (+8613800000001). */
const mobile = z
  .union([z.string(), z.int()]) // an unquoted 13800000001 reads as a YAML integer
  .transform((s) => String(s).replace(/[\s-]/g, ''))
  .transform((s) => (/^1\d{10}$/.test(s) ? `+86${s}` : s))
  .pipe(z.string().regex(/^\+861[3-9]\d{9}$/, 'a mainland mobile number, e.g. +8613800000001'));

/** "2024-" (open), "2020-2021", "2024" or 2024. */
const years = z.union([z.int(), z.string().trim()]).transform((v, ctx) => {
  const m = /^(\d{4})(?:-(\d{4})?)?$/.exec(String(v));
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'years are "2024-", "2020-2021" or "2024"' });
    return z.NEVER;
  }
  const from = Number(m[1]);
  const open = String(v).endsWith('-');
  const to = open ? null : m[2] === undefined ? from : Number(m[2]);
  if (to !== null && to < from) {
    ctx.addIssue({ code: 'custom', message: 'the last year is before the first' });
    return z.NEVER;
  }
  return { from, to };
});

export const contactEntrySchema = z
  .strictObject({
    id: z.string().regex(CONTACT_ID_PATTERN, 'lower-case letters, digits, _ . -, starting with a letter'),
    name_zh: text,
    name_en: text.optional(),
    unit: text.optional(),
    official: text.optional(),
    role: text,
    email: z.email().optional(),
    mobile: mobile.optional(),
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
    quiet_hours: z
      .string()
      .regex(new RegExp(`^${CLOCK}-${CLOCK}$`), 'HH:MM-HH:MM, Asia/Shanghai wall clock')
      .refine((q) => q.slice(0, 5) !== q.slice(6), 'quiet hours of zero length')
      .optional(),
    years,
    is_district_leadership: z.boolean().default(false),
  })
  .refine((c) => c.email !== undefined || c.mobile !== undefined, 'a contact needs an email or a mobile')
  .refine(
    (c) => c.unit !== undefined || c.official !== undefined || c.is_district_leadership,
    'a contact belongs to a unit, is an official, or is district leadership',
  );

/** One row of the `contact` table. */
export interface Contact {
  id: string;
  name_zh: string;
  name_en: string | null;
  unit_id: string | null;
  official_id: string | null;
  role: string;
  email: string | null;
  mobile: string | null;
  locale: 'zh-CN' | 'en';
  quiet_from: string | null;
  quiet_to: string | null;
  year_from: number;
  year_to: number | null;
  is_district_leadership: boolean;
}

/** Reads the contact file. A missing file is not an error: it returns [] and the caller decides how loud to be. */
export async function loadContacts(file: string, set: ReferenceSet): Promise<Contact[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parseContacts(text, set, file);
}

export function parseContacts(text: string, set: ReferenceSet, fileName = 'contacts.yaml'): Contact[] {
  const problems: Problem[] = [];
  const doc = parseDocument(text, { merge: true, uniqueKeys: true });
  for (const err of doc.errors) {
    problems.push({ path: `${fileName}:${err.linePos?.[0].line ?? '?'}`, reason: firstLine(err.message) });
  }
  if (problems.length > 0) throw referenceError(problems, fileName);
  const content: unknown = doc.toJS();
  const list = (content as { contacts?: unknown } | null)?.contacts;
  if (!Array.isArray(list))
    throw referenceError([{ path: fileName, reason: 'expected a list under "contacts"' }], fileName);

  const units = new NameIndex(set.units.map((u) => ({ id: u.id, names: namesOf(u) })));
  const officials = new NameIndex(set.officials.map((o) => ({ id: o.id, names: [o.name_zh] })));
  const contacts: Contact[] = [];
  const ids = new Set<string>();
  list.forEach((raw: unknown, i) => {
    const at = `${fileName}: contacts[${i}]`;
    const parsed = contactEntrySchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        problems.push({ path: at + formatPath(issue.path), reason: issue.message });
      return;
    }
    const c = parsed.data;
    const unitId = c.unit === undefined ? null : (units.resolve(c.unit) ?? null);
    const officialId = c.official === undefined ? null : (officials.resolve(c.official) ?? null);
    if (c.unit !== undefined && unitId === null)
      problems.push({ path: `${at}.unit`, reason: `unknown unit "${c.unit}"` });
    if (c.official !== undefined && officialId === null) {
      problems.push({ path: `${at}.official`, reason: `unknown official "${c.official}"` });
    }
    if (ids.has(c.id)) problems.push({ path: `${at}.id`, reason: `duplicate id "${c.id}"` });
    ids.add(c.id);
    contacts.push({
      id: c.id,
      name_zh: c.name_zh,
      name_en: c.name_en ?? null,
      unit_id: unitId,
      official_id: officialId,
      role: c.role,
      email: c.email ?? null,
      mobile: c.mobile ?? null,
      locale: c.locale,
      quiet_from: c.quiet_hours?.slice(0, 5) ?? null,
      quiet_to: c.quiet_hours?.slice(6) ?? null,
      year_from: c.years.from,
      year_to: c.years.to,
      is_district_leadership: c.is_district_leadership,
    });
  });
  if (problems.length > 0) throw referenceError(problems, fileName);
  return contacts;
}
