// Remembers every secret a test file uses, so its last test can check that
// none of them reached the logs.
export class SecretLog {
  private readonly secrets = new Set<string>();

  add<T extends string | null | undefined>(secret: T): T {
    if (secret && secret.length >= 6) this.secrets.add(secret);
    return secret;
  }

  /** The secrets that appear in the text (should be none). */
  leakedIn(text: string): string[] {
    return [...this.secrets].filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)));
  }

  get size(): number {
    return this.secrets.size;
  }
}
