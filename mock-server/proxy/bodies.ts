import { createHash, type Hash } from 'node:crypto';
import zlib from 'node:zlib';
import type { RawBody } from '../log/recorded-entry.js';

/*
 * Bodies crossing the proxy: their content coding, decoded for the log and for rewriting, encoded
 * again after a rewrite; and the tap that measures a streamed body (size, SHA-256, first bytes)
 * without holding it.
 */

/** A `Content-Encoding` the proxy can decode; `other` is anything else (several codings, an unknown one): passed untouched. */
export type ContentCoding = 'identity' | 'gzip' | 'deflate' | 'br' | 'other';

export function contentCoding(header: string | string[] | undefined): ContentCoding {
  if (header === undefined) return 'identity';
  const value = (Array.isArray(header) ? header.join(',') : header).trim().toLowerCase();
  switch (value) {
    case '':
    case 'identity':
      return 'identity';
    case 'gzip':
    case 'x-gzip':
      return 'gzip';
    case 'deflate':
      return 'deflate';
    case 'br':
      return 'br';
    default:
      return 'other';
  }
}

/**
 * The whole decoded content, or null when it cannot be decoded or would exceed `maxBytes`.
 * `deflate` is the zlib format (RFC 9110 §8.4.1.2); the raw deflate some servers send is accepted too.
 */
export function decodeContent(bytes: Buffer, coding: ContentCoding, maxBytes: number): Buffer | null {
  const options = { maxOutputLength: maxBytes };
  try {
    switch (coding) {
      case 'identity':
        return bytes.length <= maxBytes ? bytes : null;
      case 'gzip':
        return zlib.gunzipSync(bytes, options);
      case 'deflate':
        try {
          return zlib.inflateSync(bytes, options);
        } catch {
          return zlib.inflateRawSync(bytes, options);
        }
      case 'br':
        return zlib.brotliDecompressSync(bytes, options);
      case 'other':
        return null;
    }
  } catch {
    return null;
  }
}

/** Encodes content in the coding it came in, so the client gets what the headers say. */
export function encodeContent(content: Buffer, coding: Exclude<ContentCoding, 'other'>): Buffer {
  switch (coding) {
    case 'identity':
      return content;
    case 'gzip':
      return zlib.gzipSync(content);
    case 'deflate':
      return zlib.deflateSync(content);
    case 'br':
      return zlib.brotliCompressSync(content, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } });
  }
}

/**
 * The start of an encoded body decoded as far as its first bytes allow, at most `maxBytes`: what the
 * log shows of a compressed body it kept only the beginning of. Null when even that fails.
 */
export function decodePrefix(prefix: Buffer, coding: ContentCoding, maxBytes: number): Buffer | null {
  if (coding === 'identity') return prefix.subarray(0, maxBytes);
  const whole = decodeContent(prefix, coding, maxBytes);
  if (whole) return whole;
  // A cut stream (or output over the cap): decode what is there instead of insisting on its end.
  const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH, maxOutputLength: maxBytes };
  const chunks: Buffer[] = [];
  try {
    switch (coding) {
      case 'gzip':
        chunks.push(zlib.gunzipSync(prefix, sync));
        break;
      case 'deflate':
        chunks.push(zlib.inflateSync(prefix, sync));
        break;
      case 'br':
        chunks.push(zlib.brotliDecompressSync(prefix, { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH, maxOutputLength: maxBytes }));
        break;
      default:
        return null;
    }
  } catch (error) {
    // Over the cap: zlib says so rather than returning the first maxBytes; decode in steps instead.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') return null;
    return decodePrefix(prefix.subarray(0, Math.floor(prefix.length / 2)), coding, maxBytes);
  }
  return Buffer.concat(chunks).subarray(0, maxBytes);
}

/**
 * Watches a body go by: counts it, hashes it, and keeps its first `limit` bytes for the log.
 * Holds nothing else, so a 100 MiB upload costs the proxy `limit` bytes.
 */
export class BodyTap {
  size = 0;
  private readonly hash: Hash = createHash('sha256');
  private readonly kept: Buffer[] = [];
  private keptBytes = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.size += chunk.length;
    this.hash.update(chunk);
    const room = this.limit - this.keptBytes;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    this.kept.push(part);
    this.keptBytes += part.length;
  }

  /** The kept bytes: the whole body when `complete`. */
  get prefix(): Buffer {
    return this.kept.length === 1 ? this.kept[0]! : Buffer.concat(this.kept);
  }

  get complete(): boolean {
    return this.keptBytes === this.size;
  }

  /** Hex SHA-256 of everything pushed; call once, at the end. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Hex SHA-256 of a whole body in hand. */
export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A streamed body as the log keeps it: the first bytes (decoded, when they were encoded), the size and hash of all of it. */
export function tappedBody(tap: BodyTap, coding: ContentCoding, mimeType: string, limit: number, notes: string[], which: string): RawBody {
  const prefix = tap.prefix;
  let bytes = prefix;
  let truncated = !tap.complete;
  if (coding !== 'identity') {
    const decoded = decodePrefix(prefix, coding, limit);
    if (decoded) {
      bytes = decoded;
      truncated = truncated || decoded.length >= limit;
      notes.push(`${which} body ${coding}-encoded: ${tap.size} bytes on the wire, shown decoded`);
    } else
      notes.push(
        `${which} body ${coding === 'other' ? 'in an encoding the proxy does not decode' : `${coding}-encoded and undecodable`}: shown as sent`,
      );
  }
  return { bytes, size: tap.size, truncated, mimeType, sha256: tap.digest() };
}
