// Typed failures of the model hub: every message names the model, the file or the server and says what to do.
// Codes line up with the app contract's error codes so main can forward them unchanged.
export type HubErrorCode =
  | 'GATED' // 401/403: the repository needs a token, or this token has not been granted access
  | 'NOT_FOUND' // 404: no such repository, revision or file
  | 'NETWORK' // connection refused/reset/timed out, after retries
  | 'SERVER' // 5xx or an unreadable answer, after retries
  | 'CHECKSUM' // the bytes do not match the hub's SHA-256 (LFS oid) or git blob id
  | 'DISK_FULL' // not enough free space, before starting or while writing
  | 'CANCELLED'
  | 'PAUSED'
  | 'EXISTS' // the target folder is already there
  | 'BAD_INPUT' // an unknown catalog id, dtype or a malformed catalog
  | 'INVALID_MODEL' // an imported folder is not a usable model
  | 'NOT_PALIGEMMA' // a hub repository whose config.json is not a PaliGemma checkpoint Paliscope can convert
  | 'TOO_BIG'; // the conversion would not fit this machine's memory

export class HubError extends Error {
  override readonly name = 'HubError';
  /** GATED: the repository page where the licence is accepted. */
  readonly licenceUrl: string | null;
  constructor(readonly code: HubErrorCode, message: string, options?: { cause?: unknown; licenceUrl?: string }) {
    super(message, options);
    this.licenceUrl = options?.licenceUrl ?? null;
  }
}

export const isHubError = (e: unknown, code?: HubErrorCode): e is HubError => e instanceof HubError && (code === undefined || e.code === code);

/** Errors worth another attempt: the connection failed, or the server had a passing problem. */
export function isTransient(e: unknown): boolean {
  if (e instanceof HubError) return e.code === 'NETWORK' || e.code === 'SERVER';
  const code = (e as { code?: string } | null)?.code ?? '';
  return /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|UND_ERR_|ERR_STREAM_PREMATURE_CLOSE)/.test(code) ||
    (e instanceof Error && /terminated|socket|premature|aborted by the server/i.test(e.message));
}
