/**
 * Bounds on what one upload may make the edge hold: characters in a CSV cell or a JSON string
 * (`cell`), and in a CSV row or a JSON element as written (`row`). The parsers stop at the first
 * character past either, so a 60 MB cell costs a 413, not 60 MB of memory.
 */
export interface UploadLimits {
  cell: number;
  row: number;
}

/** BZ_UPLOAD_CELL_LIMIT / BZ_UPLOAD_ROW_LIMIT defaults. */
export const DEFAULT_UPLOAD_LIMITS: UploadLimits = { cell: 4096, row: 65_536 };

/** BZ_UPLOADS_PER_KEY default: uploads one principal may stream at once. */
export const DEFAULT_UPLOADS_PER_PRINCIPAL = 2;
