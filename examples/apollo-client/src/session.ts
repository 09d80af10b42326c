// Where the example keeps its tokens: in memory. A real app keeps them in the
// platform's secure storage (Keychain, Keystore) and restores them at start.
export interface Tokens {
  token: string;
  refreshToken: string;
}

export class Session {
  private tokens: Tokens | null = null;

  constructor(private readonly onSignOut: (reason: string) => void = () => undefined) {}

  get token(): string | null {
    return this.tokens?.token ?? null;
  }

  get refreshToken(): string | null {
    return this.tokens?.refreshToken ?? null;
  }

  /** Seconds since the epoch at which the access token expires (read from the JWT, for display only). */
  get expiresAt(): number | null {
    return this.claims()?.exp ?? null;
  }

  /** How long the server's access tokens live, in seconds (exp − iat; the server's JWT_EXPIRATION_DELTA). */
  get lifetime(): number | null {
    const claims = this.claims();
    return claims?.exp !== undefined && claims.iat !== undefined ? claims.exp - claims.iat : null;
  }

  private claims(): { exp?: number; iat?: number } | null {
    if (!this.tokens) return null;
    return JSON.parse(Buffer.from(this.tokens.token.split('.')[1], 'base64url').toString('utf8')) as { exp?: number; iat?: number };
  }

  set(tokens: Tokens): void {
    this.tokens = tokens;
  }

  signOut(reason: string): void {
    if (!this.tokens) return;
    this.tokens = null;
    this.onSignOut(reason);
  }
}
