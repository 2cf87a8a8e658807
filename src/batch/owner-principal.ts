/**
 * Who a batch's lines run as: the key that created the batch, looked up again when each line
 * runs, so a key revoked or expired since stops its batch's remaining lines (they fail with the
 * same code an interactive request would get), and a changed limit or team applies at once.
 */
import type { KeyPrincipal } from '../access/access-control';
import type { KeyRecord, TeamRecord } from '../access/types';
import { JunctionError } from '../errors';

export interface OwnerDirectory {
  /** The keys and teams the config declares. */
  declared(): { keys: readonly KeyRecord[]; teams: readonly TeamRecord[] };
  getKey(id: string): Promise<KeyRecord | undefined>;
  getTeam(id: string): Promise<TeamRecord | undefined>;
}

/** The owner's principal now, or a coded refusal; undefined for batches made with access open. */
export async function ownerPrincipal(directory: OwnerDirectory, owner: string | undefined, now: number): Promise<KeyPrincipal | undefined> {
  if (owner === undefined) return undefined;
  const declared = directory.declared();
  const key = declared.keys.find((record) => record.id === owner) ?? (await directory.getKey(owner));
  if (key === undefined) throw new JunctionError('invalid_api_key', 'The API key that created this batch no longer exists');
  if (key.revokedAt !== undefined && key.revokedAt <= now) throw new JunctionError('api_key_revoked', 'The API key that created this batch has been revoked');
  if (key.expiresAt !== undefined && key.expiresAt <= now) throw new JunctionError('api_key_expired', 'The API key that created this batch has expired');
  const principal: KeyPrincipal = { id: key.id, key };
  if (key.team !== undefined) {
    principal.team = key.team;
    const team = declared.teams.find((record) => record.id === key.team) ?? (await directory.getTeam(key.team));
    if (team) principal.teamRecord = team;
  }
  return principal;
}
