// Signing secrets at rest: sealed with a key derived for this purpose only,
// bound to the endpoint id, so a row's ciphertext opens for that row alone.
import type { EntityManager } from '@mikro-orm/core';
import type { MasterSecrets } from '../crypto/derive-key';
import { SecretBox } from '../crypto/secret-box';
import { WebhookEndpoint } from '../entities';

const aad = (id: string) => `webhook:${id}`;

export class WebhookSecrets {
  private readonly box: SecretBox;

  constructor(master: MasterSecrets) {
    this.box = new SecretBox(master, 'webhook-secret');
  }

  seal(endpointId: string, secret: string): string {
    return this.box.seal(secret, aad(endpointId));
  }

  /** The endpoint's secret, or null when it no longer opens (the master secret changed without the old one kept). */
  async secretOf(em: EntityManager, endpointId: string): Promise<string | null> {
    const row = await em.findOne(WebhookEndpoint, endpointId, { fields: ['id', 'secretSealed'] });
    if (!row) return null;
    try {
      return this.box.open(row.secretSealed, aad(endpointId)).plaintext.toString('utf8');
    } catch {
      return null;
    }
  }
}
