import { constants } from 'node:buffer';
import type { ResultFile } from '../../ocean';
import { OceanError } from '../../ocean/errors';
import type { ResultFormat } from './result-delivery';

/** The most bytes a string and a buffer can hold in this Node.js. */
export interface PayloadCeilings {
  stringBytes: number;
  bufferBytes: number;
}

export const NODE_CEILINGS: PayloadCeilings = { stringBytes: constants.MAX_STRING_LENGTH, bufferBytes: constants.MAX_LENGTH };

/**
 * The most bytes a file may have to become the payload `format` asks for: text and JSON must
 * become a string first. "auto" gives a buffer where a string cannot hold the file, so only the
 * buffer's ceiling applies to it. A string's length counts UTF-16 units, never more than the
 * UTF-8 bytes it came from, so comparing bytes never lets a file through that does not fit.
 */
export function payloadCeiling(format: ResultFormat, ceilings: PayloadCeilings): number {
  return format === 'text' || format === 'json' ? Math.min(ceilings.stringBytes, ceilings.bufferBytes) : ceilings.bufferBytes;
}

/** Why a file (one result, or a file inside it) of `size` bytes, or of an unknown size found too large, cannot be the payload asked for. */
export function cannotHold(file: ResultFile, size: number | undefined, format: ResultFormat, ceilings: PayloadCeilings, entry?: string): OceanError {
  const limit = payloadCeiling(format, ceilings);
  const asString = limit < ceilings.bufferBytes;
  const what = entry ? `${entry} in result ${file.index} (${file.filename})` : `Result ${file.index} (${file.filename})`;
  const advice = asString ? 'fetch it as a buffer, or to a folder (format "file")' : 'fetch it to a folder (format "file")';
  return new OceanError(
    'RESULT_TOO_LARGE',
    `format: ${what}${size === undefined ? '' : `, ${size} bytes,`} is larger than the ${limit} bytes a ${asString ? 'string' : 'buffer'} can hold, so it cannot be delivered as "${format}"; ${advice}`,
    { details: { field: 'format', maxBytes: limit, ...(size === undefined ? {} : { filesize: size }), format } },
  );
}
