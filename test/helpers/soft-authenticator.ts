// A software WebAuthn authenticator with node:crypto only, standing in for a
// browser plus platform authenticator: ES256 (P-256) keys, `none`
// attestation, discoverable credentials with their user handle, and a
// signature counter. Every way a real one can misbehave is an option, so
// tests can prove the server refuses it: a counter stuck at zero (a synced
// passkey) or replayed, no user verification, another origin or RP ID, a
// tampered signature, another credential's id.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

type Cbor = number | string | Uint8Array | Map<number | string, Cbor>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** The CBOR subset WebAuthn needs (RFC 8949 major types 0, 1, 2, 3, 5), definite lengths only. */
export function cbor(v: Cbor): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') return Buffer.concat([head(3, Buffer.byteLength(v)), Buffer.from(v)]);
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), v]);
  return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
}

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();
const b64u = (data: Uint8Array) => Buffer.from(data).toString('base64url');
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};

export const FLAG = { UP: 0x01, UV: 0x04, BE: 0x08, BS: 0x10, AT: 0x40 } as const;

export interface SoftCredential {
  id: Buffer;
  privateKey: KeyObject;
  rpId: string;
  userHandle: Buffer;
  counter: number;
}

export interface AuthenticatorOptions {
  origin: string;
  /** false: never set UV (no PIN or biometric), as a lying or U2F-era key would. Default true. */
  userVerified?: boolean;
  /** 'zero' keeps the counter at 0 forever, as synced passkeys do. Default 'increment'. */
  counter?: 'increment' | 'zero';
  /** Backup eligible / backed up: a synced ('multiDevice') passkey. Default false / false. */
  backupEligible?: boolean;
  backedUp?: boolean;
}

/** Per-ceremony lies, applied to one response only. */
export interface Override {
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  tamperSignature?: boolean;
  /** Answer with this credential id in id/rawId (the signature stays the real credential's). */
  claimCredentialId?: string;
  /** Sign with this credential (base64url id) whatever the options allow. */
  useCredential?: string;
  /** Put this userHandle in the assertion instead of the credential's own. */
  userHandle?: Uint8Array | null;
  /** Keep the counter where it is (replay the last value). */
  repeatCounter?: boolean;
  /** create(): make the new credential with this id (an attacker copying another account's credential id). */
  newCredentialId?: Uint8Array;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
  excludeCredentials?: { id: string }[];
}
interface RequestOptions {
  challenge: string;
  rpId?: string;
  allowCredentials?: { id: string }[];
}

/** The PublicKeyCredential JSON around a response, as credential.toJSON() gives it. */
function envelope<R>(cred: SoftCredential, over: Override, response: R) {
  const id = over.claimCredentialId ?? b64u(cred.id);
  return { id, rawId: id, type: 'public-key' as const, authenticatorAttachment: 'platform' as const, clientExtensionResults: {}, response };
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(readonly options: AuthenticatorOptions) {}

  private flags(extra: number, over: Override): number {
    const uv = over.userVerified ?? this.options.userVerified ?? true;
    return FLAG.UP | (uv ? FLAG.UV : 0) | (this.options.backupEligible ? FLAG.BE : 0) | (this.options.backedUp ? FLAG.BS : 0) | extra;
  }

  private clientData(type: string, challenge: string, over: Override): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin: over.origin ?? this.options.origin, crossOrigin: false }));
  }

  /** navigator.credentials.create(): a RegistrationResponseJSON. */
  create(opts: CreationOptions, over: Override = {}) {
    const rpId = over.rpId ?? opts.rp.id ?? new URL(this.options.origin).hostname;
    const excluded = new Set((opts.excludeCredentials ?? []).map((c) => c.id));
    if (this.credentials.some((c) => c.rpId === rpId && excluded.has(b64u(c.id))))
      throw new Error('InvalidStateError: this authenticator already holds an excluded credential');
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const cred: SoftCredential = {
      id: over.newCredentialId ? Buffer.from(over.newCredentialId) : randomBytes(32),
      privateKey,
      rpId,
      userHandle: Buffer.from(opts.user.id, 'base64url'),
      counter: 0,
    };
    const attested = Buffer.concat([Buffer.alloc(16), Buffer.from([cred.id.length >> 8, cred.id.length & 0xff]), cred.id, cose]);
    const authData = Buffer.concat([sha256(rpId), Buffer.from([this.flags(FLAG.AT, over)]), u32(this.nextCounter(cred, over)), attested]);
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    this.credentials.push(cred);
    return envelope(cred, over, {
      clientDataJSON: b64u(this.clientData('webauthn.create', opts.challenge, over)),
      attestationObject: b64u(attestationObject),
      transports: ['internal'],
    });
  }

  /** navigator.credentials.get(): an AuthenticationResponseJSON; discoverable when allowCredentials is empty. */
  get(opts: RequestOptions, over: Override = {}) {
    const rpId = opts.rpId ?? new URL(this.options.origin).hostname;
    const allowed = (opts.allowCredentials ?? []).map((c) => c.id);
    const cred = over.useCredential
      ? this.credentials.find((c) => b64u(c.id) === over.useCredential)
      : this.credentials.find((c) => c.rpId === rpId && (allowed.length === 0 || allowed.includes(b64u(c.id))));
    if (!cred) throw new Error('NotAllowedError: no credential for this request');
    const authData = Buffer.concat([sha256(over.rpId ?? cred.rpId), Buffer.from([this.flags(0, over)]), u32(this.nextCounter(cred, over))]);
    const clientDataJSON = this.clientData('webauthn.get', opts.challenge, over);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);
    if (over.tamperSignature) signature[signature.length - 1] ^= 0x01;
    // Discoverable answers carry the user handle, as the spec requires; non-discoverable ones may omit it.
    const userHandle = over.userHandle !== undefined ? over.userHandle : allowed.length === 0 ? cred.userHandle : null;
    return envelope(cred, over, {
      clientDataJSON: b64u(clientDataJSON),
      authenticatorData: b64u(authData),
      signature: b64u(signature),
      ...(userHandle ? { userHandle: b64u(userHandle) } : {}),
    });
  }

  private nextCounter(cred: SoftCredential, over: Override): number {
    if (this.options.counter !== 'zero' && !over.repeatCounter) cred.counter += 1;
    return this.options.counter === 'zero' ? 0 : cred.counter;
  }
}
