// The keys one provider signs its ID tokens with, fetched from its JWKS URL
// and cached. Guarantees:
// - fetched keys are trusted for SOCIAL_JWKS_CACHE_TTL seconds, and while
//   they are, no request reaches the provider: a provider that is down does
//   not stop sign-ins with keys we already hold;
// - an unknown `kid` (the provider rotated its keys) refetches at most once
//   per SOCIAL_JWKS_MIN_REFETCH_INTERVAL, concurrent misses share one fetch,
//   and nothing is fetched within that interval after a failed fetch: a
//   flood of made-up kids cannot make us hammer the provider (Kakao blocks
//   callers that ask for its keys too often);
// - only RSA signing keys of at least 2048 bits are kept, each pinned to one
//   RS* algorithm (the key's own `alg`, RS256 when it names none), so a token
//   can never choose HS*, none, or another key type.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { ProviderHttp } from './http';
import { asRecord, asString, ProviderFailure } from './provider';

export type SigningAlgorithm = 'RS256' | 'RS384' | 'RS512';
const RSA_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512'];
const MIN_MODULUS_BITS = 2048;
const MAX_KEYS = 50;

export interface SigningKey {
  key: KeyObject;
  algorithm: SigningAlgorithm;
}

export interface JwksTiming {
  /** Seconds fetched keys are trusted. */
  ttl: number;
  /** Seconds between two refetches for an unknown kid, and after a failed fetch. */
  minRefetchInterval: number;
}

export class JwksCache {
  private keys = new Map<string, SigningKey>();
  private fetchedAt = -Infinity;
  private lastRefetch = -Infinity;
  private lastFailure = -Infinity;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly http: ProviderHttp,
    /** Names the provider's key set in log details, e.g. `google jwks`. */
    private readonly what: string,
    private readonly url: string,
    private readonly timing: JwksTiming,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key named `kid`: PROVIDER_UNAVAILABLE when no current key set can be had, TOKEN_REJECTED when the provider has no such key. */
  async get(kid: string): Promise<SigningKey> {
    const fresh = this.now() - this.fetchedAt < this.timing.ttl * 1000;
    const cached = fresh ? this.keys.get(kid) : undefined;
    if (cached) return cached;
    // Expired keys, or a fetch already under way (perhaps for this very kid): wait for it and look once.
    if (!fresh || this.inflight) {
      await this.refresh(false);
      return this.keys.get(kid) ?? this.unknown();
    }
    await this.refresh(true);
    return this.keys.get(kid) ?? this.unknown();
  }

  private unknown(): never {
    throw new ProviderFailure('TOKEN_REJECTED', `${this.what}: no key has the token's kid`);
  }

  /** Joins the fetch in flight, or starts one unless the rate limits say no. */
  private async refresh(forUnknownKid: boolean): Promise<void> {
    if (!this.inflight) {
      const now = this.now();
      const interval = this.timing.minRefetchInterval * 1000;
      if (now - this.lastFailure < interval) throw new ProviderFailure('PROVIDER_UNAVAILABLE', `${this.what}: the last fetch failed; not asking again yet`);
      if (forUnknownKid) {
        if (now - this.lastRefetch < interval) throw new ProviderFailure('PROVIDER_UNAVAILABLE', `${this.what}: unknown kid, refetch rate-limited`);
        this.lastRefetch = now;
      }
      this.inflight = this.fetch().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }

  private async fetch(): Promise<void> {
    try {
      const keys = parseJwks(await this.http.getJson(this.what, this.url, { signal: this.http.deadline() }));
      if (keys.size === 0) throw new ProviderFailure('PROVIDER_UNAVAILABLE', `${this.what}: no usable RSA signing key`);
      this.keys = keys;
      this.fetchedAt = this.now();
    } catch (err) {
      this.lastFailure = this.now();
      // Whatever the status, a key set we cannot fetch is the provider's outage, never the user's token.
      if (err instanceof ProviderFailure) throw new ProviderFailure('PROVIDER_UNAVAILABLE', err.detail);
      throw err;
    }
  }
}

/** The usable keys of a JWKS answer by kid; anything else in it is skipped. */
function parseJwks(body: unknown): Map<string, SigningKey> {
  const keys = new Map<string, SigningKey>();
  const list = asRecord(body)?.keys;
  if (!Array.isArray(list)) return keys;
  for (const entry of list.slice(0, MAX_KEYS)) {
    const jwk = asRecord(entry);
    const kid = asString(jwk?.kid);
    const algorithm = jwk?.alg === undefined ? 'RS256' : jwk.alg;
    if (!jwk || !kid || jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')) continue;
    if (typeof algorithm !== 'string' || !RSA_ALGORITHMS.includes(algorithm) || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') continue;
    try {
      // Only the public parts are read, whatever else the answer carries.
      const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e } as JsonWebKey, format: 'jwk' });
      if ((key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_MODULUS_BITS) keys.set(kid, { key, algorithm: algorithm as SigningAlgorithm });
    } catch {
      // A key we cannot read is skipped like a key of a type we do not use.
    }
  }
  return keys;
}
