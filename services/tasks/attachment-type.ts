/**
 * Which files a unit may attach to its monthly report, decided by the file's first bytes, not by the name or
 * the browser's content type (either can say anything): PDF, images, Office documents and spreadsheets — what
 * a 台账 or a scanned return is. A file of another kind is refused with what is accepted.
 */
import { ValidationError } from '../errors.js';

interface Kind {
  type: string;
  test: (b: Buffer) => boolean;
  /** Extensions the kind may carry (a ZIP container is an Office file only with its Office extension). */
  ext?: readonly string[];
}

const starts = (sig: readonly number[]) => (b: Buffer) => sig.every((x, i) => b[i] === x);

const KINDS: readonly Kind[] = [
  { type: 'application/pdf', test: starts([0x25, 0x50, 0x44, 0x46]) },
  { type: 'image/png', test: starts([0x89, 0x50, 0x4e, 0x47]) },
  { type: 'image/jpeg', test: starts([0xff, 0xd8, 0xff]) },
  {
    type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    test: starts([0x50, 0x4b, 0x03, 0x04]),
    ext: ['xlsx'],
  },
  {
    type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    test: starts([0x50, 0x4b, 0x03, 0x04]),
    ext: ['docx'],
  },
  { type: 'application/vnd.ms-excel', test: starts([0xd0, 0xcf, 0x11, 0xe0]), ext: ['xls'] },
  { type: 'application/msword', test: starts([0xd0, 0xcf, 0x11, 0xe0]), ext: ['doc'] },
];

export const ACCEPTED_ATTACHMENTS = 'PDF, PNG, JPEG, XLSX, XLS, DOCX, DOC';

/** The content type the bytes prove, or a ValidationError naming the file and what is accepted. */
export function attachmentTypeOf(name: string, bytes: Buffer): string {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const kind = KINDS.find((k) => k.test(bytes) && (k.ext === undefined || k.ext.includes(ext)));
  if (kind === undefined)
    throw new ValidationError(
      `attachment "${name}" is not a file type accepted for a progress report (accepted: ${ACCEPTED_ATTACHMENTS})`,
    );
  return kind.type;
}
